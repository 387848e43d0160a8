package e2e

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// cpFixture is a running container with a tmpfs, a bind mount and a named
// volume, a stopped one, and a host directory to copy from and to.
type cpFixture struct {
	e    *Env
	host string // host directory: src/ (a tree owned by 1234), plain
	bind string // bound at /bnd in "run"
}

func newCpFixture(t *testing.T) cpFixture {
	e := NewEnv(t)
	img := e.LoadBusybox()
	f := cpFixture{e: e, host: t.TempDir(), bind: t.TempDir()}
	for p, data := range map[string]string{"src/s": "s\n", "src/sub/t": "t\n", "plain": "plain\n"} {
		full := filepath.Join(f.host, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"src", "src/s", "src/sub", "src/sub/t", "plain"} {
		if err := os.Lchown(filepath.Join(f.host, p), 1234, 1234); err != nil {
			t.Fatal(err)
		}
	}
	e.MustPodlite("run", "-d", "--name", "run", "--network", "none", "--tmpfs", "/scratch",
		"-v", f.bind+":/bnd", "-v", "cpvol:/vol", img, "sleep", "1000")
	e.MustPodlite("exec", "run", "sh", "-c", "mkdir -p /d/sub && echo f > /d/f && echo g > /d/sub/g && ln -s /etc /lnk")
	e.MustPodlite("create", "--name", "idle", "--network", "none", "-v", "cpvol:/vol", img, "true")
	return f
}

// exec runs a shell command in the running container and returns its output.
func (f cpFixture) exec(t *testing.T, script string) string {
	t.Helper()
	return strings.TrimSpace(f.e.MustPodlite("exec", "run", "sh", "-c", script).Stdout)
}

// TestCpRunningContainer copies into and out of a running container's
// mounts and rootfs: into its tmpfs (the file is in the tmpfs, not in the
// rootfs below it), bind mount and named volume; ownership with and
// without --archive; --overwrite; "dir/." contents; container to
// container (a stopped one, whose rootfs is mounted for the copy, and
// whose volume is written at its source); tar
// streams from stdin and to stdout.
func TestCpRunningContainer(t *testing.T) {
	f := newCpFixture(t)
	e := f.e
	plain := filepath.Join(f.host, "plain")

	t.Run("tmpfs", func(t *testing.T) {
		e.MustPodlite("cp", plain, "run:/scratch/")
		if got := f.exec(t, "cat /scratch/plain"); got != "plain" {
			t.Fatalf("/scratch/plain in the container: %q", got)
		}
		// The rootfs as the host sees it has an empty /scratch: the
		// copy went into the container's tmpfs.
		rootfs := cpRootfs(t, e)
		if _, err := os.Lstat(filepath.Join(rootfs, "scratch", "plain")); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("the copy landed under the tmpfs, in the rootfs: %v", err)
		}
		out := e.MustPodlite("cp", "run:/scratch/plain", filepath.Join(f.host, "back")).Stdout
		if b, err := os.ReadFile(filepath.Join(f.host, "back")); err != nil || string(b) != "plain\n" || out != "" {
			t.Fatalf("copy back from the tmpfs: %q, %v (stdout %q)", b, err, out)
		}
	})
	t.Run("bind and volume", func(t *testing.T) {
		e.MustPodlite("cp", plain, "run:/bnd/p2")
		if b, err := os.ReadFile(filepath.Join(f.bind, "p2")); err != nil || string(b) != "plain\n" {
			t.Fatalf("bind mount's host directory: %q, %v", b, err)
		}
		e.MustPodlite("cp", filepath.Join(f.host, "src"), "run:/vol")
		if got := f.exec(t, "cat /vol/src/sub/t"); got != "t" {
			t.Fatalf("volume: %q", got)
		}
		mnt := strings.TrimSpace(e.MustPodlite("volume", "inspect", "--format", "{{.Mountpoint}}", "cpvol").Stdout)
		if _, err := os.Stat(filepath.Join(mnt, "src", "sub", "t")); err != nil {
			t.Fatalf("the volume's directory: %v", err)
		}
	})
	t.Run("archive", func(t *testing.T) {
		e.MustPodlite("cp", filepath.Join(f.host, "src"), "run:/a1")
		e.MustPodlite("cp", "-a=false", filepath.Join(f.host, "src"), "run:/a2")
		if got := f.exec(t, "stat -c %u:%g /a1 /a1/sub/t /a2 /a2/sub/t"); got != "0:0\n0:0\n1234:1234\n1234:1234" {
			t.Fatalf("owners with --archive (root's) and -a=false (the source's): %q", got)
		}
		e.MustPodlite("exec", "run", "sh", "-c", "echo o > /owned && chown 1000:1000 /owned")
		e.MustPodlite("cp", "run:/owned", f.host)
		if fi, err := os.Stat(filepath.Join(f.host, "owned")); err != nil || cpOwner(fi) != "0:0" {
			t.Fatalf("a copy to the host is the caller's: %v %v", fi, err)
		}
	})
	t.Run("overwrite and contents", func(t *testing.T) {
		dir := filepath.Join(f.host, "ow")
		if err := os.MkdirAll(filepath.Join(dir, "f"), 0o755); err != nil {
			t.Fatal(err)
		}
		r := e.Podlite("cp", dir+"/.", "run:/d")
		if r.ExitCode != 125 || !strings.Contains(r.Stderr, `"/d/f"`) {
			t.Fatalf("a directory over a file without --overwrite: exit %d: %s", r.ExitCode, r.Stderr)
		}
		e.MustPodlite("cp", "--overwrite", dir+"/.", "run:/d")
		e.MustPodlite("cp", filepath.Join(f.host, "src")+"/.", "run:/newdot")
		if got := f.exec(t, "test -d /d/f && echo dir; cat /d/sub/g /newdot/s"); got != "dir\ng\ns" {
			t.Fatalf("after --overwrite and dir/.: %q", got)
		}
	})
	t.Run("container to container", func(t *testing.T) {
		e.MustPodlite("cp", "run:/d", "idle:/tmp")
		e.MustPodlite("cp", "idle:/tmp/d/sub/g", filepath.Join(f.host, "g"))
		if b, err := os.ReadFile(filepath.Join(f.host, "g")); err != nil || string(b) != "g\n" {
			t.Fatalf("through the stopped container: %q, %v", b, err)
		}
		// A stopped container's volume is written at its source, as
		// podman does, not in the rootfs under the mount point.
		e.MustPodlite("cp", plain, "idle:/vol/stopped")
		if got := f.exec(t, "cat /vol/stopped"); got != "plain" {
			t.Fatalf("a copy into a stopped container's volume: %q", got)
		}
		if out := e.MustPodlite("mount").Stdout; strings.Count(out, "\n") != 1 {
			t.Fatalf("the stopped container's rootfs stays mounted after the copy:\n%s", out)
		}
	})
	t.Run("tar streams", func(t *testing.T) {
		names := cpTarNames(t, e.MustPodlite("cp", "run:/d/sub", "-").Stdout)
		if want := []string{"sub/", "sub/g"}; !slices.Equal(names, want) {
			t.Fatalf("cp run:/d/sub -: %v", names)
		}
		if names := cpTarNames(t, e.MustPodlite("cp", "run:/d/sub/.", "-").Stdout); !slices.Equal(names, []string{"g"}) {
			t.Fatalf("cp run:/d/sub/. -: %v", names)
		}
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		for _, h := range []*tar.Header{{Name: "in/", Mode: 0o755, Typeflag: tar.TypeDir}, {Name: "in/x", Mode: 0o600, Size: 2, Uid: 7, Gid: 8}} {
			if err := tw.WriteHeader(h); err != nil {
				t.Fatal(err)
			}
		}
		tw.Write([]byte("x\n"))
		tw.Close()
		e.PodliteStdinMust(buf.String(), "cp", "-", "run:/tmp")
		if got := f.exec(t, "cat /tmp/in/x; stat -c %a /tmp/in/x"); got != "x\n600" {
			t.Fatalf("extracted from stdin: %q", got)
		}
		r := e.PodliteStdin("not a tar", "cp", "-", "run:/tmp")
		if r.ExitCode != 125 || !strings.Contains(r.Stderr, "source must be a (compressed) tar archive when copying from stdin") {
			t.Fatalf("a stream that is no tar: exit %d: %s", r.ExitCode, r.Stderr)
		}
	})
}

