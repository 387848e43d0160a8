package names

import "testing"

// TestRandomNameSpace: random names are valid and spread over enough
// names that a host with thousands of containers rarely needs a retry
// (there were 400 once, and a few hundred containers ran out of retries).
func TestRandomNameSpace(t *testing.T) {
	if n := len(adjectives) * len(nouns); n < 10000 {
		t.Fatalf("only %d random names", n)
	}
	seen := map[string]bool{}
	for range 2000 {
		name := Random()
		if err := Check(name); err != nil {
			t.Fatalf("Random() = %q: %v", name, err)
		}
		seen[name] = true
	}
	if len(seen) < 1800 {
		t.Errorf("2000 random names hold only %d distinct ones", len(seen))
	}
}
