package e2e

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/podlite/podlite/pkg/crashpoint"
)

// psFixture makes, oldest first: up (running, label tier=web, volume
// data), done (exited 3, restart policy no), fresh (created).
func psFixture(t *testing.T, e *Env) (img, upID string) {
	t.Helper()
	img = e.LoadBusybox()
	upID = strings.TrimSpace(e.MustPodlite("run", "-d", "--name", "up", "-l", "tier=web", "-v", "data:/data", "--restart", "always", img, "sleep", "1000").Stdout)
	time.Sleep(1100 * time.Millisecond) // distinct creation seconds for before=/since=
	if r := e.Podlite("run", "--name", "done", img, "sh", "-c", "exit 3"); r.ExitCode != 3 {
		t.Fatalf("run done: exit %d, want 3: %s", r.ExitCode, r.Stderr)
	}
	time.Sleep(1100 * time.Millisecond)
	e.MustPodlite("create", "--name", "fresh", img, "true")
	return img, upID
}

func psNames(t *testing.T, e *Env, args ...string) string {
	t.Helper()
	out := e.MustPodlite(append(append([]string{"ps"}, args...), "--format", "{{.Names}}")...).Stdout
	return strings.Join(strings.Fields(out), " ")
}

// TestPsListingFlags: -a, --sort, -n, -l, --noheading, the default
// table's header, --pod, and podman's refusals of conflicting flags.
func TestPsListingFlags(t *testing.T) {
	e := NewEnv(t)
	psFixture(t, e)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "up"},
		{[]string{"-a"}, "up done fresh"},
		{[]string{"-a", "--sort", "names"}, "done fresh up"},
		{[]string{"-a", "--sort", "created"}, "up done fresh"},
		{[]string{"-a", "--sort", "status"}, "fresh done up"},
		{[]string{"-a", "--sort", "command"}, "done up fresh"},
		{[]string{"-n", "2"}, "done fresh"},
		{[]string{"--last", "1"}, "fresh"},
		{[]string{"-l"}, "fresh"},
		{[]string{"container", "ls", "-a"}, "up done fresh"},
	} {
		args := tc.args
		if len(args) > 0 && args[0] == "container" {
			out := e.MustPodlite(append(args, "--format", "{{.Names}}")...).Stdout
			if got := strings.Join(strings.Fields(out), " "); got != tc.want {
				t.Errorf("%v: %q, want %q", args, got, tc.want)
			}
			continue
		}
		if got := psNames(t, e, args...); got != tc.want {
			t.Errorf("ps %v: %q, want %q", args, got, tc.want)
		}
	}
	table := e.MustPodlite("ps", "-a").Stdout
	lines := strings.Split(strings.TrimSuffix(table, "\n"), "\n")
	if got := headerWords(lines[0]); got != "CONTAINER ID|IMAGE|COMMAND|CREATED|STATUS|PORTS|NAMES" || len(lines) != 4 {
		t.Fatalf("ps -a table header %q, %d lines:\n%s", got, len(lines), table)
	}
	if !regexp.MustCompile(`Exited \(3\) .* ago +done$`).MatchString(lines[2]) || !strings.Contains(lines[3], "Created") {
		t.Fatalf("ps -a rows:\n%s", table)
	}
	noHead := e.MustPodlite("ps", "-a", "--noheading").Stdout
	if strings.Contains(noHead, "CONTAINER ID") || strings.Count(noHead, "\n") != 3 {
		t.Fatalf("ps -a --noheading:\n%s", noHead)
	}
	if got := headerWords(strings.SplitN(e.MustPodlite("ps", "--pod").Stdout, "\n", 2)[0]); !strings.HasSuffix(got, "|NAMES|POD ID|PODNAME") {
		t.Fatalf("ps --pod header %q", got)
	}
	for _, bad := range [][]string{{"-l", "-n", "2"}, {"-q", "--size"}, {"--size", "--ns"}, {"--sort", "bogus"}, {"-w", "1", "-l"}} {
		expectOneLineError(t, e.Podlite(append([]string{"ps"}, bad...)...))
	}
}

// headerWords splits a table header at its column gaps (two spaces or
// more): "CONTAINER ID|IMAGE|...".
func headerWords(line string) string {
	return strings.Join(regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(line), -1), "|")
}

