package e2e

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestImageListPodmanFlags: podman's images flags and filter keys on a
// store of busybox (2024, two names), a labelled image and a dangling one
// (both made now), one of them used by a container.
func TestImageListPodmanFlags(t *testing.T) {
	e := NewEnv(t)
	e.LoadBusybox()
	bb := imageID(e, BusyboxImage)
	e.MustPodlite("tag", BusyboxImage, "zzz:1")
	app := strings.TrimSpace(e.MustPodlite("import", "--change", "LABEL team=core",
		rootfsTarball(e, map[string]string{"a": "1"}), "app").Stdout)
	dangling := strings.TrimSpace(e.MustPodlite("import", rootfsTarball(e, map[string]string{"a": "2"})).Stdout)
	ctr := strings.TrimSpace(e.MustPodlite("create", BusyboxImage, "true").Stdout)
	digest := strings.TrimSpace(e.MustPodlite("image", "inspect", "--format", "{{.Digest}}", BusyboxImage).Stdout)

	ids := func(args ...string) string {
		t.Helper()
		return strings.Join(strings.Fields(e.MustPodlite(append([]string{"images", "-q"}, args...)...).Stdout), " ")
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--filter", "id=" + bb[:6]}, []string{bb}},
		{[]string{"--filter", "digest=" + digest}, []string{bb}},
		{[]string{"--filter", "label=team=core"}, []string{app}},
		{[]string{"--filter", "label!=team"}, []string{dangling, bb}},
		{[]string{"--filter", "before=app"}, []string{bb}},
		{[]string{"--filter", "since=" + bb}, []string{dangling, app}},
		{[]string{"--filter", "until=2025-01-01T00:00:00Z"}, []string{bb}},
		{[]string{"--filter", "containers=true"}, []string{bb}},
		{[]string{"--filter", "containers=false", "--filter", "dangling=false"}, []string{app}},
		{[]string{"--filter", "intermediate=true"}, []string{dangling}},
		{[]string{"--filter", "readonly=true"}, nil},
		{[]string{"--filter", "manifest=false", "--sort", "id"}, sortedIDs(bb, app, dangling)},
	} {
		var want []string
		for _, id := range tc.want {
			want = append(want, id[:12])
		}
		if got := ids(tc.args...); got != strings.Join(want, " ") {
			t.Errorf("images -q %s = %q, want %q", strings.Join(tc.args, " "), got, want)
		}
	}

	// --sort repository and tag; --noheading drops the header only.
	r := e.MustPodlite("images", "--sort", "repository", "--format", "{{.Repository}}:{{.Tag}}")
	if got := strings.Fields(r.Stdout); !slices.Equal(got, []string{"<none>:<none>", "localhost/app:latest", "localhost/busybox:latest", "localhost/zzz:1"}) {
		t.Errorf("images --sort repository = %q", got)
	}
	r = e.MustPodlite("images", "--sort", "tag", "--noheading", "--filter", "reference=busybox", "--filter", "reference=zzz")
	if lines := strings.Split(strings.TrimSpace(r.Stdout), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[0], "localhost/zzz ") {
		t.Errorf("images --sort tag --noheading:\n%s", r.Stdout)
	}
	if r := e.Podlite("images", "--sort", "color"); r.ExitCode != 125 || !strings.Contains(r.Stderr, `"color" is not a valid field for sorting`) {
		t.Errorf("images --sort color: exit %d, %q", r.ExitCode, r.Stderr)
	}
	if r := e.Podlite("images", "--filter", "color=red"); r.Stderr != "Error: unsupported image filter \"color\"\n" {
		t.Errorf("images --filter color=red: %q", r.Stderr)
	}

	// --digests and --no-trunc; every podman template field.
	r = e.MustPodlite("images", "--digests", "--no-trunc", "app")
	if !regexp.MustCompile(`(?m)^REPOSITORY\s+TAG\s+DIGEST\s+IMAGE ID\s+CREATED\s+SIZE$`).MatchString(r.Stdout) ||
		!strings.Contains(r.Stdout, "sha256:"+app) {
		t.Errorf("images --digests --no-trunc:\n%s", r.Stdout)
	}
	r = e.MustPodlite("images", "--filter", "reference=busybox", "--format",
		"{{.ID}}|{{.Id}}|{{.Containers}}|{{.CreatedAt}}|{{.CreatedTime}}|{{.Created}}|{{.CreatedSince}}|{{.Dangling}}|{{.IsDangling}}|{{.ReadOnly}}|{{.IsReadOnly}}|{{.Digest}}|{{.Names}}|{{.RepoTags}}|{{.RepoDigests}}|{{.Labels}}|{{.SharedSize}}|{{.VirtualSize}}|{{.ParentId}}|{{.Size}}|{{.History}}")
	first, _, _ := strings.Cut(r.Stdout, "\n") // one line per name
	f := strings.Split(first, "|")
	if len(f) != 21 || f[0] != bb[:12] || f[1] != bb || f[2] != "1" || f[3] != "2024-01-01 00:00:00 +0000 UTC" || f[3] != f[4] ||
		!strings.HasSuffix(f[5], " ago") || f[5] != f[6] || f[7] != "false" || f[8] != "false" || f[9] != "false" || f[10] != "false" ||
		f[11] != digest || !strings.Contains(f[12], "localhost/zzz:1") || f[12] != f[13] || !strings.Contains(f[14], "localhost/busybox@"+digest) ||
		f[15] != "map[]" || f[16] != "0" || f[18] != "" || !regexp.MustCompile(`^[0-9.]+ [kMG]?B$`).MatchString(f[19]) || !strings.Contains(f[20], "localhost/busybox:latest") {
		t.Errorf("images template fields: %q", f)
	}
	if r := e.MustPodlite("images", "--format", "table {{.ID}}\t{{.ReadOnly}}", "app"); !strings.HasPrefix(r.Stdout, "IMAGE ID") || !strings.Contains(r.Stdout, "R/O") {
		t.Errorf("images table header:\n%s", r.Stdout)
	}
	e.MustPodlite("rm", ctr)
}

