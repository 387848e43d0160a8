package config

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestHooksDir: hooks_dir replaces the default hook directories; an empty
// list means no hooks.
func TestHooksDir(t *testing.T) {
	if d := Default().HooksDirs; !reflect.DeepEqual(d, []string{"/usr/share/podlite/oci/hooks.d", "/etc/podlite/oci/hooks.d"}) {
		t.Errorf("default hooks_dir %q", d)
	}
	for body, want := range map[string][]string{`hooks_dir = ["/a", "/b"]`: {"/a", "/b"}, `hooks_dir = []`: {}} {
		path := filepath.Join(t.TempDir(), "podlite.conf")
		if err := os.WriteFile(path, []byte(body+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.HooksDirs) != len(want) || (len(want) > 0 && !reflect.DeepEqual(c.HooksDirs, want)) {
			t.Errorf("%s: hooks_dir %q, want %q", body, c.HooksDirs, want)
		}
	}
}
