package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostCgroupValue reads a cgroup v1 file of container id (podlite's cgroups
// are /sys/fs/cgroup/CONTROLLER/podlite/ID).
func hostCgroupValue(t *testing.T, id, controller, file string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("/sys/fs/cgroup", controller, "podlite", id, file))
	if err != nil {
		t.Fatalf("reading %s of %s: %v", file, id[:12], err)
	}
	return strings.TrimSpace(string(b))
}

// TestUpdateResources changes a running container's resources: the live
// cgroups change at once, inspect shows them, a restart keeps them, and a
// stopped container gets them at its next start. Flags podlite cannot
// apply are refused, naming why.
func TestUpdateResources(t *testing.T) {
	_, err := os.Stat("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")
	requireMachine(t, "cgroups v1 (the test reads v1 files)", err == nil)
	e := NewEnv(t)
	img := e.LoadBusybox()
	id := strings.TrimSpace(e.MustPodlite("run", "-d", "--name", "u", "-m", "64m", img, "sleep", "1000").Stdout)
	root := rootDevice(t)
	out := e.MustPodlite("update", "--cpus", "0.5", "-m", "128m", "--pids-limit", "50", "-c", "512",
		"--cpuset-cpus", "0", "--memory-reservation", "32m", "--restart", "on-failure:3", "--cpu-rt-period", "500000",
		"--device-read-bps", root.path+":1mb", "--device-write-iops", root.path+":100", "u").Stdout
	if strings.TrimSpace(out) != id {
		t.Errorf("update printed %q, want the ID", out)
	}
	want := map[[2]string]string{
		{"cpu", "cpu.cfs_quota_us"}: "50000", {"cpu", "cpu.cfs_period_us"}: "100000", {"cpu", "cpu.shares"}: "512",
		{"memory", "memory.limit_in_bytes"}: "134217728", {"memory", "memory.soft_limit_in_bytes"}: "33554432",
		{"pids", "pids.max"}: "50", {"cpuset", "cpuset.cpus"}: "0", {"cpu", "cpu.rt_period_us"}: "500000",
		{"blkio", "blkio.throttle.read_bps_device"}: root.majmin + " 1048576", {"blkio", "blkio.throttle.write_iops_device"}: root.majmin + " 100",
	}
	check := func(when string) {
		t.Helper()
		for f, v := range want {
			if got := hostCgroupValue(t, id, f[0], f[1]); got != v {
				t.Errorf("%s: %s is %s, want %s", when, f[1], got, v)
			}
		}
	}
	check("after update")
	insp := "{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}"
	if got := e.MustPodlite("inspect", "--format", insp, "u").Stdout; got != "134217728 50 on-failure 3\n" {
		t.Errorf("inspect after update: %q", got)
	}
	e.MustPodlite("restart", "-t", "0", "u")
	check("after restart")
	e.MustPodlite("stop", "-t", "0", "u")
	e.MustPodlite("update", "--pids-limit", "70", "--device-read-bps", root.path+":2mb", "u")
	e.MustPodlite("start", "u")
	want[[2]string{"pids", "pids.max"}] = "70"
	want[[2]string{"blkio", "blkio.throttle.read_bps_device"}] = root.majmin + " 2097152"
	check("stopped, updated, started")
	if got := e.MustPodlite("events", "--stream=false", "--filter", "event=update", "--format", "{{.Name}}").Stdout; got != "u\nu\n" {
		t.Errorf("update events: %q", got)
	}
	// --env/--unsetenv and --ulimit: exec sees them at once, the main
	// process at the next start.
	e.MustPodlite("update", "-e", "A=1", "--env", "B=2", "u")
	if got := e.MustPodlite("exec", "u", "sh", "-c", "echo $A$B; tr '\\0' '\\n' </proc/1/environ | grep -c '^[AB]=' || true").Stdout; got != "12\n0\n" {
		t.Errorf("exec after update --env (the main process unchanged until a start): %q", got)
	}
	e.MustPodlite("update", "--unsetenv", "A", "--ulimit", "nofile=100:200", "u")
	if got := e.MustPodlite("exec", "u", "sh", "-c", "ulimit -n; grep 'open files' /proc/1/limits | grep -c ' 100 ' || true").Stdout; got != "100\n0\n" {
		t.Errorf("exec's nofile after update --ulimit (the main process unchanged until a start): %q", got)
	}
	e.MustPodlite("restart", "-t", "0", "u")
	if got := e.MustPodlite("exec", "u", "grep", "open files", "/proc/1/limits").Stdout; len(strings.Fields(got)) < 5 || strings.Join(strings.Fields(got)[3:5], " ") != "100 200" {
		t.Errorf("the main process's nofile after update --ulimit and a restart: %q", got)
	}
	if got := e.MustPodlite("exec", "u", "sh", "-c", "tr '\\0' '\\n' </proc/1/environ | grep '^[AB]='").Stdout; got != "B=2\n" {
		t.Errorf("the main process's A and B after --unsetenv A and a restart: %q", got)
	}
	if got := e.MustPodlite("inspect", "--format", "{{range .Config.Env}}{{.}} {{end}}", "u").Stdout; !strings.Contains(got, "B=2 ") || strings.Contains(got, "A=1") {
		t.Errorf("inspect .Config.Env after update: %q", got)
	}
	for _, bad := range [][]string{
		{"--health-retries", "2"}, {"--ulimit", "nofile=1:99999999"}, {"--ulimit", "bogus=1"},
		{"--device-read-bps", "/dev/null:1mb"}, {"--blkio-weight-device", root.path + ":5"}, {"--cpu-rt-runtime", "10000"},
		{"--cpus", "1", "--cpu-quota", "1000"}, {"-m", "lots"}, {"--restart", "sometimes"}, {"--blkio-weight", "5"},
	} {
		r := e.Podlite(append(append([]string{"update"}, bad...), "u")...)
		if r.ExitCode != 125 || strings.Count(strings.TrimSpace(r.Stderr), "\n") != 0 {
			t.Errorf("update %v: exit %d: %q", bad, r.ExitCode, r.Stderr)
		}
	}
	checkUpdateHealth(e)
	if r := e.Podlite("update", "--cpus", "1"); r.ExitCode != 125 {
		t.Errorf("update without a container: exit %d", r.ExitCode)
	}
}

