package e2e

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRename(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("create", "--name", "old", img, "true")
	e.MustPodlite("create", "--name", "other", img, "true")
	if r := e.MustPodlite("rename", "old", "new"); r.Stdout != "" {
		t.Errorf("rename printed %q", r.Stdout)
	}
	e.MustPodlite("container", "exists", "new")
	if r := e.Podlite("container", "exists", "old"); r.ExitCode != 1 {
		t.Errorf("old name still exists: exit %d", r.ExitCode)
	}
	for _, args := range [][]string{
		{"rename", "new", "other"},     // name in use
		{"rename", "missing", "fresh"}, // no such container
		{"rename", "new", "bad/name"},  // invalid name
	} {
		expectOneLineError(t, e.Podlite(args...))
	}
	// A running container can be renamed too.
	e.MustPodlite("run", "-d", "--name", "busy", img, "sleep", "100")
	e.MustPodlite("container", "rename", "busy", "busier")
	r := e.MustPodlite("ps", "--format", "{{.Names}}")
	if strings.TrimSpace(r.Stdout) != "busier" {
		t.Errorf("ps shows %q, want busier", r.Stdout)
	}
}

func TestMountUnmount(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	id := strings.TrimSpace(e.MustPodlite("create", "--name", "m", img, "true").Stdout)
	mnt := strings.TrimSpace(e.MustPodlite("mount", "m").Stdout)
	if _, err := os.Lstat(filepath.Join(mnt, "bin", "busybox")); err != nil {
		t.Fatalf("mountpoint %q has no bin/busybox: %v", mnt, err)
	}
	if r := e.MustPodlite("mount"); strings.TrimSpace(r.Stdout) != id[:12]+"  "+mnt {
		t.Errorf("mount listing %q, want %q", r.Stdout, id[:12]+"  "+mnt)
	}
	if r := e.MustPodlite("umount", "m"); strings.TrimSpace(r.Stdout) != "m" {
		t.Errorf("umount printed %q", r.Stdout)
	}
	if r := e.MustPodlite("mount"); strings.TrimSpace(r.Stdout) != "" {
		t.Errorf("mount listing after umount: %q", r.Stdout)
	}
	e.MustPodlite("mount", "m")
	e.MustPodlite("container", "unmount", "-a", "-f")
	if r := e.MustPodlite("mount"); strings.TrimSpace(r.Stdout) != "" {
		t.Errorf("mount listing after unmount -a: %q", r.Stdout)
	}
	expectOneLineError(t, e.Podlite("mount", "missing"))
}

func TestCpBothWays(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	// /escape -> / inside the container must resolve to the container's root.
	e.MustPodlite("run", "--name", "c", img, "sh", "-c", "ln -s / /escape && mkdir -p /data && echo inside > /data/f")
	host := t.TempDir()

	// Host to container: a file and a directory tree, modes kept.
	src := filepath.Join(host, "tree")
	if err := os.MkdirAll(filepath.Join(src, "sub"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "sub", "x.sh"), []byte("echo hi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	e.MustPodlite("cp", src, "c:/data")
	// Container to host: copy the tree back and compare.
	back := filepath.Join(host, "back")
	e.MustPodlite("cp", "c:/data/tree", back)
	fi, err := os.Stat(filepath.Join(back, "sub", "x.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o755 {
		t.Errorf("x.sh mode %v, want 0755", fi.Mode().Perm())
	}
	if b, _ := os.ReadFile(filepath.Join(back, "sub", "x.sh")); string(b) != "echo hi\n" {
		t.Errorf("x.sh content %q", b)
	}
	if fi, err := os.Stat(filepath.Join(back, "sub")); err != nil || fi.Mode().Perm() != 0o750 {
		t.Errorf("sub mode: %v %v", fi, err)
	}
	e.MustPodlite("container", "cp", "c:/data/f", filepath.Join(host, "f"))
	if b, _ := os.ReadFile(filepath.Join(host, "f")); string(b) != "inside\n" {
		t.Errorf("f content %q", b)
	}

	// Through the symlink: writing lands in the container, not on the host.
	marker := "podlite-cp-escape-" + filepath.Base(host)
	writeFile(t, filepath.Join(host, marker), "x")
	e.MustPodlite("cp", filepath.Join(host, marker), "c:/escape/tmp/"+marker)
	if _, err := os.Lstat("/tmp/" + marker); !errors.Is(err, os.ErrNotExist) {
		os.Remove("/tmp/" + marker)
		t.Fatalf("cp through a symlink wrote to the host's /tmp: %v", err)
	}
	e.MustPodlite("cp", "c:/tmp/"+marker, filepath.Join(host, "check"))
	// Reading through the symlink reads the container's file.
	e.MustPodlite("cp", "c:/escape/data/f", filepath.Join(host, "f2"))
	if b, _ := os.ReadFile(filepath.Join(host, "f2")); string(b) != "inside\n" {
		t.Errorf("f2 content %q", b)
	}

	expectOneLineError(t, e.Podlite("cp", "c:/no/such/file", host))
	expectOneLineError(t, e.Podlite("cp", "missing:/etc", host))
	expectOneLineError(t, e.Podlite("cp", host, filepath.Join(host, "x")))
}

func TestTop(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "t", img, "sleep", "100")
	r := e.MustPodlite("top", "t")
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	if got := strings.Join(strings.Fields(lines[0]), " "); got != "USER PID PPID %CPU ELAPSED TTY TIME COMMAND" {
		t.Errorf("top header %q", got)
	}
	if len(lines) != 2 || !strings.HasSuffix(lines[1], "sleep 100") {
		t.Errorf("top output:\n%s", r.Stdout)
	}
	r = e.MustPodlite("container", "top", "t", "pid,args")
	if !strings.Contains(r.Stdout, "COMMAND") || !strings.Contains(r.Stdout, "sleep 100") {
		t.Errorf("top pid,args:\n%s", r.Stdout)
	}
	expectOneLineError(t, e.Podlite("top", "t", "nosuchcolumn"))
	e.MustPodlite("create", "--name", "stopped", img, "true")
	expectOneLineError(t, e.Podlite("top", "stopped"))
}

func TestExport(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "--name", "x", img, "sh", "-c", "echo exported > /marker")
	out := filepath.Join(t.TempDir(), "x.tar")
	e.MustPodlite("export", "-o", out, "x")
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		seen[strings.TrimPrefix(h.Name, "./")] = true
	}
	for _, want := range []string{"bin/busybox", "marker"} {
		if !seen[want] {
			t.Errorf("export has no %s", want)
		}
	}
	if r := e.MustPodlite("container", "export", "x"); !strings.Contains(r.Stdout, "exported") {
		t.Errorf("export to stdout lacks the marker file")
	}
	expectOneLineError(t, e.Podlite("export", "-o", out, "missing"))
}

