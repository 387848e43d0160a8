package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCpFileBindMount copies onto file bind mounts (a -v file mount and
// podlite's own /etc/hosts) of a running and of a stopped container, as a
// file and inside a directory's tree: the file is written into the mount's
// source, which the container sees, and the mount stays (podman-cp(1): the
// destination is overwritten with the source's contents). podman 4.3.1
// differs from that there: it fails on a running container (unlinking the
// mount point: EBUSY) and writes a stopped one's hidden placeholder in the
// rootfs. No entry replaces a mount point; a read-only mount (file or
// directory) is refused, running or not. Copying out of a running
// container's file mount, where 4.3.1 does what its man page says, is
// compared with podman.
func TestCpFileBindMount(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	host := t.TempDir()
	write := func(p, data string) string {
		t.Helper()
		full := filepath.Join(host, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return full
	}
	read := func(p string) string {
		t.Helper()
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	write("new", "new\n")
	write("tree/etc/app.conf", "tree\n")
	write("tree/etc/other", "other\n")
	src := map[string]string{}
	for _, c := range []string{"r1", "r2", "s1", "s2"} {
		src[c] = write(c+".conf", "orig\n")
		e.MustPodlite("create", "--name", c, "--network", "none", "-v", src[c]+":/etc/app.conf", img, "sleep", "1000")
	}
	e.MustPodlite("start", "r1", "r2")
	for _, st := range []struct {
		name, c, from, to, file, want string
	}{
		{"running -v file", "r1", "new", "r1:/etc/app.conf", "/etc/app.conf", "new\n"},
		{"running /etc/hosts", "r1", "new", "r1:/etc/hosts", "/etc/hosts", "new\n"},
		{"running tree", "r2", "tree/.", "r2:/", "/etc/app.conf", "tree\n"},
		{"stopped -v file", "s1", "new", "s1:/etc/app.conf", "/etc/app.conf", "new\n"},
		{"stopped /etc/hosts", "s1", "new", "s1:/etc/hosts", "/etc/hosts", "new\n"},
		{"stopped tree", "s2", "tree/.", "s2:/", "/etc/app.conf", "tree\n"},
	} {
		t.Run(st.name, func(t *testing.T) {
			e.MustPodlite("cp", host+"/"+st.from, st.to)
			if st.file == "/etc/app.conf" {
				if got := read(src[st.c]); got != st.want {
					t.Errorf("the mount's source has %q, want %q", got, st.want)
				}
			}
			e.MustPodlite("start", st.c)
			script := "cat " + st.file + "; grep -c ' " + st.file + " ' /proc/mounts; ls /etc/other 2>/dev/null; true"
			want := st.want + "1\n"
			if strings.HasSuffix(st.name, "tree") {
				want += "/etc/other\n"
			}
			if got := e.MustPodlite("exec", st.c, "sh", "-c", script).Stdout; got != want {
				t.Errorf("the container sees %q, want %q (contents, mounts of %s, the tree's other file)", got, want, st.file)
			}
		})
	}
	t.Run("mount point not replaced", func(t *testing.T) {
		if err := os.MkdirAll(filepath.Join(host, "bad/etc/app.conf"), 0o755); err != nil {
			t.Fatal(err)
		}
		e.MustPodlite("stop", "-t", "0", "s2")
		for _, c := range []string{"r1", "s2"} {
			r := e.Podlite("cp", "--overwrite", host+"/bad/.", c+":/")
			if r.ExitCode != 125 || !strings.Contains(r.Stderr, `"/etc/app.conf": it is a mount point, which cannot be replaced`) {
				t.Errorf("%s: a directory onto a file mount: exit %d %q", c, r.ExitCode, r.Stderr)
			}
		}
		e.MustPodlite("start", "s2")
		for _, c := range []string{"r1", "s2"} {
			if got := e.MustPodlite("exec", c, "cat", "/etc/app.conf").Stdout; got != read(src[c]) {
				t.Errorf("%s: /etc/app.conf has %q, its source %q", c, got, read(src[c]))
			}
		}
	})
	t.Run("read-only", func(t *testing.T) {
		ro := write("ro.conf", "ro\n")
		e.MustPodlite("run", "-d", "--name", "ro1", "--network", "none", "-v", ro+":/etc/app.conf:ro", img, "sleep", "1000")
		rodir := t.TempDir()
		e.MustPodlite("create", "--name", "ro2", "--network", "none", "-v", ro+":/etc/app.conf:ro", "-v", rodir+":/rodir:ro", img, "true")
		for _, to := range []string{"ro1:/etc/app.conf", "ro2:/etc/app.conf", "ro2:/etc/", "ro2:/rodir/"} {
			r := e.Podlite("cp", host+"/tree/etc/app.conf", to)
			if r.ExitCode != 125 || !strings.Contains(r.Stderr, "read-only file system") {
				t.Errorf("cp onto the read-only mount %s: exit %d %q", to, r.ExitCode, r.Stderr)
			}
		}
		if got := read(ro); got != "ro\n" {
			t.Errorf("a read-only mount's source was written: %q", got)
		}
		if names, err := os.ReadDir(rodir); err != nil || len(names) != 0 {
			t.Errorf("a read-only directory mount's source was written: %v %v", names, err)
		}
	})
	t.Run("copy out", func(t *testing.T) {
		engines := []struct {
			name string
			run  func(args ...string) *Result
		}{
			{"podlite", e.Podlite}, {"podman", pm.Result},
		}
		var got []string
		for _, en := range engines {
			mount := write(en.name+"-out.conf", "out\n") + ":/etc/app.conf"
			if r := en.run("run", "-d", "--name", "out", "--network", "none", "-v", mount, img, "sleep", "1000"); r.ExitCode != 0 {
				t.Fatalf("%s run: %s", en.name, r.Stderr)
			}
			dir := filepath.Join(host, en.name)
			out := ""
			for _, cp := range [][]string{{"out:/etc/app.conf", dir + "/file"}, {"out:/etc", dir + "/tree"}} {
				r := en.run(append([]string{"cp"}, cp...)...)
				out += strings.Join(cp, " ") + ": exit " + strconv.Itoa(r.ExitCode) + " " + strings.TrimSpace(r.Stderr) + "\n"
			}
			for _, p := range []string{"/file", "/tree/app.conf"} {
				b, err := os.ReadFile(dir + p)
				if err != nil {
					b = []byte(err.Error())
				}
				out += p + ": " + string(b) + "\n"
			}
			got = append(got, strings.ReplaceAll(out, dir, "DIR"))
		}
		if got[0] != got[1] {
			t.Errorf("copies out of a running container's file mount differ:\npodlite:\n%s\npodman:\n%s", got[0], got[1])
		}
		// podman 4.3.1 fails here (it enters the source as a directory).
		e.MustPodlite("create", "--name", "idle", "--network", "none", "-v", write("idle.conf", "idle\n")+":/etc/app.conf", img, "true")
		e.MustPodlite("cp", "idle:/etc/app.conf", host+"/idle.out")
		if got := read(host + "/idle.out"); got != "idle\n" {
			t.Errorf("a stopped container's file mount copied out has %q, want its source's %q", got, "idle\n")
		}
	})
}