// TestCpSymlinksStayInContainer resolves container symlinks inside the
// container: an absolute link to /etc is the container's /etc, and a link
// climbing out of the root cannot reach the host.
func TestCpSymlinksStayInContainer(t *testing.T) {
	f := newCpFixture(t)
	e := f.e
	outside := t.TempDir()
	// The same path exists in the container: the link resolves there.
	e.MustPodlite("exec", "run", "sh", "-c", "mkdir -p "+outside+" && ln -s ../../../../../.."+outside+" /esc")
	e.MustPodlite("cp", filepath.Join(f.host, "plain"), "run:/esc")
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Fatalf("a copy through a symlink wrote on the host: %v", entries)
	}
	if got := f.exec(t, "cat "+outside+"/plain"); got != "plain" {
		t.Fatalf("the copy through /esc in the container: %q", got)
	}
	e.MustPodlite("cp", "run:/lnk/group", filepath.Join(f.host, "group"))
	if b, _ := os.ReadFile(filepath.Join(f.host, "group")); !strings.Contains(string(b), "nobody:x:65534:") {
		t.Fatalf("run:/lnk/group is not the container's /etc/group: %q", b)
	}
	e.MustPodlite("cp", filepath.Join(f.host, "plain"), "run:/lnk/cp-test-plain")
	if _, err := os.Stat("/etc/cp-test-plain"); err == nil {
		os.Remove("/etc/cp-test-plain")
		t.Fatal("a copy to run:/lnk/ wrote the host's /etc")
	}
	if got := f.exec(t, "cat /etc/cp-test-plain"); got != "plain" {
		t.Fatalf("the container's /etc/cp-test-plain: %q", got)
	}
}

