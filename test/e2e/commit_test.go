package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCommit commits a running container (paused meanwhile) and a stopped
// one, in both formats and squashed, and runs the images: the changes are
// there, the layers are the base's plus one (one when squashed), the
// container's command and the --change instructions are in the config.
func TestCommit(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	baseLayers, err := strconv.Atoi(inspectImage(e, "{{len .RootFS.Layers}}", img))
	if err != nil {
		t.Fatal(err)
	}
	e.MustPodlite("run", "-d", "--name", "live", "--network", "none", "-l", "tier=web", img,
		"sh", "-c", "echo live > /state; exec sleep 1000")
	e.MustPodlite("exec", "live", "test", "-f", "/state") // written before the commit

	iid := filepath.Join(t.TempDir(), "iid")
	r := e.MustPodlite("commit", "-q", "-p", "--iidfile", iid, "-a", "Ann", "-c", "ENV MODE=prod", "-c", "EXPOSE 8080", "live", "snap:1")
	id := strings.TrimSpace(r.Stdout)
	if b, err := os.ReadFile(iid); err != nil || string(b) != "sha256:"+id {
		t.Errorf("--iidfile holds %q (%v), want sha256:%s", b, err, id)
	}
	if got := inspectContainer(e, "{{.State.Status}}", "live"); got != "running" {
		t.Errorf("container is %s after commit --pause, want running", got)
	}
	for format, want := range map[string]string{
		"{{.Id}}":                           id,
		"{{len .RootFS.Layers}}":            strconv.Itoa(baseLayers + 1),
		"{{.Author}}":                       "Ann",
		"{{.Config.Cmd}}":                   "[sh -c echo live > /state; exec sleep 1000]",
		"{{index .Config.Labels \"tier\"}}": "web",
		"{{json .Config.ExposedPorts}}":     `{"8080/tcp":{}}`,
		"{{.ManifestType}}":                 "application/vnd.oci.image.manifest.v1+json",
	} {
		if got := inspectImage(e, format, "snap:1"); got != want {
			t.Errorf("commit: inspect %s = %q, want %q", format, got, want)
		}
	}
	if env := inspectImage(e, "{{.Config.Env}}", "snap:1"); !strings.Contains(env, "MODE=prod") || strings.Contains(env, "HOSTNAME=") {
		t.Errorf("committed env %s: want MODE=prod and no HOSTNAME", env)
	}
	if out := e.MustPodlite("run", "--rm", "--network", "none", "snap:1", "cat", "/state").Stdout; out != "live\n" {
		t.Errorf("the committed image's /state = %q", out)
	}

	e.MustPodlite("stop", "-t", "0", "live")
	e.MustPodlite("commit", "-q", "-f", "docker", "-m", "stopped", "-s", "-c", `CMD ["cat","/state"]`, "live", "snap:1")
	for format, want := range map[string]string{
		"{{len .RootFS.Layers}}": "1",
		"{{.Comment}}":           "stopped",
		"{{.ManifestType}}":      "application/vnd.docker.distribution.manifest.v2+json",
	} {
		if got := inspectImage(e, format, "snap:1"); got != want {
			t.Errorf("commit --squash -f docker: inspect %s = %q, want %q", format, got, want)
		}
	}
	// The name moved to the new image; the old one lost it.
	if got := e.MustPodlite("images", "-q", "--no-trunc", "--filter", "dangling=true").Stdout; !strings.Contains(got, id) {
		t.Errorf("the first commit kept its name: dangling images %q", got)
	}
	if out := e.MustPodlite("run", "--rm", "--network", "none", "snap:1").Stdout; out != "live\n" {
		t.Errorf("the squashed image runs %q", out)
	}
	// Saved and loaded elsewhere, a committed image is whole.
	archive := filepath.Join(t.TempDir(), "snap.tar")
	e.MustPodlite("save", "-q", "-o", archive, "snap:1")
	other := NewEnv(t)
	other.MustPodlite("load", "-q", "-i", archive)
	if out := other.MustPodlite("run", "--rm", "--network", "none", "snap:1").Stdout; out != "live\n" {
		t.Errorf("the loaded image runs %q", out)
	}

	for name, args := range map[string][]string{
		"missing container": {"commit", "nosuch", "x"},
		"bad format":        {"commit", "-f", "tar", "live", "x"},
		"bad change":        {"commit", "-c", "FROM busybox", "live", "x"},
		"bad name":          {"commit", "live", "Bad:Name:x"},
	} {
		t.Run(name, func(t *testing.T) { expectOneLineError(t, e.Podlite(args...)) })
	}
}

// TestCommitPodmanDifferential commits the same changes on podlite and
// podman 4.3.1 and compares what inspect and history show of the images,
// and commit's refusal of a message in the OCI format.
func TestCommitPodmanDifferential(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	run := []string{"run", "--name", "c1", "--network", "none", "-l", "a=b", img, "sh", "-c", "echo x > /f"}
	e.MustPodlite(run...)
	pm.MustRun(run...)
	commit := []string{"commit", "-q", "-f", "docker", "-m", "msg", "-a", "Ann", "-c", "WORKDIR /srv", "-c", "USER nobody", "-c", "ENV X=1", "c1", "com:1"}
	e.MustPodlite(commit...)
	pm.MustRun(commit...)
	for _, format := range []string{
		"{{.Comment}}|{{.Author}}|{{.ManifestType}}|{{len .RootFS.Layers}}",
		"{{.Config.Cmd}}|{{json .Config.Entrypoint}}|{{.Config.WorkingDir}}|{{.Config.User}}|{{.Config.Labels}}",
	} {
		got, want := inspectImage(e, format, "com:1"), strings.TrimSpace(pm.MustRun("image", "inspect", "--format", format, "com:1"))
		if got != want {
			t.Errorf("inspect %s:\npodlite %q\npodman  %q", format, got, want)
		}
	}
	hist := []string{"history", "--format", "{{.CreatedBy}}|{{.Comment}}", "com:1"}
	if got, want := strings.TrimSpace(e.MustPodlite(hist...).Stdout), strings.TrimSpace(pm.MustRun(hist...)); firstLine(got) != firstLine(want) {
		t.Errorf("history's new step: podlite %q, podman %q", firstLine(got), firstLine(want))
	}
	bad := []string{"commit", "-q", "-m", "msg", "c1", "x"}
	r := e.Podlite(bad...)
	pmOut, pmErr := pm.Run(bad...)
	if got, want := firstLine(r.Stderr), firstLine(pmOut); got != want || r.ExitCode != exitStatus(pmErr) {
		t.Errorf("commit -m in oci: podlite (exit %d) %q, podman (exit %d) %q", r.ExitCode, got, exitStatus(pmErr), want)
	}
}

func inspectImage(e *Env, format, name string) string {
	e.T.Helper()
	return strings.TrimSpace(e.MustPodlite("image", "inspect", "--format", format, name).Stdout)
}

func inspectContainer(e *Env, format, name string) string {
	e.T.Helper()
	return strings.TrimSpace(e.MustPodlite("container", "inspect", "--format", format, name).Stdout)
}
