package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

// TestImagePodmanDifferential runs the image commands on podlite and on
// podman 4.3.1 (where it agrees with podman 5's documentation), both
// loaded from the same busybox archive, and compares their output with
// blanks squeezed: the same image, so the same IDs, digests and sizes.
func TestImagePodmanDifferential(t *testing.T) {
	pm := NewPodman(t)
	e := NewEnv(t)
	e.LoadBusybox()
	pm.MustRun("load", "-q", "-i", busyboxArchive)
	for _, args := range [][]string{{"tag", BusyboxImage, "zzz:1"}, {"tag", BusyboxImage, "aaa:2"}} {
		e.MustPodlite(args...)
		pm.MustRun(args...)
	}
	id := imageID(e, BusyboxImage)

	same := func(args ...string) {
		t.Helper()
		r := e.Podlite(args...)
		pmOut, pmErr := pm.Run(args...)
		got, want := squeeze(r.Stdout+r.Stderr), squeeze(pmOut)
		if got != want || r.ExitCode != exitStatus(pmErr) {
			t.Errorf("%s:\npodlite (exit %d):\n%s\npodman (exit %d):\n%s", strings.Join(args, " "), r.ExitCode, got, exitStatus(pmErr), want)
		}
	}
	// Tables: the default header, --noheading, --sort, --digests.
	for _, sortKey := range []string{"repository", "tag"} {
		same("images", "--sort", sortKey)
		same("images", "--sort", sortKey, "--noheading")
		same("images", "--sort", sortKey, "--digests", "--no-trunc")
		same("image", "ls", "--sort", sortKey, "--format", "table {{.ID}} {{.Repository}} {{.Tag}} {{.Size}} {{.Containers}}")
		same("images", "--sort", sortKey, "--format", "{{.Repository}}:{{.Tag}} {{.CreatedAt}} {{.Digest}} {{.Labels}} {{.VirtualSize}} {{.SharedSize}} {{.ReadOnly}} {{.Dangling}}")
	}
	// Filters (4.3.1 lacks digest= and takes only full IDs in id=, which
	// podman 5 takes as prefixes: TestImageListPodmanFlags has both).
	for _, f := range []string{"dangling=false", "dangling=true", "reference=busybox", "reference=localhost/zzz:*", "id=" + id,
		"label!=x", "label=x", "until=2025-01-01T00:00:00Z", "readonly=false", "intermediate=false", "containers=false"} {
		same("images", "-q", "--filter", f)
	}
	same("images", "-q", "--no-trunc", "aaa")
	// Errors: podman's words and exit codes.
	same("images", "--filter", "color=red")
	same("images", "--filter", "dangling=true", "busybox")
	same("rmi", "nosuchimage")
	same("rmi", "--ignore", "nosuchimage")
	same("rmi", "aaa:2")
	same("history", "nosuchimage")
	// image history.
	same("image", "history", BusyboxImage)
	same("history", "-q", BusyboxImage)
	same("history", "--no-trunc", "--human=false", BusyboxImage)

	// JSON: the same keys with the same JSON types.
	for _, args := range [][]string{{"images", "--format", "json"}, {"history", "--format", "json", BusyboxImage}} {
		got, err := jsonShape([]byte(e.MustPodlite(args...).Stdout))
		if err != nil {
			t.Fatalf("podlite %s: %v", strings.Join(args, " "), err)
		}
		want, err := jsonShape([]byte(pm.MustRun(args...)))
		if err != nil {
			t.Fatalf("podman %s: %v", strings.Join(args, " "), err)
		}
		if got != want {
			t.Errorf("%s shape:\npodlite %s\npodman  %s", strings.Join(args, " "), got, want)
		}
	}
}

// squeeze trims output and turns every run of blanks into one space, so
// column widths do not matter.
func squeeze(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

// exitStatus is the exit code of a finished command's error.
func exitStatus(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// jsonShape describes a JSON array of objects by each object's sorted
// "key:type" list. History steps' "tags" are left out: podman 5 fills
// them (as podlite does), 4.3.1 never does.
func jsonShape(b []byte) (string, error) {
	var items []map[string]any
	if err := json.Unmarshal(b, &items); err != nil {
		return "", err
	}
	var out []string
	for _, item := range items {
		keys := make([]string, 0, len(item))
		for k, v := range item {
			if k == "tags" {
				continue
			}
			keys = append(keys, fmt.Sprintf("%s:%T", k, v))
		}
		sort.Strings(keys)
		out = append(out, "{"+strings.Join(keys, " ")+"}")
	}
	return strings.Join(out, " "), nil
}
