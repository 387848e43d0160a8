package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// comparableEnv drops the lines that differ between engines by design
// (the engine's name, the container's ID as host name).
func comparableEnv(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	lines = slices.DeleteFunc(lines, func(l string) bool {
		return strings.HasPrefix(l, "HOSTNAME=") || strings.HasPrefix(l, "container=")
	})
	return strings.Join(lines, "\n")
}

// TestRunEnvAndGroupFlagsPodman compares --unsetenv, --unsetenv-all,
// --env-merge, --http-proxy, --group-add and --umask with podman 4.3.1.
func TestRunEnvAndGroupFlagsPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	t.Setenv("http_proxy", "http://proxy.example:3128")
	t.Setenv("NO_PROXY", "localhost")
	script := "env | sort; id -G; umask"
	for _, args := range [][]string{
		{"-e", "KEEP=1", "--unsetenv", "container", "--env-merge", "PATH=${PATH}:/opt", "--group-add", "nobody", "--group-add", "1234", "--umask", "0027"},
		{"-e", "KEEP=1", "--unsetenv-all"},
		{"--http-proxy=false", "-e", "KEEP=1"},
	} {
		cmd := append(append([]string{"run", "--rm", "--net", "none"}, args...), img, "/bin/sh", "-c", script)
		want := comparableEnv(pm.MustRun(cmd...))
		if got := comparableEnv(e.MustPodlite(cmd...).Stdout); got != want {
			t.Errorf("%v:\n%s\npodman 4.3.1:\n%s", args, got, want)
		}
	}
	// A numeric --user the image lacks gets podman's passwd and group
	// entries (or --passwd-entry's), written into the rootfs.
	script = "cat /etc/passwd /etc/group; id; echo $HOME; grep -c ' /etc/passwd ' /proc/mounts || true"
	for _, args := range [][]string{
		{"--user", "1234:5678"}, {"--user", "1234", "-w", "/tmp"}, {"--user", "1234", "--passwd=false"},
		{"--user", "1234:5678", "--passwd-entry", "$USERNAME:x:$UID:$GID:$NAME:$HOME:/bin/false"},
	} {
		cmd := append(append([]string{"run", "--rm", "--net", "none"}, args...), img, "sh", "-c", script)
		if got, want := e.MustPodlite(cmd...).Stdout, pm.MustRun(cmd...); got != want {
			t.Errorf("%v:\n%s\npodman 4.3.1:\n%s", args, got, want)
		}
	}
	// --group-entry and --hostuser are newer than podman 4.3.1.
	got := e.MustPodlite("run", "--rm", "--net", "none", "--user", "1234:5678", "--group-entry", "g$GID:x:$GID:$USERNAME",
		"--hostuser", "daemon", img, "sh", "-c", "tail -n1 /etc/group; grep -c ^daemon: /etc/passwd").Stdout
	if got != "g5678:x:5678:1234\n1\n" {
		t.Errorf("--group-entry and --hostuser: %q", got)
	}
	// --privileged gives the host's devices, as podman does.
	cmd := []string{"run", "--rm", "--net", "none", "--privileged", img, "ls", "/dev"}
	want := pm.MustRun(cmd...)
	if got := e.MustPodlite(cmd...).Stdout; got != want || !strings.Contains(got, "loop0\n") {
		t.Errorf("/dev of a --privileged container:\n%s\npodman 4.3.1:\n%s", got, want)
	}
}

// TestRunFileFlags checks --read-only-tmpfs, --no-hosts, --no-hostname,
// --chrootdirs and the refused network and policy flags.
func TestRunFileFlags(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	mounts := "grep -E ' (/run|/tmp|/var/tmp|/etc/hosts|/etc/hostname|/chroot/etc/hosts|/chroot/etc/resolv.conf) ' /proc/mounts | cut -d' ' -f2,3 | sort"
	got := e.MustPodlite("run", "--rm", "--net", "none", "--read-only", "--chrootdirs", "/chroot", img, "sh", "-c", mounts+"; touch /tmp/x /run/x /var/tmp/x && echo writable").Stdout
	want := "/chroot/etc/hosts ext4\n/chroot/etc/resolv.conf ext4\n/etc/hostname ext4\n/etc/hosts ext4\n/run tmpfs\n/tmp tmpfs\n/var/tmp tmpfs\nwritable\n"
	if got != strings.ReplaceAll(want, "ext4", rootFSType(t)) {
		t.Errorf("--read-only --chrootdirs:\n%s\nwant\n%s", got, want)
	}
	got = e.MustPodlite("run", "--rm", "--net", "none", "--read-only", "--read-only-tmpfs=false", "--no-hosts", "--no-hostname", img, "sh", "-c", mounts+"; touch /tmp/x 2>/dev/null || echo read-only").Stdout
	if got != "read-only\n" {
		t.Errorf("--read-only-tmpfs=false --no-hosts --no-hostname: %q", got)
	}
	hosts := filepath.Join(t.TempDir(), "hosts")
	writeFile(t, hosts, "10.1.2.3\tfromfile\n")
	got = e.MustPodlite("run", "--rm", "--net", "none", "--hostname", "hf", "--hosts-file", hosts, img, "cat", "/etc/hosts").Stdout
	if !strings.HasPrefix(got, "10.1.2.3\tfromfile\n") || strings.Contains(got, "localhost") || !strings.Contains(got, "hf") {
		t.Errorf("--hosts-file: /etc/hosts %q", got)
	}
	got = e.MustPodlite("run", "--rm", "--net", "none", "--hostname", "hf", "--hosts-file", "none", img, "cat", "/etc/hosts").Stdout
	if strings.Contains(got, "localhost") || !strings.Contains(got, "hf") {
		t.Errorf("--hosts-file none: /etc/hosts %q", got)
	}
	expectRefusals(e, img, []refusal{
		{[]string{"--seccomp-policy", "bogus"}, "use default or image"},
		{[]string{"--ip6", "fd00::5"}, "--ip6 is not supported"},
		{[]string{"--link-local-ip", "169.254.0.5"}, "--link-local-ip is not supported"},
		{[]string{"--network-alias", "web"}, "--network-alias is not supported"},
		{[]string{"--group-add", "keep-groups"}, "keep-groups is only supported in rootless mode"},
		{[]string{"--no-hosts", "--add-host", "a:10.0.0.1"}, "--no-hosts and --add-host cannot be set together"},
		{[]string{"--chrootdirs", "rel"}, "the path must be absolute"},
		{[]string{"--hosts-file", "/nonexistent/hosts"}, "--hosts-file /nonexistent/hosts"},
		{[]string{"--no-hosts", "--hosts-file", "none"}, "--no-hosts and --hosts-file cannot be set together"},
	})
	if r := e.Podlite("run", "--rm", "--net", "none", "--group-add", "nosuchgroup", img, "true"); r.ExitCode == 0 {
		t.Errorf("--group-add of a group the container lacks started")
	}
}

// rootFSType is the file system type of the host's root, where podlite
// keeps the files it bind-mounts.
func rootFSType(t *testing.T) string {
	t.Helper()
	out, err := os.ReadFile("/proc/self/mounts")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) > 2 && f[1] == "/" {
			return f[2]
		}
	}
	return ""
}