// checkUpdateHealth checks update's --health-* flags on the running "u"
// (created without a check): a check is added, changed flag by flag (the
// others stay) and removed; `healthcheck run` uses the current one.
func checkUpdateHealth(e *Env) {
	t := e.T
	steps := []struct {
		update   []string
		inspect  string
		exitCode int
	}{
		{[]string{"--health-cmd", "exit 1", "--health-interval", "disable", "--health-retries", "1"}, "[CMD-SHELL exit 1] 1 none", 1},
		{[]string{"--health-cmd", "true", "--health-on-failure", "kill"}, "[CMD-SHELL true] 1 kill", 0},
		{[]string{"--no-healthcheck"}, "", 125},
	}
	for _, st := range steps {
		e.MustPodlite(append(append([]string{"update"}, st.update...), "u")...)
		got := e.MustPodlite("inspect", "--format", "{{if .Config.Healthcheck}}{{.Config.Healthcheck.Test}} {{.Config.Healthcheck.Retries}} {{.Config.HealthcheckOnFailureAction}}{{end}}", "u").Stdout
		if got != st.inspect+"\n" {
			t.Errorf("inspect after update %v: %q, want %q", st.update, got, st.inspect)
		}
		if r := e.Podlite("healthcheck", "run", "u"); r.ExitCode != st.exitCode {
			t.Errorf("healthcheck run after update %v: exit %d, want %d (%s)", st.update, r.ExitCode, st.exitCode, r.Stderr)
		}
	}
}
