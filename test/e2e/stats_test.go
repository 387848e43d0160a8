package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestStatsMatchPodman samples a busy container, a sleeping one with a
// memory limit and three processes, and a stopped one, on podlite and on
// podman 4.3.1: the default table's header, --format json's keys, and
// the template fields and their shapes agree; the values are podlite's
// own cgroups'.
func TestStatsMatchPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	for _, run := range []func(...string){
		func(args ...string) { e.MustPodlite(args...) },
		func(args ...string) { pm.MustRun(args...) },
	} {
		run("run", "-d", "--name", "busy", img, "sh", "-c", "while :; do :; done")
		run("run", "-d", "--name", "idle", "-m", "64m", img, "sh", "-c", "sleep 1000 & sleep 1000 & wait")
		run("create", "--name", "off", img, "true")
	}
	header := func(out string) []string {
		line, _, _ := strings.Cut(out, "\n")
		return strings.Fields(line)
	}
	if ours, theirs := header(e.MustPodlite("stats", "--no-stream").Stdout), header(pm.MustRun("stats", "--no-stream")); !slices.Equal(ours, theirs) {
		t.Errorf("stats header: podlite %q, podman %q", ours, theirs)
	}
	jsonKeys := func(out string) []string {
		var list []map[string]string
		if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 {
			t.Fatalf("stats --format json: %v: %q", err, out)
		}
		return slices.Sorted(maps.Keys(list[0]))
	}
	if ours, theirs := jsonKeys(e.MustPodlite("stats", "--no-stream", "--format", "json", "idle").Stdout),
		jsonKeys(pm.MustRun("stats", "--no-stream", "--format", "json", "idle")); !slices.Equal(ours, theirs) {
		t.Errorf("stats json keys: podlite %q, podman %q", ours, theirs)
	}
	// Values that agree on both engines, and shapes of the others.
	format := "{{.Name}}|{{.PIDs}}|{{.PIDS}}|{{.MemLimit}}|{{len .ContainerID}}|{{.ID}}|{{.MemPerc}}|{{.CPUPerc}}|{{.MemUsage}}|{{.MemUsageBytes}}|{{.NetIO}}|{{.BlockIO}}|{{.UpTime}}|{{.AVGCPU}}"
	shape := regexp.MustCompile(`^(busy|idle|off)\|\d+\|\d+\|\d+\|64\|[0-9a-f]{12}\|\d+\.\d\d%\|\d+\.\d\d%\|[\d.]+[kMG]?B / [\d.]+[kMG]?B\|[\d.]+[KMG]?i?B / [\d.]+[KMG]?i?B\|[\d.]+[kM]?B / [\d.]+[kM]?B\|[\d.]+[kM]?B / [\d.]+[kM]?B\|[\d.]+[µm]?s\|\d+\.\d\d%$`)
	fields := func(out string) map[string][]string {
		rows := map[string][]string{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if !shape.MatchString(line) {
				t.Errorf("stats --format: line %q", line)
			}
			f := strings.Split(line, "|")
			rows[f[0]] = f[:4]
		}
		return rows
	}
	ours := fields(e.MustPodlite("stats", "-a", "--no-stream", "--format", format).Stdout)
	theirs := fields(pm.MustRun("stats", "-a", "--no-stream", "--format", format))
	for _, name := range []string{"idle", "off"} {
		if !slices.Equal(ours[name], theirs[name]) {
			t.Errorf("stats of %s: podlite %q, podman %q", name, ours[name], theirs[name])
		}
	}
	if ours["idle"][3] != strconv.Itoa(64<<20) || ours["idle"][1] != "3" {
		t.Errorf("idle: limit and pids %q", ours["idle"])
	}
	checkStatsValues(t, e)
}

// checkStatsValues: the busy container uses CPU and the idle one hardly
// any; --interval streams reports; the screen is cleared between tables
// unless --no-reset.
func checkStatsValues(t *testing.T, e *Env) {
	t.Helper()
	cpu := func(name string) float64 {
		out := e.MustPodlite("stats", "--no-stream", "--format", "{{.CPU}}", name).Stdout
		v, err := strconv.ParseFloat(strings.TrimSpace(out), 64)
		if err != nil {
			t.Fatalf("stats {{.CPU}} of %s: %q", name, out)
		}
		return v
	}
	if busy, idle := cpu("busy"), cpu("idle"); busy < 2 || idle > 5 || busy < 4*idle {
		t.Errorf("CPU %%: busy %.2f, idle %.2f", busy, idle)
	}
	if out := e.MustPodlite("stats", "--no-stream", "--latest", "--format", "{{.Name}}").Stdout; out != "off\n" {
		t.Errorf("stats --latest: %q", out)
	}
	stream := func(args ...string) string {
		ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
		defer cancel()
		cmd := e.commandContext(ctx, append([]string{"stats", "-i", "1"}, args...))
		var out bytes.Buffer
		cmd.Stdout = &out
		_ = cmd.Run() // ended by the timeout
		return out.String()
	}
	if out := stream("--format", "{{.Name}}", "busy"); out != "busy\nbusy\nbusy\n" {
		t.Errorf("stats -i 1 for 2.5s: %q", out)
	}
	if out := stream("busy"); strings.Count(out, "\033[2J") != 3 {
		t.Errorf("stats stream does not clear the screen before each table: %q", out)
	}
	if out := stream("--no-reset", "busy"); strings.Contains(out, "\033[") || strings.Count(out, "AVG CPU %") != 3 {
		t.Errorf("stats --no-reset: %q", out)
	}
	if r := e.Podlite("stats", "--no-stream", "-i", "0"); r.ExitCode != 125 {
		t.Errorf("stats -i 0: exit %d", r.ExitCode)
	}
}