// PodliteStdinMust is PodliteStdin that fails the test unless it exits 0.
func (e *Env) PodliteStdinMust(stdin string, args ...string) *Result {
	e.T.Helper()
	r := e.PodliteStdin(stdin, args...)
	if r.ExitCode != 0 {
		e.T.Fatalf("podlite %s: exit code %d: %s", strings.Join(args, " "), r.ExitCode, r.Stderr)
	}
	return r
}

// cpRootfs returns the running container "run"'s rootfs as the host's
// mount namespace has it, from `podlite mount`'s listing.
func cpRootfs(t *testing.T, e *Env) string {
	t.Helper()
	for _, line := range strings.Split(e.MustPodlite("mount", "--no-trunc").Stdout, "\n") {
		if fields := strings.Fields(line); len(fields) == 2 {
			return fields[1]
		}
	}
	t.Fatal("no mounted rootfs listed")
	return ""
}

func cpOwner(fi os.FileInfo) string {
	st := fi.Sys().(*syscall.Stat_t)
	return fmt.Sprintf("%d:%d", st.Uid, st.Gid)
}

// cpTarNames lists a tar stream's entry names.
func cpTarNames(t *testing.T, stream string) []string {
	t.Helper()
	tr := tar.NewReader(strings.NewReader(stream))
	var names []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names
		}
		if err != nil {
			t.Fatalf("reading the tar: %v", err)
		}
		names = append(names, h.Name)
	}
}
