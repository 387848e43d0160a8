package e2e

import (
	"strings"
	"testing"
)

// TestPruneFilters: container prune and system prune take podman's filter
// keys (label, label!, until) and refuse others with podman's message;
// system prune also removes unused networks, and volumes with --volumes.
func TestPruneFilters(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	tmp := strings.TrimSpace(e.MustPodlite("create", "--net", "none", "--label", "tmp=1", "--name", "tmp", img, "true").Stdout)
	keep := strings.TrimSpace(e.MustPodlite("create", "--net", "none", "--name", "keep", img, "true").Stdout)
	e.MustPodlite("run", "-d", "--net", "none", "--label", "tmp=1", "--name", "up", img, "sleep", "1000")
	if r := e.MustPodlite("container", "prune", "-f", "--filter", "label=tmp=1"); r.Stdout != tmp+"\n" {
		t.Errorf("container prune --filter label=tmp=1 printed %q, want %s", r.Stdout, tmp)
	}
	if got := e.MustPodlite("ps", "-a", "--format", "{{.Names}}", "--sort", "names").Stdout; got != "keep\nup\n" {
		t.Errorf("after the filtered prune: %q", got)
	}
	r := e.Podlite("container", "prune", "-f", "--filter", "name=keep")
	if r.ExitCode != 125 || r.Stderr != "Error: name is an invalid filter\n" {
		t.Errorf("prune --filter name: exit %d stderr %q", r.ExitCode, r.Stderr)
	}
	// The question is answered from stdin, a pipe too; no answer fails.
	expectOneLineError(t, e.Podlite("container", "prune"))
	if r := e.PodliteStdin("y\n", "container", "prune"); !strings.HasSuffix(r.Stdout, "[y/N] "+keep+"\n") {
		t.Errorf("container prune answered y: %q", r.Stdout)
	}
	if got := e.MustPodlite("ps", "-a", "--format", "{{.Names}}").Stdout; got != "up\n" {
		t.Errorf("after container prune answered y: %q", got)
	}

	e.MustPodlite("network", "create", "--subnet", "10.231.11.0/24", "unused")
	e.MustPodlite("volume", "create", "spare")
	e.MustPodlite("volume", "create", "--label", "keep=1", "kept")
	r = e.MustPodlite("system", "prune", "-f", "--volumes", "--filter", "label!=keep=1")
	for _, want := range []string{"Deleted Volumes\nspare\n", "Deleted Networks\nunused\n"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("system prune --volumes: %q lacks %q", r.Stdout, want)
		}
	}
	if got := e.MustPodlite("volume", "ls", "-q").Stdout; got != "kept\n" {
		t.Errorf("volumes after the filtered system prune: %q", got)
	}
	expectOneLineError(t, e.Podlite("system", "prune", "-f", "--build"))
	expectOneLineError(t, e.Podlite("system", "prune", "-f", "--filter", "name=x"))
}

// TestPruneQuestionsMatchPodman: the questions prune commands ask are
// podman's, word for word (answered "n": nothing goes), but for podman's
// build cache, which podlite has none of. (podman's volume prune lists the
// volumes first; podlite's asks the question alone.)
func TestPruneQuestionsMatchPodman(t *testing.T) {
	e := NewEnv(t)
	pm := NewPodman(t)
	for _, args := range [][]string{
		{"container", "prune"}, {"system", "prune"}, {"system", "prune", "-a", "--volumes"},
		{"network", "prune"}, {"image", "prune"}, {"image", "prune", "-a"},
	} {
		cmd := pm.command(args...)
		cmd.Stdin = strings.NewReader("n\n")
		out, _ := cmd.Output()
		want := strings.NewReplacer("\t- all dangling build cache\n", "", "\t- all build cache\n", "").Replace(string(out))
		if got := e.PodliteStdin("n\n", args...); got.Stdout != want {
			t.Errorf("%v:\npodlite %q\npodman  %q", args, got.Stdout, want)
		}
	}
}
