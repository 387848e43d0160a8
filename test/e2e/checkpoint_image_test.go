package e2e

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Annotation keys of checkpoint images (podman's).
const (
	annCheckpointName = "io.podman.annotations.checkpoint.name"
	annRawImageName   = "io.podman.annotations.checkpoint.rawImageName"
	annRootfsImageID  = "io.podman.annotations.checkpoint.rootfsImageID"
	annRootfsName     = "io.podman.annotations.checkpoint.rootfsImageName"
	annEngineVersion  = "io.podman.annotations.checkpoint.podman.version"
	annCRIUVersion    = "io.podman.annotations.checkpoint.criu.version"
	annRuntimeName    = "io.podman.annotations.checkpoint.runtime.name"
)

// checkpointImageJSON is what the tests read of `image inspect`.
type checkpointImageJSON struct {
	ID     string `json:"Id"`
	Config struct {
		Cmd        []string `json:"Cmd"`
		Entrypoint []string `json:"Entrypoint"`
	} `json:"Config"`
	RootFS struct {
		Layers []string `json:"Layers"`
	} `json:"RootFS"`
	Annotations map[string]string `json:"Annotations"`
}

func inspectCheckpointImage(t *testing.T, e *Env, name string) checkpointImageJSON {
	t.Helper()
	var data []checkpointImageJSON
	out := e.MustPodlite("image", "inspect", name).Stdout
	if err := json.Unmarshal([]byte(out), &data); err != nil || len(data) != 1 {
		t.Fatalf("image inspect %s: %v\n%s", name, err, out)
	}
	return data[0]
}

// checkTempEmpty fails when a checkpoint image left temporary files in
// the root.
func checkTempEmpty(t *testing.T, e *Env) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(e.Root, "tmp"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	if len(entries) > 0 {
		t.Fatalf("temporary files left in %s/tmp: %d", e.Root, len(entries))
	}
}

// TestCheckpointCreateImage stores a checkpoint as an image (beside an
// archive), shows its annotations, and restores the container from it
// after the container is gone, then a copy under a new name.
func TestCheckpointCreateImage(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "counter", img, "sh", "-c", "echo in-rootfs > /etc/motd; "+counterScript)
	waitFor(t, func() bool { return lastCount(t, e, "counter") >= 5 })
	ip := strings.Fields(netOf(e, "counter"))[0]
	archive := filepath.Join(t.TempDir(), "counter.tar.zst")
	if out := e.MustPodlite("container", "checkpoint", "--create-image", "ckimg", "--export", archive, "counter").Stdout; out != "counter\n" {
		t.Fatalf("checkpoint printed %q", out)
	}
	if _, err := os.Stat(archive); err != nil {
		t.Fatalf("--export beside --create-image: %v", err)
	}
	checkTempEmpty(t, e)

	ck := inspectCheckpointImage(t, e, "ckimg")
	a := ck.Annotations
	if a[annCheckpointName] != "counter" || a[annRawImageName] != img || a[annRootfsImageID] != imageID(e, img) ||
		a[annRootfsName] == "" || a[annRuntimeName] != "podlite" || !strings.HasPrefix(a[annEngineVersion], "podlite ") ||
		a[annCRIUVersion] == "" {
		t.Fatalf("checkpoint image annotations: %v", a)
	}
	if len(ck.Config.Cmd) != 0 || len(ck.Config.Entrypoint) != 0 || len(ck.RootFS.Layers) != 1 {
		t.Fatalf("checkpoint image: cmd %q, entrypoint %q, %d layers; want no command and one layer",
			ck.Config.Cmd, ck.Config.Entrypoint, len(ck.RootFS.Layers))
	}
	if got := e.MustPodlite("image", "inspect", "--format", "{{index .Annotations \""+annCheckpointName+"\"}}", "localhost/ckimg:latest").Stdout; got != "counter\n" {
		t.Fatalf("inspect --format of the name annotation: %q", got)
	}

	at := lastCount(t, e, "counter")
	e.MustPodlite("rm", "-f", "counter")
	restoreContinues(t, e, "counter", at, ip, "ckimg")
	checkTempEmpty(t, e)
	if out := e.MustPodlite("exec", "counter", "cat", "/etc/motd").Stdout; out != "in-rootfs\n" {
		t.Fatalf("rootfs changes after the restore from an image: %q", out)
	}

	// A second copy from the same image, under a new name and address.
	if out := e.MustPodlite("container", "restore", "-n", "copy", "ckimg").Stdout; out != "copy\n" {
		t.Fatalf("restore -n printed %q", out)
	}
	waitFor(t, func() bool { return lastCount(t, e, "copy") >= at+3 })
	assertContinuous(t, e, "copy")
	if got := strings.Fields(netOf(e, "copy"))[0]; got == ip {
		t.Fatalf("the copy took the original's address %s", ip)
	}
	// --leave-running: the image is made and the container keeps running.
	e.MustPodlite("container", "checkpoint", "--leave-running", "--create-image", "ckimg2", "copy")
	if st := e.MustPodlite("inspect", "--format", "{{.State.Status}}", "copy").Stdout; st != "running\n" {
		t.Fatalf("after --leave-running --create-image: %q", st)
	}
	if got := inspectCheckpointImage(t, e, "ckimg2").Annotations[annCheckpointName]; got != "copy" {
		t.Fatalf("--leave-running image names container %q", got)
	}
	checkTempEmpty(t, e)
	// A container of the image's name wins over the image: "counter" is
	// running, not checkpointed, so restoring it fails as a container.
	e.MustPodlite("tag", "ckimg", "counter")
	r := e.Podlite("container", "restore", "counter")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "not checkpointed") {
		t.Fatalf("restore of a name that is a container and an image: %s", r.Stderr)
	}
}