func TestPruneContainers(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	created := strings.TrimSpace(e.MustPodlite("create", img, "true").Stdout)
	e.MustPodlite("run", "--name", "done", img, "true")
	exited := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.ID}}", "done").Stdout)
	e.MustPodlite("run", "-d", "--name", "up", img, "sleep", "100")

	// Without -f and without an answer on stdin, prune fails.
	expectOneLineError(t, e.Podlite("container", "prune"))

	r := e.MustPodlite("container", "prune", "-f")
	got := strings.Fields(r.Stdout)
	if len(got) != 2 || !hasString(got, created) || !hasString(got, exited) {
		t.Errorf("prune printed %q, want %s and %s", r.Stdout, created, exited)
	}
	r = e.MustPodlite("ps", "-a", "--format", "{{.Names}}")
	if strings.TrimSpace(r.Stdout) != "up" {
		t.Errorf("after prune ps -a shows %q", r.Stdout)
	}
	if r := e.Podlite("prune", "-f"); r.ExitCode == 0 {
		t.Errorf("top-level prune exists")
	}
}

func hasString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestInfoJSON(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("create", img, "true")
	var info struct {
		Host struct {
			Arch, OS, Kernel, CgroupVersion string
			CPUs                            int
			MemTotal                        int64
		}
		Store struct {
			GraphDriverName, GraphRoot string
			ImageStore                 struct{ Number int }
			ContainerStore             struct{ Number, Stopped int }
		}
		Version struct{ Version string }
	}
	r := e.MustPodlite("info", "--format", "json")
	if err := json.Unmarshal([]byte(r.Stdout), &info); err != nil {
		t.Fatalf("info json: %v\n%s", err, r.Stdout)
	}
	if info.Host.Kernel == "" || info.Host.CPUs < 1 || info.Host.MemTotal <= 0 || info.Store.GraphDriverName == "" {
		t.Errorf("info lacks host or store data: %+v", info)
	}
	if info.Store.ImageStore.Number != 1 || info.Store.ContainerStore.Number != 1 || info.Store.ContainerStore.Stopped != 1 {
		t.Errorf("info counts: %+v", info.Store)
	}
	if r := e.MustPodlite("system", "info", "--format", "{{.Store.GraphDriverName}}"); strings.TrimSpace(r.Stdout) != info.Store.GraphDriverName {
		t.Errorf("info template: %q", r.Stdout)
	}
	if r := e.MustPodlite("info"); !strings.Contains(r.Stdout, "graphDriverName: ") {
		t.Errorf("default info:\n%s", r.Stdout)
	}
}

func TestVersion(t *testing.T) {
	e := NewEnv(t)
	r := e.MustPodlite("version")
	if !strings.Contains(r.Stdout, "Version:") || !strings.Contains(r.Stdout, "Go Version:") || !strings.Contains(r.Stdout, "OS/Arch:") {
		t.Errorf("version output:\n%s", r.Stdout)
	}
	r = e.MustPodlite("version", "--format", "{{.Version}}")
	if strings.TrimSpace(r.Stdout) == "" {
		t.Errorf("version --format printed nothing")
	}
	expectOneLineError(t, e.Podlite("version", "extra"))
}
