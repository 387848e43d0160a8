package e2e

import (
	"strings"
	"testing"
)

// TestPodPsFilterSort: pod ps with podman's filter keys, --sort and the
// --ctr-* columns over three pods: alpha (running, two containers, a
// label, no network), beta (created, no network), gamma (created, on the
// default network).
func TestPodPsFilterSort(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	alpha := strings.TrimSpace(n.MustPodlite("pod", "create", "--name", "alpha", "--label", "tier=web", "--network", "none").Stdout)
	web := strings.TrimSpace(n.MustPodlite("run", "-d", "--pod", "alpha", "--name", "web", img, "sleep", "1000").Stdout)
	n.MustPodlite("pod", "create", "--name", "beta", "--network", "none")
	n.MustPodlite("pod", "create", "--name", "gamma")

	names := func(args ...string) string {
		t.Helper()
		out := n.MustPodlite(append([]string{"pod", "ps", "--format", "{{.Name}}"}, args...)...).Stdout
		return strings.Join(strings.Fields(out), " ")
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "gamma beta alpha"}, // --sort created: newest first, as podman
		{[]string{"--sort", "name"}, "alpha beta gamma"},
		{[]string{"--sort", "id", "--filter", "id=" + alpha[:12]}, "alpha"},
		{[]string{"--filter", "name=^alpha$"}, "alpha"},
		{[]string{"--filter", "name=^a", "--filter", "name=^b"}, "beta alpha"},
		{[]string{"--filter", "label=tier=web"}, "alpha"},
		{[]string{"--filter", "label!=tier=web"}, "gamma beta"},
		{[]string{"--filter", "status=running"}, "alpha"},
		{[]string{"--filter", "status=created"}, "gamma beta"},
		{[]string{"--filter", "status=created", "--filter", "name=beta"}, "beta"},
		{[]string{"--filter", "ctr-names=^web$"}, "alpha"},
		{[]string{"--filter", "ctr-ids=" + web[:12]}, "alpha"},
		{[]string{"--filter", "ctr-status=running"}, "alpha"},
		{[]string{"--filter", "ctr-status=created"}, "gamma beta"},
		{[]string{"--filter", "ctr-number=2"}, "alpha"},
		{[]string{"--filter", "network=podlite"}, "gamma"},
		{[]string{"--filter", "network=nosuch"}, ""},
		{[]string{"--filter", "until=1h"}, ""},
		{[]string{"--filter", "until=2100-01-01T00:00:00Z", "--latest"}, "gamma"},
	} {
		if got := names(c.args...); got != c.want {
			t.Errorf("pod ps %v: %q, want %q", c.args, got, c.want)
		}
	}
	if got := strings.Fields(n.MustPodlite("pod", "ps", "--sort", "number", "--format", "{{.Name}}").Stdout); len(got) != 3 || got[2] != "alpha" {
		t.Errorf("pod ps --sort number: %q, want alpha (two containers) last", got)
	}
	if got := n.MustPodlite("pod", "ps", "-q", "--filter", "ctr-status=running").Stdout; got != alpha+"\n" {
		t.Errorf("pod ps -q --filter ctr-status=running: %q, want alpha's full ID, as podman's", got)
	}

	// --ctr-names and --ctr-status replace the count column.
	lines := strings.Split(strings.TrimSpace(n.MustPodlite("pod", "ps", "--ctr-names", "--ctr-status", "--filter", "name=alpha").Stdout), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "NAMES") || strings.Contains(lines[0], "# OF CONTAINERS") ||
		!strings.Contains(lines[1], alpha[:12]+"-infra,web") || !strings.Contains(lines[1], "running,running") {
		t.Errorf("pod ps --ctr-names --ctr-status:\n%s", strings.Join(lines, "\n"))
	}
	if got := n.MustPodlite("pod", "ps", "--ctr-ids", "--no-trunc", "--noheading", "--filter", "name=alpha").Stdout; !strings.Contains(got, web) {
		t.Errorf("pod ps --ctr-ids --no-trunc: %q, want %s", got, web)
	}

	for _, c := range []struct{ want, arg, value string }{
		{"bogus is not a valid pod status", "--filter", "status=bogus"},
		{"bogus is not a valid status", "--filter", "ctr-status=bogus"},
		{"ctr-number=two: want a number of containers", "--filter", "ctr-number=two"},
		{"color is an invalid filter", "--filter", "color=red"},
		{"invalid option for --sort, options are: created, id, name, number, or status", "--sort", "size"},
	} {
		r := n.Podlite("pod", "ps", c.arg, c.value)
		if r.ExitCode != 125 || !strings.Contains(r.Stderr, c.want) || r.Stdout != "" {
			t.Errorf("pod ps %s %s: exit %d, stdout %q, stderr %q; want 125 and %q", c.arg, c.value, r.ExitCode, r.Stdout, r.Stderr, c.want)
		}
	}
	n.MustPodlite("pod", "rm", "-f", "alpha", "beta", "gamma")
	n.podsExpectNothingLeft()
}
