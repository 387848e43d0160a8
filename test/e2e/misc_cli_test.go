package e2e

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestTopPortUntagMatchPodman runs the same top, port and untag commands
// on podman 4.3.1 and podlite, one engine after the other (the same host
// ports on both), and compares their output and exit codes where 4.3.1
// agrees with podman 5's documentation: top's descriptors that do not
// change with time (ELAPSED, TIME and %CPU do; only their headers are
// compared), its errors; every form of port; untag's names and errors;
// volume prune's listing and rm's and inspect's messages and exit codes;
// export's, unmount's and rename's errors; the keys of image inspect's
// and mount's JSON.
// Left out: top's fallback to ps(1), which 4.3.1 runs inside the
// container and 5.x from the host (podlite as 5.x: checked on podlite
// alone), and the default capabilities 4.3.1 still grants (dropped here).
// Container PIDs other than 1 are compared by rank (podlite's init takes
// one more PID than runc's) and port lines sorted (podman orders its
// protocol and address groups at random).
func TestTopPortUntagMatchPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	p1, p2, p3 := ntFreePort(t), ntFreePort(t), ntFreePort(t)
	runs := []struct {
		name string
		run  func(args ...string) *Result
	}{{"podman", pm.Result}, {"podlite", e.Podlite}}
	cases := [][]string{
		{"top", "box", "pid", "ppid", "user", "group", "ruser", "rgroup", "comm", "args", "nice", "pgid", "state", "seccomp", "vsz", "tty", "label"},
		{"top", "box", "capamb,capbnd,capeff,capinh,capprm", "huser", "hgroup"},
		{"top", "box", "%p,%P,%U,%G,%u,%g,%c,%a,%n,%r,%y,%z"},
		{"top"},
		{"top", "stopped"},
		{"container", "top", "-l", "user,pid", "args"},
		{"port", "box"}, {"port", "box", "80"}, {"port", "box", "80/tcp"}, {"port", "box", "81/udp"},
		{"port", "box", "91"}, {"port", "box", "81"}, {"port", "box", "abc"}, {"port", "box", "80/sctp"},
		{"port", "-a"}, {"port", "-l"}, {"port", "stopped"}, {"port", "stopped", "82"},
		{"port"}, {"port", "-a", "box"}, {"port", "-a", "-l"}, {"port", "box", "80", "x"},
		{"volume", "create", "vx"}, {"volume", "prune", "-f"}, {"volume", "prune"}, {"volume", "rm", "vx"},
		{"volume", "rm", "vu"}, {"volume", "inspect", "vx", "vy"}, {"volume", "inspect", "--format", "{{.Name}}", "vu"},
		{"export", "-o", "/nonexistent/x", "stopped"}, {"unmount", "stopped"}, {"unmount", "nosuch"},
		{"rename", "stopped", "renamed"}, {"rename", "renamed", "stopped"}, {"rename", "nosuch", "x"}, {"rename", "stopped", "bad name"},
		{"untag", img, "u1"}, {"image", "exists", "localhost/u1"}, {"image", "exists", "localhost/u2:x"},
		{"untag", img, "nothere"}, {"untag", "nosuch"}, {"image", "untag", "u2:x"},
		{"images", "--filter", "dangling=true", "--format", "{{.Names}}"},
	}
	ids := regexp.MustCompile(`\b[0-9a-f]{12}([0-9a-f]{52})?\b`)
	got := make([][]*Result, len(runs))
	for i, en := range runs {
		for _, args := range [][]string{
			{"create", "--name", "stopped", "-p", strconv.Itoa(p3) + ":82", "-v", "vu:/vu", img, "true"},
			{"run", "-d", "--name", "box", "--cap-drop", "NET_RAW", "--cap-drop", "MKNOD", "--cap-drop", "AUDIT_WRITE",
				"-p", fmt.Sprintf("%d:80", p1), "-p", fmt.Sprintf("127.0.0.1:%d:81/udp", p2),
				"-p", fmt.Sprintf("%d-%d:90-91", p3+1, p3+2), img, "sh", "-c", "sleep 1000 & exec sleep 2000"},
			{"exec", "-d", "-u", "1000", "box", "sleep", "3000"},
			{"tag", img, "u1", "u2:x"},
		} {
			if r := en.run(args...); r.ExitCode != 0 {
				t.Fatalf("%s %v: %d %s", en.name, args, r.ExitCode, r.Stderr)
			}
		}
		if r := addExecUsers(en.run, "box"); r.ExitCode != 0 {
			t.Fatalf("%s: adding users: %s", en.name, r.Stderr)
		}
		pids := strings.Fields(en.run("top", "box", "pid").Stdout)[1:]
		for _, args := range cases {
			r := en.run(args...)
			r.Stdout, r.Stderr = ids.ReplaceAllString(r.Stdout, "<id>"), ids.ReplaceAllString(r.Stderr, "<id>")
			if args[0] == "port" {
				lines := strings.SplitAfter(r.Stdout, "\n")
				slices.Sort(lines)
				r.Stdout = strings.Join(lines, "")
			} else {
				r.Stdout = rankPIDs(r.Stdout, pids)
			}
			got[i] = append(got[i], r)
		}
		// image inspect's and mount's JSON: the same keys, at every level.
		got[i] = append(got[i], &Result{Stdout: strings.Join(jsonKeys(t, en.run("image", "inspect", img).Stdout), "\n")})
		en.run("mount", "stopped")
		got[i] = append(got[i], &Result{Stdout: strings.Join(jsonKeys(t, en.run("mount", "--format", "json").Stdout), "\n")})
		// The default columns: headers only, their values change with time.
		def := en.run("top", "box")
		def.Stdout, _, _ = strings.Cut(def.Stdout, "\n")
		got[i] = append(got[i], def)
		if r := en.run("rm", "-f", "-v", "box", "stopped"); r.ExitCode != 0 {
			t.Fatalf("%s rm: %s", en.name, r.Stderr)
		}
	}
	for j, args := range append(cases, []string{"image inspect (keys)"}, []string{"mount --format json (keys)"}, []string{"top", "box (default header)"}) {
		p, l := got[0][j], got[1][j]
		if p.ExitCode != l.ExitCode || p.Stdout != l.Stdout || p.Stderr != l.Stderr {
			t.Errorf("%v:\npodman  exit %d stdout %q stderr %q\npodlite exit %d stdout %q stderr %q", args, p.ExitCode, p.Stdout, p.Stderr, l.ExitCode, l.Stdout, l.Stderr)
		}
	}
}