// TestPsFilterKeys runs every podman filter key on podlite's containers.
func TestPsFilterKeys(t *testing.T) {
	e := NewEnv(t)
	img, upID := psFixture(t, e)
	for _, tc := range []struct{ filter, want string }{
		{"id=" + upID[:8], "up"},
		{"name=^d", "done"},
		{"name=/fresh", "fresh"},
		{"label=tier=web", "up"},
		{"label!=tier", "done fresh"},
		{"exited=3", "done"},
		{"exited=0", ""},
		{"status=exited", "done"},
		{"status=created", "fresh"},
		{"ancestor=" + img, "up done fresh"},
		{"ancestor=nosuchimage", ""},
		{"before=done", "up"},
		{"since=done", "fresh"},
		{"until=1h", ""},
		{"volume=data", "up"},
		{"volume=/data", "up"},
		{"health=healthy", ""},
		{"pod=nosuchpod", ""},
		{"network=podlite", "up done fresh"},
		{"network=nosuchnet", ""},
		{"restart-policy=always", "up"},
		{"restart-policy=no", "done fresh"},
		{"command=sleep", "up"},
		{"should-start-on-boot=true", "up"},
	} {
		if got := psNames(t, e, "-a", "--filter", tc.filter); got != tc.want {
			t.Errorf("ps -a --filter %s: %q, want %q", tc.filter, got, tc.want)
		}
	}
	// A status filter lists every state, as without it only running ones.
	if got := psNames(t, e, "--filter", "status=exited"); got != "done" {
		t.Errorf("ps --filter status=exited without -a: %q", got)
	}
	if got := psNames(t, e, "--filter", "name=d"); got != "" {
		t.Errorf("ps --filter name=d without -a lists %q, want only running ones", got)
	}
	for _, bad := range []string{"colour=red", "name", "status=sleepy", "exited=x", "restart-policy=sometimes", "before=nosuch", "health=sick"} {
		expectOneLineError(t, e.Podlite("ps", "-a", "--filter", bad))
	}
}

