package e2e

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestHealthStatusEventsMatchPodman runs health checks on podlite and
// podman 4.3.1 (file events backend) and compares the health_status
// events each logs: one per check, with the status it left.
func TestHealthStatusEventsMatchPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	pmRun := func(args ...string) (string, error) {
		return pm.Run(append([]string{"--events-backend", "file"}, args...)...)
	}
	for _, run := range []func(...string) (string, error){
		func(args ...string) (string, error) { r := e.Podlite(args...); return r.Stdout, nil },
		pmRun,
	} {
		for _, args := range [][]string{
			{"run", "-d", "--network", "none", "--name", "ok", "--health-cmd", "true", "--health-interval", "disable", img, "sleep", "60"},
			{"run", "-d", "--network", "none", "--name", "bad", "--health-cmd", "false", "--health-retries", "2", "--health-interval", "disable", img, "sleep", "60"},
			{"healthcheck", "run", "ok"}, {"healthcheck", "run", "bad"}, {"healthcheck", "run", "bad"},
		} {
			_, _ = run(args...)
		}
	}
	args := []string{"events", "--stream=false", "--filter", "event=health_status", "--format", "{{.Type}} {{.Status}} {{.Name}} {{.HealthStatus}}"}
	ours := sortedLines(e.MustPodlite(args...).Stdout)
	out, err := pmRun(args...)
	if err != nil {
		t.Fatalf("podman events: %v\n%s", err, out)
	}
	// 4.3.1 logs the status from before the check (5.x the one after
	// it): compare the events with it less their status, and the status
	// with 5.x's.
	theirs := sortedLines(out)
	want := []string{"container health_status bad starting", "container health_status bad unhealthy", "container health_status ok healthy"}
	if !slices.Equal(ours, want) || !slices.Equal(lessLastWord(ours), lessLastWord(theirs)) {
		t.Errorf("health_status events:\npodlite %q\npodman  %q\nwant    %q", ours, theirs, want)
	}
	e.MustPodlite("rm", "-f", "-t", "0", "ok", "bad")
	_, _ = pm.Run("rm", "-f", "-t", "0", "ok", "bad")
}

// lessLastWord returns lines without their last word.
func lessLastWord(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l[:max(strings.LastIndex(l, " "), 0)]
	}
	return out
}

// TestSystemPruneReclaimedMatchesPodman prunes the same container (2 MB
// written to its read-write layer) and volume (1 MB) on podlite and
// podman 4.3.1 and compares what `system prune -f --volumes` prints, its
// closing `Total reclaimed space` line included.
func TestSystemPruneReclaimedMatchesPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	var ids []string
	for _, run := range []func(...string) string{
		func(args ...string) string { return e.MustPodlite(args...).Stdout },
		pm.MustRun,
	} {
		run("volume", "create", "v1")
		run("run", "--rm", "--network", "none", "-v", "v1:/v", img, "dd", "if=/dev/zero", "of=/v/f", "bs=1024", "count=1024")
		ids = append(ids, strings.TrimSpace(lastLine(run("create", "--network", "none", "--name", "dead", img, "dd", "if=/dev/zero", "of=/big", "bs=1024", "count=2048"))))
		run("start", "-a", "dead")
	}
	size := regexp.MustCompile(`(?m)^Total reclaimed space: ([0-9.]+)([kMG]?B)$`)
	r := e.Podlite("system", "prune", "-f", "--volumes")
	if r.ExitCode != 0 {
		t.Fatalf("podlite system prune: exit %d\n%s%s", r.ExitCode, r.Stdout, r.Stderr)
	}
	ours := r.Stdout
	theirs, err := pm.Run("system", "prune", "-f", "--volumes")
	if err != nil {
		t.Fatalf("podman system prune: %v\n%s", err, theirs)
	}
	norm := func(s, id string) string {
		s = strings.ReplaceAll(s, id, "CTR")
		return size.ReplaceAllString(s, "Total reclaimed space: SIZE")
	}
	if got, want := norm(ours, ids[0]), norm(theirs, ids[1]); got != want {
		t.Errorf("system prune -f --volumes:\npodlite %q\npodman  %q", ours, theirs)
	}
	t.Logf("podlite: %s, podman: %s", size.FindString(ours), size.FindString(theirs))
	m := size.FindStringSubmatch(ours)
	if m == nil || m[2] != "MB" {
		t.Fatalf("podlite's reclaimed space %q, want MB", ours)
	}
	if n, _ := strconv.ParseFloat(m[1], 64); n < 3 {
		t.Errorf("podlite reclaimed %s MB, want at least the 2 MB layer and the 1 MB volume", m[1])
	}
}