// sortedIDs returns ids in ascending order.
func sortedIDs(ids ...string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// TestImageHistoryAndPrune: image history in podman's shapes, and prune
// limited by --filter.
func TestImageHistoryAndPrune(t *testing.T) {
	e := NewEnv(t)
	e.LoadBusybox()
	bb := imageID(e, BusyboxImage)
	r := e.MustPodlite("image", "history", BusyboxImage)
	if !regexp.MustCompile(`^ID\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT\n` + bb[:12] + `\s+\S.* ago\s+podlite e2e test image\s+[0-9.]+ [kM]B`).MatchString(r.Stdout) {
		t.Errorf("image history:\n%s", r.Stdout)
	}
	if r := e.MustPodlite("history", "-q", "--no-trunc", BusyboxImage); strings.TrimSpace(r.Stdout) != bb {
		t.Errorf("history -q --no-trunc = %q", r.Stdout)
	}
	if r := e.MustPodlite("history", "--human=false", "--format", "{{.Created}} {{.CreatedBy}}", BusyboxImage); strings.TrimSpace(r.Stdout) != "2024-01-01T00:00:00Z podlite e2e test image" {
		t.Errorf("history --human=false --format = %q", r.Stdout)
	}
	var steps []map[string]any
	if err := json.Unmarshal([]byte(e.MustPodlite("history", "--format", "json", BusyboxImage).Stdout), &steps); err != nil || len(steps) != 1 {
		t.Fatalf("history --format json: %v %v", err, steps)
	}
	if steps[0]["id"] != bb || steps[0]["CreatedBy"] != "podlite e2e test image" || steps[0]["Created"] != "2024-01-01T00:00:00Z" {
		t.Errorf("history json: %v", steps[0])
	}
	if r := e.Podlite("history", "nosuch"); r.ExitCode != 125 || !strings.Contains(r.Stderr, "nosuch") {
		t.Errorf("history nosuch: exit %d, %q", r.ExitCode, r.Stderr)
	}

	// prune --filter: only the images that pass go.
	e.MustPodlite("import", "--change", "LABEL keep=1", rootfsTarball(e, map[string]string{"a": "1"}), "keep")
	e.MustPodlite("import", rootfsTarball(e, map[string]string{"a": "2"}), "drop")
	r = e.MustPodlite("image", "prune", "-a", "-f", "--filter", "label!=keep", "--filter", "since="+bb)
	dropID := strings.TrimSpace(r.Stdout)
	if r := e.MustPodlite("images", "--format", "{{.Repository}}", "--sort", "repository"); strings.Join(strings.Fields(r.Stdout), " ") != "localhost/busybox localhost/keep" {
		t.Errorf("after prune --filter (removed %q): %q", dropID, r.Stdout)
	}
	expectOneLineError(t, e.Podlite("image", "prune", "-f", "--filter", "color=red"))
	// Flags that cannot mean anything here are refused, not ignored.
	for _, flag := range []string{"--build-cache", "--external"} {
		expectOneLineError(t, e.Podlite("image", "prune", "-f", flag))
	}
	if r := e.MustPodlite("rmi", "--no-prune", "keep"); !strings.Contains(r.Stdout, "Deleted: ") {
		t.Errorf("rmi --no-prune keep: %q", r.Stdout)
	}
}