// TestPsTemplatesAndJSON: every podman template field, --format json's
// keys and types, --size and --ns.
func TestPsTemplatesAndJSON(t *testing.T) {
	e := NewEnv(t)
	_, upID := psFixture(t, e)
	tmpl := `{{.ID}}|{{.Label "tier"}}|{{.Labels}}|{{.Mounts}}|{{.Networks}}|{{.Pod}}|{{.PodName}}|{{.State}}|{{.ExitCode}}|{{.Exited}}|{{.IsInfra}}|{{.AutoRemove}}|{{len .ImageID}}|{{.Restarts}}`
	if got := e.MustPodlite("ps", "--format", tmpl).Stdout; got != upID[:12]+"|web|map[tier:web]|[/data]|podlite|||running|0|false|false|false|12|0\n" {
		t.Fatalf("ps template: %q", got)
	}
	if got := e.MustPodlite("ps", "-a", "--filter", "name=done", "--format", "{{.Status}}|{{.State}}|{{.ExitCode}}|{{.Exited}}|{{.Pid}}").Stdout; !regexp.MustCompile(`^Exited \(3\) .* ago\|exited\|3\|true\|0\n$`).MatchString(got) {
		t.Fatalf("ps template of an exited container: %q", got)
	}
	for _, f := range []string{"CreatedAt", "CreatedHuman", "RunningFor", "Command", "Image", "Ports", "StartedAt", "ExitedAt", "Namespaces", "CIDFile", "Networks"} {
		e.MustPodlite("ps", "-a", "--format", "{{."+f+"}}")
	}
	if got := headerWords(strings.SplitN(e.MustPodlite("ps", "--format", "table {{.ID}}\t{{.CreatedHuman}}\t{{.RunningFor}}\t{{.ImageID}}\t{{.PodName}}").Stdout, "\n", 2)[0]); got != "CONTAINER ID|CREATED|RUNNING FOR|IMAGE ID|PODNAME" {
		t.Fatalf("ps --format table header %q", got)
	}
	expectOneLineError(t, e.Podlite("ps", "-a", "--format", "{{.NoSuchField}}"))

	var list []map[string]any
	if err := json.Unmarshal([]byte(e.MustPodlite("ps", "-a", "--format", "json").Stdout), &list); err != nil || len(list) != 3 {
		t.Fatalf("ps --format json: %v, %d items", err, len(list))
	}
	up := list[0]
	checkJSONTypes(t, up, psJSONTypes)
	if up["Size"] != nil || up["Status"] == "" || up["Id"] != upID {
		t.Fatalf("ps json of up: Size %v Status %v Id %v", up["Size"], up["Status"], up["Id"])
	}
	if cmd := up["Command"].([]any); len(cmd) != 2 || cmd[0] != "sleep" {
		t.Fatalf("ps json Command %v", cmd)
	}

	var sized []map[string]any
	if err := json.Unmarshal([]byte(e.MustPodlite("ps", "--size", "--format", "json").Stdout), &sized); err != nil || len(sized) != 1 {
		t.Fatalf("ps --size --format json: %v", err)
	}
	size, _ := sized[0]["Size"].(map[string]any)
	if rootfs, _ := size["rootFsSize"].(float64); rootfs < 1000 {
		t.Fatalf("ps --size: Size %v, want the image's size as rootFsSize", sized[0]["Size"])
	}
	table := e.MustPodlite("ps", "--size").Stdout
	if !strings.Contains(strings.SplitN(table, "\n", 2)[0], "SIZE") || !regexp.MustCompile(`B \(virtual [0-9.]+[kM]B\)`).MatchString(table) {
		t.Fatalf("ps --size table:\n%s", table)
	}

	pid := strings.TrimSpace(e.MustPodlite("ps", "--format", "{{.Pid}}").Stdout)
	link, err := os.Readlink("/proc/" + pid + "/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	ns := e.MustPodlite("ps", "--ns").Stdout
	if !strings.HasPrefix(ns, "CONTAINER ID") || !strings.Contains(ns, strings.Trim(strings.TrimPrefix(link, "net:"), "[]")) {
		t.Fatalf("ps --ns lacks the net namespace %s:\n%s", link, ns)
	}
	if got := e.MustPodlite("ps", "--ns", "--format", "{{.Namespaces.NET}}").Stdout; got != strings.Trim(strings.TrimPrefix(link, "net:"), "[]")+"\n" {
		t.Fatalf("ps --ns {{.Namespaces.NET}}: %q, want %s", got, link)
	}
}

// psJSONTypes are the JSON types of podman's `ps --format json` keys
// ("null" for Size without --size).
var psJSONTypes = map[string]string{
	"AutoRemove": "bool", "Command": "array", "Created": "number", "CreatedAt": "string", "Exited": "bool",
	"ExitedAt": "number", "ExitCode": "number", "Id": "string", "Image": "string", "ImageID": "string",
	"IsInfra": "bool", "Labels": "object", "Mounts": "array", "Names": "array", "Namespaces": "object",
	"Networks": "array", "Pid": "number", "Pod": "string", "PodName": "string", "Ports": "null",
	"Size": "null", "StartedAt": "number", "State": "string", "Status": "string",
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "?"
}

// checkJSONTypes fails t unless item has every key of want with its type.
func checkJSONTypes(t *testing.T, item map[string]any, want map[string]string) {
	t.Helper()
	for k, typ := range want {
		v, ok := item[k]
		if !ok {
			t.Errorf("ps json lacks key %s", k)
			continue
		}
		if got := jsonType(v); got != typ {
			t.Errorf("ps json %s is a %s, want a %s", k, got, typ)
		}
	}
}

// TestPsExternal: a create killed after making the rootfs leaves one
// without a record; ps --external lists it as podman lists other tools'
// containers (state storage), plain ps does not, and prune removes it.
func TestPsExternal(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("create", "--name", "kept", img, "true")
	e.CrashAt(crashpoint.CreateRootfsCreated, "create", "--name", "lost", img, "true")
	if got := psNames(t, e, "-a"); got != "kept" {
		t.Fatalf("ps -a after the crash: %q", got)
	}
	out := e.MustPodlite("ps", "-a", "--external", "--format", "{{.Names}}|{{.State}}|{{.Status}}|{{.Command}}|{{.Image}}").Stdout
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "kept|created") || !regexp.MustCompile(`^\S+\|storage\|Storage\|storage\|\S+`).MatchString(lines[1]) {
		t.Fatalf("ps -a --external:\n%s", out)
	}
	if got := psNames(t, e, "--external", "--filter", "status=created"); got != "kept" {
		t.Fatalf("ps --external --filter status=created: %q", got)
	}
	// container exists --external counts it too, by name or ID.
	leftover := strings.Split(lines[1], "|")[0]
	var leftoverID string
	for _, l := range strings.Split(e.MustPodlite("ps", "-a", "--external", "--no-trunc", "--format", "{{.ID}} {{.State}}").Stdout, "\n") {
		if id, ok := strings.CutSuffix(l, " storage"); ok {
			leftoverID = id
		}
	}
	if r := e.Podlite("container", "exists", leftover); r.ExitCode != 1 {
		t.Errorf("container exists %s (a leftover): exit %d", leftover, r.ExitCode)
	}
	for _, ref := range []string{leftover, leftoverID[:12]} {
		if r := e.Podlite("container", "exists", "--external", ref); r.ExitCode != 0 {
			t.Errorf("container exists --external %s: exit %d %s", ref, r.ExitCode, r.Stderr)
		}
	}
	e.MustPodlite("container", "prune", "-f")
	if out := e.MustPodlite("ps", "-a", "--external", "-q").Stdout; out != "" {
		t.Fatalf("ps --external after prune: %q", out)
	}
	if r := e.Podlite("container", "exists", "--external", leftover); r.ExitCode != 1 {
		t.Errorf("container exists --external after prune: exit %d", r.ExitCode)
	}
}

// TestPsWatch: --watch reprints the list every interval until stopped.
func TestPsWatch(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "watched", img, "sleep", "1000")
	cmd := e.Command("ps", "-w", "1", "--format", "{{.Names}}")
	var out strings.Builder
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2500 * time.Millisecond)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // killed: its error says so
	if n := strings.Count(out.String(), "watched\n"); n < 2 {
		t.Fatalf("ps -w 1 printed the list %d times in 2.5 s, want at least 2:\n%q", n, out.String())
	}
}