// TestPsExposedPorts: exposed ports that no mapping publishes (--expose,
// the image's EXPOSE) are in ps's JSON as podman 5's ExposedPorts and
// after the published ports in the PORTS column ("80/tcp", ranges of a
// protocol as one), as podman 5; -P publishes them instead. (commit turns
// the published 90 into the image's EXPOSE, as podman's does.)
func TestPsExposedPorts(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	pm.MustRun("create", "--name", "ex", "--expose", "80", "--expose", "8000-8002/udp", "--expose", "90", "-p", "9090:90", img, "true")
	pm.MustRun("create", "--name", "all", "-P", "--expose", "81", img, "true")
	e.MustPodlite("create", "--name", "ex", "--expose", "80", "--expose", "8000-8002/udp", "--expose", "90", "-p", "9090:90", img, "true")
	e.MustPodlite("commit", "-q", "-c", "EXPOSE 443", "ex", "localhost/exposing:1")
	e.MustPodlite("create", "--name", "fromimage", "localhost/exposing:1", "true")
	e.MustPodlite("create", "--name", "all", "-P", "--expose", "81", img, "true")
	e.MustPodlite("create", "--name", "none", img, "true")
	got := e.MustPodlite("ps", "-a", "--sort", "names", "--format", "{{.Names}}|{{.Ports}}").Stdout
	want := "all|0.0.0.0:PORT->81/tcp\nex|0.0.0.0:9090->90/tcp, 80/tcp, 8000-8002/udp\nfromimage|90/tcp, 443/tcp\nnone|\n"
	randomPort := regexp.MustCompile(`:\d+->81`)
	if got = randomPort.ReplaceAllString(got, ":PORT->81"); got != want {
		t.Errorf("ps PORTS:\n%s\nwant\n%s", got, want)
	}
	// 4.3.1 shows the published ports only (5.x adds the exposed ones):
	// ours must begin with its.
	theirs := randomPort.ReplaceAllString(pm.MustRun("ps", "-a", "--sort", "names", "--format", "{{.Names}}|{{.Ports}}"), ":PORT->81")
	ourLines := strings.Split(got, "\n")
	for _, line := range strings.Split(strings.TrimSpace(theirs), "\n") {
		if !slices.ContainsFunc(ourLines, func(l string) bool { return strings.HasPrefix(l, line) }) {
			t.Errorf("podman 4.3.1's ps line %q does not begin one of podlite's %q", line, ourLines)
		}
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(e.MustPodlite("ps", "-a", "--sort", "names", "--format", "json").Stdout), &list); err != nil {
		t.Fatal(err)
	}
	wantJSON := []string{`null`, `{"80":["tcp"],"8000":["udp"],"8001":["udp"],"8002":["udp"]}`,
		`{"443":["tcp"],"90":["tcp"]}`, `null`}
	for i, c := range list {
		if b, _ := json.Marshal(c["ExposedPorts"]); i >= len(wantJSON) || string(b) != wantJSON[i] {
			t.Errorf("ps json %v: ExposedPorts %s", c["Names"], b)
		}
	}
	if r := e.Podlite("create", "--expose", "80/icmp", img, "true"); r.ExitCode != 125 || !strings.Contains(r.Stderr, "80/icmp") {
		t.Errorf("create --expose 80/icmp: exit %d, %q", r.ExitCode, r.Stderr)
	}
}

