package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSecretsPodman runs the same secret commands on podlite and podman
// 4.3.1 and compares their output (IDs, times and the driver's path
// normalized): inspect's JSON, ls templates, and the errors.
func TestSecretsPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	file := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(file, []byte("s3cret"), 0o644); err != nil {
		t.Fatal(err)
	}
	times := regexp.MustCompile(`\d{4}-\d\d-\d\dT[0-9:.]+Z`)
	ids := regexp.MustCompile(`\b[0-9a-f]{25}\b`)
	norm := func(s, root string) string {
		s = strings.ReplaceAll(s, root+"/secrets/filedriver", "ROOT/secrets/filedriver")
		return ids.ReplaceAllString(times.ReplaceAllString(s, "TIME"), "ID")
	}
	comparePodman(t, e, pm, norm, [][]string{
		{"secret", "create", "--label", "app=db", "db", file},
		{"secret", "create", "plain", file},
		{"secret", "create", "db", file},
		{"secret", "inspect", "db", "plain"},
		{"secret", "inspect", "--format", "{{.Spec.Name}} {{.Spec.Driver.Name}} {{.Spec.Labels}}", "db"},
		{"secret", "inspect", "nosuch"},
		// One row each: podman 4.3.1 lists several in no fixed order.
		{"secret", "ls", "--filter", "name=db", "--format", "{{.Name}} {{.Driver}}"},
		{"secret", "ls", "--filter", "name=plain", "--noheading", "--quiet"},
		{"secret", "rm", "nosuch"},
		{"secret", "rm", "plain"},
		{"run", "--rm", "--network", "none", "--secret", "db,type=env,target=PW", img, "sh", "-c", "echo $PW"},
		{"run", "--rm", "--network", "none", "--secret", "db", img, "cat", "/run/secrets/db"},
	})
}