// jsonKeys lists the key paths of a JSON document, sorted: "0.Config.Env"
// (array members by index).
func jsonKeys(t *testing.T, doc string) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("%v: %s", err, doc)
	}
	var keys []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, sub := range v {
				keys = append(keys, prefix+k)
				walk(prefix+k+".", sub)
			}
		case []any:
			for i, sub := range v {
				walk(prefix+strconv.Itoa(i)+".", sub)
			}
		}
	}
	walk("", v)
	slices.Sort(keys)
	return keys
}

// rankPIDs replaces, in top's table, each cell holding one of the
// container's PIDs above 1 by its rank: "P2" for the second.
func rankPIDs(out string, pids []string) string {
	rank := map[string]string{}
	for i, p := range pids {
		if p != "1" {
			rank[p] = "P" + strconv.Itoa(i+1)
		}
	}
	cell := regexp.MustCompile(`\S+( \S+)*`)
	return cell.ReplaceAllStringFunc(out, func(c string) string { return cmp.Or(rank[c], c) })
}

// TestTopHostView checks what podman 4.3.1 cannot be compared on: hpid
// is the host's PID of the container's process, and arguments that are
// not podman's descriptors go to the host's ps(1), run in the container's
// PID namespace (its PIDs; ps's own line dropped, as podman drops it, when
// it holds the arguments); a container that may hold CAP_SYS_PTRACE runs
// its own ps instead, and without one top fails as podman's does.
func TestTopHostView(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--network", "none", "--name", "box", img, "sh", "-c", "sleep 1000 & exec sleep 2000")
	hostPID := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.Pid}}", "box").Stdout)
	out := e.MustPodlite("top", "box", "pid", "hpid", "stime").Stdout
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !slices.Equal(strings.Fields(lines[0]), []string{"PID", "HPID", "STIME"}) ||
		!slices.Equal(strings.Fields(lines[1])[:2], []string{"1", hostPID}) {
		t.Errorf("top pid hpid stime:\n%s", out)
	}
	ps := e.MustPodlite("top", "box", "-eo", "pid,args").Stdout
	want := regexp.MustCompile(`^\s*PID COMMAND\n\s*1 sleep 2000\n\s*\d+ sleep 1000\n$`)
	if !want.MatchString(ps) {
		t.Errorf("top box -eo pid,args:\n%s", ps)
	}
	if r := e.Podlite("top", "box", "--bogus-ps-option"); r.ExitCode != 125 || !strings.Contains(r.Stderr, "ps(1) failed") {
		t.Errorf("top with a bad ps option: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
	// A container that may trace gets no host ps in its namespace: its
	// own ps (busybox's, whose header is left-aligned) runs in it; its own
	// line stays, as in podman, when it does not hold the arguments.
	e.MustPodlite("run", "-d", "--network", "none", "--cap-add", "SYS_PTRACE", "--name", "tracer", img, "sleep", "1000")
	own := e.MustPodlite("top", "tracer", "-o", "pid,comm").Stdout
	if !regexp.MustCompile(`^PID\s+COMMAND\n\s*1\s+sleep\n\s*\d+\s+ps\n$`).MatchString(own) {
		t.Errorf("top -o pid,comm of a container with CAP_SYS_PTRACE (its own ps):\n%s", own)
	}
	e.MustPodlite("exec", "tracer", "rm", "/bin/ps")
	if r := e.Podlite("top", "tracer", "aux"); r.ExitCode != 125 || !strings.Contains(r.Stderr, "executing ps(1) in container") ||
		!strings.Contains(r.Stderr, "not found") {
		t.Errorf("top aux of a container with CAP_SYS_PTRACE and no ps: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
}
