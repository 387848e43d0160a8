package e2e

import (
	"strings"
	"testing"
)

// TestPodPsMatchesPodman runs the same pods on podlite and on podman 4.3.1
// and compares pod ps's filters, default order, --sort name, the --ctr-*
// table header and the errors of bad filters. The pods have no infra
// (podman 4.3.1's default infra needs a pause image or catatonit): a
// running one with a label and one created one. Left out where 4.3.1
// differs from podman 5: --sort's error (its list of fields is older) and
// label!= (5.x only).
func TestPodPsMatchesPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	b := psBoth{e, pm}
	for _, args := range [][]string{
		{"pod", "create", "--infra=false", "--name", "alpha", "--label", "tier=web"},
		{"run", "-d", "--pod", "alpha", "--name", "web", img, "sleep", "1000"},
		{"pod", "create", "--infra=false", "--name", "beta"},
		{"create", "--pod", "beta", "--name", "idle", img, "true"},
		{"pod", "create", "--infra=false", "--name", "gamma"},
	} {
		e.MustPodlite(args...)
		pm.MustRun(args...)
	}
	for _, args := range [][]string{
		nil,
		{"--sort", "name"},
		{"--filter", "name=^alpha$"},
		{"--filter", "name=a$", "--filter", "name=^g"},
		{"--filter", "label=tier=web"},
		{"--filter", "status=running"},
		{"--filter", "status=created"},
		{"--filter", "ctr-names=^web$"},
		{"--filter", "ctr-status=running"},
		{"--filter", "ctr-status=created"},
		{"--filter", "ctr-number=0"},
		{"--filter", "ctr-number=1", "--filter", "status=created"},
		{"--filter", "until=2100-01-01T00:00:00Z", "--sort", "name"},
	} {
		ours, theirs := b.run(t, append([]string{"pod", "ps", "--format", "{{.Name}} {{.Status}} {{.NumberOfContainers}}"}, args...)...)
		if ours != theirs {
			t.Errorf("pod ps %v: podlite %q, podman %q", args, ours, theirs)
		}
	}
	header := func(out string) string { return strings.Join(strings.Fields(strings.SplitN(out, "\n", 2)[0]), " ") }
	for _, flags := range [][]string{nil, {"--ctr-names", "--ctr-status"}, {"--ctr-ids"}, {"--ns"}, {"--ns", "--ctr-names"}} {
		ours, theirs := b.run(t, append([]string{"pod", "ps"}, flags...)...)
		if header(ours) != header(theirs) {
			t.Errorf("pod ps %v header: podlite %q, podman %q", flags, header(ours), header(theirs))
		}
	}
	for _, bad := range []string{"status=bogus", "ctr-status=bogus", "color=red"} {
		ours, theirs := e.Podlite("pod", "ps", "--filter", bad), pm.Result("pod", "ps", "--filter", bad)
		if ours.ExitCode != theirs.ExitCode || ours.Stderr != theirs.Stderr {
			t.Errorf("pod ps --filter %s: podlite exit %d %q, podman exit %d %q", bad, ours.ExitCode, ours.Stderr, theirs.ExitCode, theirs.Stderr)
		}
	}
	e.MustPodlite("pod", "rm", "-f", "alpha", "beta", "gamma")
	pm.MustRun("pod", "rm", "-f", "alpha", "beta", "gamma")
}
