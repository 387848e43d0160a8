package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestCpRaceStaysInContainer copies into and out of a hostile container
// that keeps swapping a directory and a symlink to a host directory (an
// absolute one, and one that climbs out with ".."): the copies that run
// while it does either fail or stay in the container, and none ever
// writes into that host directory or reads the marker in it.
func TestCpRaceStaysInContainer(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	outside := t.TempDir() // the symlinks' target on the host
	marker := "marker-" + strconv.Itoa(os.Getpid())
	if err := os.WriteFile(filepath.Join(outside, marker), []byte("host"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	for i := range 20 {
		if err := os.WriteFile(filepath.Join(src, "f"+strconv.Itoa(i)), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The target exists in the container too: a copy that resolves the
	// symlink there succeeds, inside.
	swap := "mkdir -p " + outside + " /w && cd /w && while :; do " +
		"rm -rf a b; mkdir a b; touch a/in b/in; rm -rf a b; ln -s " + outside + " a; ln -s ../../../../../.." + outside + " b; done"
	e.MustPodlite("run", "-d", "--name", "hostile", "--network", "none", img, "sh", "-c", swap)
	out := t.TempDir()
	copied := 0
	for i := range 40 {
		dir := []string{"/w/a", "/w/b"}[i%2]
		if r := e.Podlite("cp", src+"/.", "hostile:"+dir+"/"); r.ExitCode == 0 {
			copied++
		}
		dst := filepath.Join(out, strconv.Itoa(i))
		if r := e.Podlite("cp", "hostile:"+dir+"/.", dst); r.ExitCode == 0 {
			copied++
		}
		if _, err := os.Lstat(filepath.Join(dst, marker)); err == nil {
			t.Fatalf("copy %d out of %s read the host's %s", i, dir, marker)
		}
	}
	entries, err := os.ReadDir(outside)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != marker {
		var names []string
		for _, en := range entries {
			names = append(names, en.Name())
		}
		t.Fatalf("copies into the container wrote on the host: %v", names)
	}
	if copied == 0 {
		t.Fatal("no copy succeeded: the race was never run")
	}
	t.Logf("%d of 80 copies succeeded", copied)
}
