package crashpoint

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestEveryPointIsHit checks that each registered name is passed to Hit
// somewhere in the tree, and that every Hit names a registered point, so
// the e2e tests that range over All exercise real steps.
func TestEveryPointIsHit(t *testing.T) {
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..", "..")
	out, err := exec.Command("git", "-C", root, "grep", "-h", "crashpoint.Hit(", "--", "*.go").Output()
	if err != nil {
		if len(All()) == 0 {
			return
		}
		t.Fatalf("git grep: %v", err)
	}
	consts := constValues(t)
	call := regexp.MustCompile(`crashpoint\.Hit\(crashpoint\.(\w+)\)`)
	hit := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		for _, m := range call.FindAllStringSubmatch(line, -1) {
			v, ok := consts[m[1]]
			if !ok {
				t.Errorf("Hit(crashpoint.%s): no such constant", m[1])
			}
			hit[v] = true
		}
	}
	for _, n := range All() {
		if !hit[n] {
			t.Errorf("crash point %q is registered but never hit", n)
		}
	}
}

// constValues maps the constant names of names_*.go to their values.
func constValues(t *testing.T) map[string]string {
	files, _ := filepath.Glob("names_*.go")
	re := regexp.MustCompile(`(?m)^\s*(\w+)\s*=\s*"([^"]+)"`)
	m := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range re.FindAllStringSubmatch(string(data), -1) {
			m[s[1]] = s[2]
		}
	}
	return m
}
