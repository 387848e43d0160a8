package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// A test skips only for a fact of the machine that CI cannot change, and
// says so here, through requireMachine; the suite as a whole skips without
// root (make test-e2e runs it as root). Tools contrib/setup.sh installs
// are no such fact: CI always has them, so a missing one fails the test
// with the command that installs it (requireTool). A podlite command that
// fails is never a reason to skip.

// requireRoot skips t when the suite does not run as root.
func requireRoot(t *testing.T) {
	t.Helper()
	requireMachine(t, "root: e2e tests run podlite as root (make test-e2e)", skipReason == "")
}

// requireMachine skips t unless the machine has what fact names.
func requireMachine(t *testing.T, fact string, has bool) {
	t.Helper()
	if !has {
		t.Skipf("this machine lacks %s", fact)
	}
}

// requireTool returns the path of an outside tool contrib/setup.sh
// installs, found on PATH or where `go install` puts it, and fails t
// with install (the command that installs it) if there is none.
func requireTool(t *testing.T, name, install string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if home, err := os.UserHomeDir(); err == nil {
		if p := filepath.Join(home, "go", "bin", name); isExecutable(p) {
			return p
		}
	}
	t.Fatalf("%s is not installed: contrib/setup.sh installs it (%s)", name, install)
	return ""
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0
}
