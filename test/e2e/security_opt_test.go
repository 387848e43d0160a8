package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// denyMkdirProfile is a Docker/podman-format seccomp profile that allows
// everything but mkdir. Its chmod rule needs CAP_SYS_ADMIN, which the
// container lacks, so it must not apply.
const denyMkdirProfile = `{
  "defaultAction": "SCMP_ACT_ALLOW",
  "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]}],
  "syscalls": [
    {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
    {"name": "chmod", "action": "SCMP_ACT_ERRNO", "includes": {"caps": ["CAP_SYS_ADMIN"]}}
  ]
}`

// sysMountsScript prints the masked and read-only paths under /proc and
// /sys a container sees (each is a mount of its own), /proc's options
// and whether it may gain privileges.
const sysMountsScript = `awk '$2 ~ "^/(proc|sys)/" && $2 !~ "^/sys/fs/cgroup" {print $2}' /proc/mounts | sort | tr '\n' ' '; echo
grep ' /proc proc ' /proc/mounts | grep -o 'hidepid=[a-z0-9]*'; grep NoNewPrivs /proc/self/status`

// TestSecurityOpt checks --security-opt's seccomp profile file, mask,
// unmask, systempaths, proc-opts, no-new-privileges=BOOL and apparmor,
// --seccomp-policy=image and inspect's HostConfig.SecurityOpt.
func TestSecurityOpt(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	prof := filepath.Join(t.TempDir(), "deny-mkdir.json")
	writeFile(t, prof, denyMkdirProfile)
	e.MustPodlite("create", "--name", "sec", "--network", "none", "--security-opt", "seccomp="+prof,
		"--security-opt", "mask=/proc/cpuinfo:/proc/version", "--security-opt", "unmask=/proc/keys",
		"--security-opt", "proc-opts=hidepid=2", "--security-opt", "no-new-privileges=true", img, "sh", "-c",
		`mkdir /tmp/d 2>&1; touch /tmp/f && chmod 600 /tmp/f && echo chmod-ok; wc -c < /proc/cpuinfo; `+sysMountsScript)
	out := e.MustPodlite("start", "-a", "sec").Stdout
	for _, want := range []string{"can't create directory '/tmp/d': Operation not permitted", "chmod-ok\n0\n",
		" /proc/cpuinfo ", " /proc/version ", " /sys/firmware ", "hidepid=", "NoNewPrivs:\t1"} {
		if !strings.Contains(out, want) {
			t.Errorf("seccomp profile, mask, unmask, proc-opts: output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, " /proc/keys ") {
		t.Errorf("unmask=/proc/keys left it masked:\n%s", out)
	}
	got := e.MustPodlite("inspect", "--format", "{{.HostConfig.SecurityOpt}}", "sec").Stdout
	if want := "[no-new-privileges seccomp=" + prof + "]\n"; got != want {
		t.Errorf("inspect SecurityOpt: %q, want %q", got, want)
	}
	// --seccomp-policy=image: the image's label wins over seccomp=unconfined;
	// the default policy ignores it.
	label := "LABEL io.containers.seccomp.profile='" + strings.Join(strings.Fields(denyMkdirProfile), "") + "'"
	e.MustPodlite("commit", "-q", "-c", label, "sec", "seclabeled")
	r := e.Podlite("run", "--rm", "--network", "none", "--seccomp-policy", "image", "--security-opt", "seccomp=unconfined",
		"seclabeled", "mkdir", "/tmp/d")
	if r.ExitCode != 1 || !strings.Contains(r.Stderr, "Operation not permitted") {
		t.Errorf("--seccomp-policy=image: mkdir exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
	e.MustPodlite("run", "--rm", "--network", "none", "seclabeled", "mkdir", "/tmp/d")
	for _, opt := range []string{"unmask=ALL", "systempaths=unconfined"} {
		out := e.MustPodlite("run", "--rm", "--network", "none", "--security-opt", opt,
			"--security-opt", "no-new-privileges=false", "--security-opt", "apparmor=unconfined", img, "sh", "-c", sysMountsScript).Stdout
		if first, _, _ := strings.Cut(out, "\n"); strings.TrimSpace(first) != "" || !strings.Contains(out, "NoNewPrivs:\t0") {
			t.Errorf("%s: masked or read-only paths remain, or no-new-privileges=false ignored:\n%s", opt, out)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	writeFile(t, bad, `{"syscalls": "x"}`)
	for _, tc := range []struct{ opt, msg string }{
		{"apparmor=myprofile", `apparmor profile "myprofile" specified, but Apparmor is not enabled on this system`},
		{"seccomp=" + bad, "decoding seccomp profile"},
		{"seccomp=/nonexistent.json", "opening seccomp profile failed"},
		{"systempaths=confined", "only `unconfined` is supported"},
		{"no-new-privileges=maybe", `invalid --security-opt 2: "no-new-privileges=maybe"`},
		{"bogus=1", "invalid --security-opt"},
	} {
		r := e.Podlite("create", "--security-opt", tc.opt, img, "true")
		if r.ExitCode != 125 || !strings.Contains(r.Stderr, tc.msg) {
			t.Errorf("--security-opt %s: exit %d, stderr %q, want 125 and %q", tc.opt, r.ExitCode, r.Stderr, tc.msg)
		}
	}
}

// TestSecurityOptMatchesPodman runs the same containers on podlite and
// podman 4.3.1 and compares the masked and read-only paths they see, a
// seccomp profile file's effect and inspect's SecurityOpt.
func TestSecurityOptMatchesPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	for _, opts := range [][]string{
		nil,
		{"mask=/proc/cpuinfo", "unmask=/proc/keys:/proc/sys", "proc-opts=hidepid=2", "no-new-privileges"},
		{"unmask=ALL"},
		{"systempaths=unconfined", "no-new-privileges=false"},
	} {
		args := []string{"run", "--rm", "--network", "none"}
		for _, o := range opts {
			args = append(args, "--security-opt", o)
		}
		args = append(args, img, "sh", "-c", sysMountsScript)
		// 4.3.1 predates /proc/interrupts in the default masked paths.
		ours := strings.Replace(e.MustPodlite(args...).Stdout, "/proc/interrupts ", "", 1)
		if theirs := pm.MustRun(args...); ours != theirs {
			t.Errorf("%v: podlite sees\n%s\npodman sees\n%s", opts, ours, theirs)
		}
	}
	prof := filepath.Join(t.TempDir(), "deny-mkdir.json")
	writeFile(t, prof, denyMkdirProfile)
	args := []string{"run", "--rm", "--network", "none", "--security-opt", "seccomp=" + prof, img, "sh", "-c",
		"mkdir /tmp/d 2>&1; touch /tmp/f && chmod 600 /tmp/f && echo chmod-ok"}
	if ours, theirs := e.MustPodlite(args...).Stdout, pm.MustRun(args...); ours != theirs {
		t.Errorf("seccomp profile file: podlite %q, podman %q", ours, theirs)
	}
	args = []string{"create", "--name", "so", "--network", "none", "--security-opt", "seccomp=" + prof,
		"--security-opt", "no-new-privileges", "--security-opt", "apparmor=unconfined", img, "true"}
	e.MustPodlite(args...)
	pm.MustRun(args...)
	inspect := []string{"inspect", "--format", "{{.HostConfig.SecurityOpt}}", "so"}
	if ours, theirs := e.MustPodlite(inspect...).Stdout, pm.MustRun(inspect...); ours != theirs {
		t.Errorf("inspect SecurityOpt: podlite %q, podman %q", ours, theirs)
	}
}