// TestCheckpointImagePushPull migrates a container between two roots
// through a registry: checkpoint image on A, push, pull on B, restore.
func TestCheckpointImagePushPull(t *testing.T) {
	registry := StartRegistry(t)
	a, b := NewEnv(t), NewEnv(t)
	img := a.LoadBusybox()
	b.LoadBusybox()
	a.MustPodlite("run", "-d", "--name", "mover", img, "sh", "-c", counterScript)
	waitFor(t, func() bool { return lastCount(t, a, "mover") >= 5 })
	ip := strings.Fields(netOf(a, "mover"))[0]
	remote := registry + "/test/mover-checkpoint:1"
	a.MustPodlite("container", "checkpoint", "--create-image", remote, "mover")
	a.MustPodlite("push", "-q", "--tls-verify=false", remote)
	at := lastCount(t, a, "mover")
	a.MustPodlite("rm", "-f", "mover") // host A is done with it: its address is free again
	a.MustPodlite("rmi", remote)
	if r := a.Podlite("image", "exists", remote); r.ExitCode == 0 {
		t.Fatalf("%s still exists on A after rmi", remote)
	}

	b.MustPodlite("pull", "-q", "--tls-verify=false", remote)
	if got := inspectCheckpointImage(t, b, remote).Annotations[annCheckpointName]; got != "mover" {
		t.Fatalf("pulled checkpoint image names container %q, want mover", got)
	}
	if out := b.MustPodlite("container", "restore", "--check", remote).Stdout; !strings.Contains(out, "can be restored") {
		t.Fatalf("restore --check of the pulled image: %q", out)
	}
	restoreContinues(t, b, "mover", at, ip, remote)
	checkTempEmpty(t, b)
}

// TestCheckpointImageErrors: a taken image name fails before the dump and
// leaves the container running and no image; a plain image is not a
// checkpoint; a name that is neither container nor image says so.
func TestCheckpointImageErrors(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "c", img, "sh", "-c", counterScript)
	e.MustPodlite("run", "-d", "--name", "d", img, "sleep", "100")
	e.MustPodlite("tag", img, "taken")
	images := e.MustPodlite("images", "-a", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}").Stdout

	r := e.Podlite("container", "checkpoint", "--create-image", "taken", "c")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "localhost/taken:latest exists already") {
		t.Fatalf("--create-image with a taken name: %s", r.Stderr)
	}
	if st := e.MustPodlite("inspect", "--format", "{{.State.Status}} {{.State.Checkpointed}}", "c").Stdout; st != "running false\n" {
		t.Fatalf("after the refused checkpoint the container is %q", st)
	}
	expectOneLineError(t, e.Podlite("container", "checkpoint", "--create-image", "x", "c", "d"))
	expectOneLineError(t, e.Podlite("container", "checkpoint", "--create-image", "x", "-a"))
	expectOneLineError(t, e.Podlite("container", "checkpoint", "--create-image", "Not/A:Valid:Name", "c"))
	if after := e.MustPodlite("images", "-a", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}").Stdout; after != images {
		t.Fatalf("refused checkpoints changed the images:\n%s\nwas\n%s", after, images)
	}
	checkTempEmpty(t, e)

	containers := e.MustPodlite("ps", "-aq").Stdout
	r = e.Podlite("container", "restore", img)
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "not a checkpoint image") {
		t.Fatalf("restore of a plain image: %s", r.Stderr)
	}
	r = e.Podlite("container", "restore", "nosuchthing")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "no container or checkpoint image named nosuchthing") {
		t.Fatalf("restore of an unknown name: %s", r.Stderr)
	}
	if after := e.MustPodlite("ps", "-aq").Stdout; after != containers {
		t.Fatalf("failed restores left containers: %q, was %q", after, containers)
	}
	checkTempEmpty(t, e)
}