// TestCpIDMapped: cp into a container with --uidmap/--gidmap gives files
// the mapped host IDs (the container sees its own), and cp out gives
// back the container's IDs, as podman's.
func TestCpIDMapped(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "mapped", "--network", "none", "--uidmap", "0:100000:65536", "--gidmap", "0:200000:65536", img, "sleep", "60")
	e.MustPodlite("create", "--name", "stopped", "--network", "none", "--uidmap", "0:300000:65536", "--gidmap", "0:400000:65536", img, "true")
	src := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(src, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.MustPodlite("cp", src, "mapped:/in")
	e.MustPodlite("cp", src, "stopped:/in")
	// -a=false keeps the stream's IDs, which are the container's.
	var tarball bytes.Buffer
	tw := tar.NewWriter(&tarball)
	_ = tw.WriteHeader(&tar.Header{Name: "owned", Mode: 0o644, Size: 1, Uid: 1000, Gid: 1001, Typeflag: tar.TypeReg})
	_, _ = tw.Write([]byte("y"))
	_ = tw.Close()
	if r := e.PodliteStdin(tarball.String(), "cp", "-a=false", "-", "mapped:/"); r.ExitCode != 0 {
		t.Fatalf("cp - mapped:/: %s", r.Stderr)
	}
	e.MustPodlite("cp", "mapped:/in", "stopped:/copied")
	pid := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.Pid}}", "mapped").Stdout)
	hostOwner := func(p string) string {
		fi, err := os.Stat(filepath.Join("/proc", pid, "root", p))
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		return fmt.Sprintf("%d:%d", st.Uid, st.Gid)
	}
	if got := hostOwner("/in"); got != "100000:200000" {
		t.Errorf("host owner of mapped:/in %s, want 100000:200000", got)
	}
	if got := hostOwner("/owned"); got != "101000:201001" {
		t.Errorf("host owner of mapped:/owned %s, want 101000:201001", got)
	}
	if got := e.MustPodlite("exec", "mapped", "stat", "-c", "%u:%g", "/in", "/owned").Stdout; got != "0:0\n1000:1001\n" {
		t.Errorf("owners in the container %q, want 0:0 and 1000:1001", got)
	}
	// Out: the container's IDs, for a running and a stopped container.
	for _, c := range []struct{ from, want string }{
		{"mapped:/owned", "1000:1001"}, {"mapped:/etc/passwd", "0:0"}, {"stopped:/in", "0:0"}, {"stopped:/copied", "0:0"},
	} {
		tr := tar.NewReader(strings.NewReader(e.MustPodlite("cp", c.from, "-").Stdout))
		hdr, err := tr.Next()
		if err != nil {
			t.Fatalf("cp %s -: %v", c.from, err)
		}
		if got := fmt.Sprintf("%d:%d", hdr.Uid, hdr.Gid); got != c.want {
			t.Errorf("cp %s -: owner %s, want %s", c.from, got, c.want)
		}
	}
	e.MustPodlite("rm", "-f", "-t", "0", "mapped", "stopped")
}

// TestImageNamesAndTagMatchPodman: an image's names are listed newest
// first, as podman 5 (containers/storage adds a name in front; 4.3.1's
// listed the oldest first, so it is compared reversed), and tag refuses
// an invalid name in podman 4.3.1's words.
func TestImageNamesAndTagMatchPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	for _, run := range []func(...string) string{
		func(args ...string) string { return e.MustPodlite(args...).Stdout },
		pm.MustRun,
	} {
		run("tag", img, "localhost/zeta:1")
		run("tag", img, "localhost/alpha:2")
		run("tag", img, "quay.io/mid/name:3")
	}
	for _, format := range []string{"{{.Names}}", "{{.Repository}}:{{.Tag}}"} {
		ours := e.MustPodlite("images", "--format", format).Stdout
		theirs := pm.MustRun("images", "--format", format)
		if format == "{{.Names}}" {
			theirs = strings.Trim(strings.SplitN(theirs, "\n", 2)[0], "[]")
			names := strings.Fields(theirs)
			slices.Reverse(names)
			want := "[" + strings.Join(names, " ") + "]"
			if got := strings.SplitN(ours, "\n", 2)[0]; got != want || !strings.HasPrefix(want, "[quay.io/mid/name:3 ") {
				t.Errorf("images --format %s: %q, want %q (podman 4.3.1's reversed)", format, got, want)
			}
			continue
		}
		lines := strings.Split(strings.TrimSpace(theirs), "\n")
		slices.Reverse(lines)
		if want := strings.Join(lines, "\n") + "\n"; ours != want {
			t.Errorf("images --format %s: %q, want %q (podman 4.3.1's reversed)", format, ours, want)
		}
	}
	comparePodman(t, e, pm, func(s, _ string) string { return s }, [][]string{
		{"tag", img, "Bad:Name"},
		{"tag", img, "bad name"},
		{"tag", img, "localhost/x:bad:tag"},
	})
}
