package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRunMountTypesAndSystemd checks --mount type=ramfs, devpts and glob,
// and --systemd's mounts, environment and stop signal, in one container.
func TestRunMountTypesAndSystemd(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	dir := t.TempDir()
	for _, f := range []string{"ga", "gb", "other"} {
		writeFile(t, filepath.Join(dir, f), f+"\n")
	}
	script := `grep -E ' (/ram|/dev/pts2|/globbed/[a-z]+|/run|/run/lock|/tmp|/var/log/journal|/sys/fs/cgroup) ' /proc/mounts | cut -d' ' -f2,3,4 | sed 's/,relatime//'
cat /globbed/ga /globbed/gb; ls /globbed; touch /globbed/ga 2>/dev/null || echo ro
test -e /run/.containerenv && echo containerenv; echo uuid=$container_uuid`
	id := strings.TrimSpace(e.MustPodlite("create", "--net", "none", "--systemd", "always", "--shm-size-systemd", "8m",
		"--mount", "type=ramfs,target=/ram,tmpfs-mode=0750", "--mount", "type=devpts,destination=/dev/pts2,max=10,gid=5",
		"--mount", "type=glob,src="+dir+"/g*,target=/globbed,ro=true", img, "sh", "-c", script).Stdout)
	e.MustPodlite("start", id)
	e.MustPodlite("wait", id)
	got := e.MustPodlite("logs", id).Stdout
	for _, want := range []string{
		"/ram ramfs rw,nosuid,nodev,mode=750\n",
		"/globbed/ga ", "/globbed/gb ",
		"/run tmpfs rw,nosuid,nodev,size=8192k", "/run/lock tmpfs rw,nosuid,nodev,size=8192k",
		"/tmp tmpfs rw,nosuid,nodev,size=8192k", "/var/log/journal tmpfs rw,nosuid,nodev,size=8192k",
		"ga\ngb\nga\ngb\nro\ncontainerenv\nuuid=" + id[:32] + "\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("systemd/mount container output lacks %q:\n%s", want, got)
		}
	}
	if !strings.Contains(got, "/dev/pts2 devpts rw,nosuid,noexec,gid=5,") || !strings.Contains(got, "max=10") {
		t.Errorf("devpts mount:\n%s", got)
	}
	if strings.Contains(got, "/sys/fs/cgroup cgroup ro") || strings.Contains(got, "/sys/fs/cgroup tmpfs ro") {
		t.Errorf("systemd mode has a read-only cgroup tree:\n%s", got)
	}
	if s := inspectField(e, id, "{{.Config.StopSignal}}"); s != "37" {
		t.Errorf("--systemd=always stop signal %s, want 37 (SIGRTMIN+3)", s)
	}
	// --systemd=true (the default) takes an init command for systemd.
	for cmd, want := range map[string]string{"/sbin/init": "37", "sh": "15"} {
		c := strings.TrimSpace(e.MustPodlite("create", "--net", "none", img, cmd).Stdout)
		if s := inspectField(e, c, "{{.Config.StopSignal}}"); s != want {
			t.Errorf("command %s: stop signal %s, want %s", cmd, s, want)
		}
	}
	expectRefusals(e, img, []refusal{
		{[]string{"--mount", "type=ramfs,target=/r,uid=1"}, `unknown field "uid" for type=ramfs`},
		{[]string{"--mount", "type=devpts,target=/p,mode=9z"}, "mode must be a number"},
		{[]string{"--mount", "type=glob,src=relative*,target=/g"}, "a glob source must be an absolute path"},
		{[]string{"--systemd", "maybe"}, "use true, false or always"},
	})
}
