package e2e

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// volumeJSON is one element of `volume inspect` and `volume ls --format
// json`, in podman's shape.
type volumeJSON struct {
	Name       string
	Driver     string
	Mountpoint string
	CreatedAt  string
	Labels     map[string]string
	Scope      string
	Options    map[string]string
}

func inspectVolumes(e *Env, args ...string) []volumeJSON {
	e.T.Helper()
	r := e.MustPodlite(append([]string{"volume", "inspect"}, args...)...)
	var vols []volumeJSON
	if err := json.Unmarshal([]byte(r.Stdout), &vols); err != nil {
		e.T.Fatalf("volume inspect %v printed invalid JSON: %v\n%s", args, err, r.Stdout)
	}
	return vols
}

// volumeOutputLines splits output into its non-empty lines.
func volumeOutputLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func TestVolumeLifecycle(t *testing.T) {
	e := NewEnv(t)
	r := e.MustPodlite("volume", "create", "--label", "app=web", "-l", "tier", "-o", "nocopy", "data")
	if got := strings.TrimSpace(r.Stdout); got != "data" {
		t.Fatalf("volume create printed %q, want data", got)
	}

	vols := inspectVolumes(e, "data")
	if len(vols) != 1 {
		t.Fatalf("volume inspect data: %d volumes", len(vols))
	}
	v := vols[0]
	wantMount := filepath.Join(e.Root, "volumes", "data", "_data")
	if v.Name != "data" || v.Driver != "local" || v.Scope != "local" || v.Mountpoint != wantMount || v.CreatedAt == "" {
		t.Errorf("volume inspect data = %+v; want name data, driver and scope local, mountpoint %s", v, wantMount)
	}
	if v.Labels["app"] != "web" || v.Labels["tier"] != "" || len(v.Labels) != 2 {
		t.Errorf("labels = %v, want app=web and tier", v.Labels)
	}
	if _, ok := v.Options["nocopy"]; !ok || len(v.Options) != 1 {
		t.Errorf("options = %v, want nocopy", v.Options)
	}
	fi, err := os.Stat(wantMount)
	if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o755 {
		t.Fatalf("data directory %s: %v, %v; want a 0755 directory", wantMount, fi, err)
	}

	r = e.MustPodlite("volume", "ls")
	if got := volumeOutputLines(r.Stdout); len(got) != 2 || !strings.HasPrefix(got[0], "DRIVER") || !strings.Contains(got[0], "VOLUME NAME") ||
		strings.Join(strings.Fields(got[1]), " ") != "local data" {
		t.Errorf("volume ls:\n%s", r.Stdout)
	}
	r = e.MustPodlite("volume", "inspect", "--format", "{{.Name}} {{.Mountpoint}}", "data")
	if got := strings.TrimSpace(r.Stdout); got != "data "+wantMount {
		t.Errorf("volume inspect --format = %q", got)
	}

	r = e.MustPodlite("volume", "rm", "data")
	if got := strings.TrimSpace(r.Stdout); got != "data" {
		t.Errorf("volume rm printed %q, want data", got)
	}
	if _, err := os.Stat(filepath.Dir(wantMount)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("volume directory after rm: %v", err)
	}
	if r := e.MustPodlite("volume", "ls", "-q"); r.Stdout != "" {
		t.Errorf("volume ls -q after rm: %q", r.Stdout)
	}
	// The name is free again.
	e.MustPodlite("volume", "create", "data")
}

func TestVolumeCreateRandomName(t *testing.T) {
	e := NewEnv(t)
	a := strings.TrimSpace(e.MustPodlite("volume", "create").Stdout)
	b := strings.TrimSpace(e.MustPodlite("volume", "create").Stdout)
	hex64 := regexp.MustCompile(`^[0-9a-f]{64}$`)
	if !hex64.MatchString(a) || !hex64.MatchString(b) || a == b {
		t.Fatalf("volume create without a name printed %q and %q; want two 64-hex-digit names", a, b)
	}
	want := []string{a, b}
	slices.Sort(want)
	if got := volumeOutputLines(e.MustPodlite("volume", "ls", "-q").Stdout); !slices.Equal(got, want) {
		t.Errorf("volume ls -q = %v, want %v", got, want)
	}
}

func TestVolumeCreateErrors(t *testing.T) {
	e := NewEnv(t)
	e.MustPodlite("volume", "create", "data")
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"name in use", []string{"data"}},
		{"slash in name", []string{"a/b"}},
		{"leading dot", []string{".hidden"}},
		{"leading underscore", []string{"_x"}},
		{"unknown option", []string{"-o", "colour=red", "x"}},
		{"unsupported option", []string{"-o", "device=/dev/sda1", "x"}},
		{"label without key", []string{"-l", "=v", "x"}},
		{"other driver", []string{"-d", "nfs", "x"}},
		{"two names", []string{"x", "y"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expectOneLineError(t, e.Podlite(append([]string{"volume", "create"}, tc.args...)...))
		})
	}
	if got := volumeOutputLines(e.MustPodlite("volume", "ls", "-q").Stdout); !slices.Equal(got, []string{"data"}) {
		t.Errorf("failed creates left volumes: %v", got)
	}
	entries, err := os.ReadDir(filepath.Join(e.Root, "volumes"))
	if err != nil || len(entries) != 1 {
		t.Errorf("failed creates left directories: %v, %v", entries, err)
	}
	r := e.MustPodlite("volume", "create", "--ignore", "data")
	if strings.TrimSpace(r.Stdout) != "data" {
		t.Errorf("volume create --ignore printed %q", r.Stdout)
	}
}

func TestVolumeLsFormatAndFilter(t *testing.T) {
	e := NewEnv(t)
	e.MustPodlite("volume", "create", "-l", "app=web", "-l", "tier=front", "alpha")
	e.MustPodlite("volume", "create", "-l", "app=db", "beta")
	e.MustPodlite("volume", "create", "gamma")

	for _, tc := range []struct {
		filters []string
		want    []string
	}{
		{nil, []string{"alpha", "beta", "gamma"}},
		{[]string{"label=app"}, []string{"alpha", "beta"}},
		{[]string{"label=app=db"}, []string{"beta"}},
		{[]string{"label=app", "label=tier=front"}, []string{"alpha"}},
		{[]string{"label!=app"}, []string{"gamma"}},
		{[]string{"name=^a", "name=^g"}, []string{"alpha", "gamma"}},
		{[]string{"dangling=true"}, []string{"alpha", "beta", "gamma"}},
		{[]string{"driver=nfs"}, nil},
	} {
		args := []string{"volume", "ls", "-q"}
		for _, f := range tc.filters {
			args = append(args, "--filter", f)
		}
		if got := volumeOutputLines(e.MustPodlite(args...).Stdout); !slices.Equal(got, tc.want) {
			t.Errorf("volume ls --filter %v = %v, want %v", tc.filters, got, tc.want)
		}
	}
	expectOneLineError(t, e.Podlite("volume", "ls", "--filter", "colour=red"))
	expectOneLineError(t, e.Podlite("volume", "ls", "-q", "--format", "{{.Name}}"))

	r := e.MustPodlite("volume", "ls", "--format", "{{.Name}}={{.Driver}}")
	if got := volumeOutputLines(r.Stdout); !slices.Equal(got, []string{"alpha=local", "beta=local", "gamma=local"}) {
		t.Errorf("volume ls --format template = %v", got)
	}
	r = e.MustPodlite("volume", "ls", "--format", "table {{.Name}}\t{{.Scope}}")
	if got := volumeOutputLines(r.Stdout); len(got) != 4 || strings.Join(strings.Fields(got[0]), " ") != "VOLUME NAME SCOPE" {
		t.Errorf("volume ls --format table:\n%s", r.Stdout)
	}
	r = e.MustPodlite("volume", "ls", "--noheading")
	if got := volumeOutputLines(r.Stdout); len(got) != 3 || strings.Join(strings.Fields(got[0]), " ") != "local alpha" {
		t.Errorf("volume ls --noheading:\n%s", r.Stdout)
	}
	r = e.MustPodlite("volume", "ls", "--format", "json", "--filter", "name=beta")
	var vols []volumeJSON
	if err := json.Unmarshal([]byte(r.Stdout), &vols); err != nil {
		t.Fatalf("volume ls --format json: %v\n%s", err, r.Stdout)
	}
	if len(vols) != 1 || vols[0].Name != "beta" || vols[0].Labels["app"] != "db" || vols[0].Driver != "local" {
		t.Errorf("volume ls --format json = %+v", vols)
	}
	if r := e.MustPodlite("volume", "ls", "--format", "json", "--filter", "name=none"); strings.TrimSpace(r.Stdout) != "[]" {
		t.Errorf("volume ls --format json with no match printed %q, want []", r.Stdout)
	}
}

func TestVolumeInspectSeveral(t *testing.T) {
	e := NewEnv(t)
	e.MustPodlite("volume", "create", "a")
	e.MustPodlite("volume", "create", "b")
	if vols := inspectVolumes(e, "b", "a"); len(vols) != 2 || vols[0].Name != "b" || vols[1].Name != "a" {
		t.Errorf("volume inspect b a = %+v", vols)
	}
	if vols := inspectVolumes(e, "--all"); len(vols) != 2 || vols[0].Name != "a" || vols[1].Name != "b" {
		t.Errorf("volume inspect --all = %+v", vols)
	}
	// Found volumes are printed; the missing one fails the command.
	r := e.Podlite("volume", "inspect", "a", "missing")
	expectOneLineError(t, r)
	var vols []volumeJSON
	if err := json.Unmarshal([]byte(r.Stdout), &vols); err != nil || len(vols) != 1 || vols[0].Name != "a" {
		t.Errorf("volume inspect a missing printed %q (%v), want volume a", r.Stdout, err)
	}
	if !strings.Contains(r.Stderr, "missing") {
		t.Errorf("the error does not name the missing volume: %s", r.Stderr)
	}
	expectOneLineError(t, e.Podlite("volume", "inspect", "--all", "a"))
	expectOneLineError(t, e.Podlite("volume", "inspect"))
}

func TestVolumeRmSeveral(t *testing.T) {
	e := NewEnv(t)
	for _, n := range []string{"a", "b", "c"} {
		e.MustPodlite("volume", "create", n)
	}
	// rm keeps going past failures, reports each once, and exits 125.
	r := e.Podlite("volume", "rm", "a", "missing1", "b", "missing2")
	if r.ExitCode != 125 {
		t.Fatalf("volume rm with missing names: exit code %d, want 125\n%s", r.ExitCode, r.Stderr)
	}
	if got := volumeOutputLines(r.Stdout); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("volume rm printed %v, want [a b]", got)
	}
	errs := volumeOutputLines(r.Stderr)
	if len(errs) != 2 || !strings.Contains(errs[0], "missing1") || !strings.Contains(errs[1], "missing2") {
		t.Errorf("volume rm stderr, want one Error: line per missing volume:\n%s", r.Stderr)
	}
	if got := volumeOutputLines(e.MustPodlite("volume", "ls", "-q").Stdout); !slices.Equal(got, []string{"c"}) {
		t.Errorf("volumes left: %v, want [c]", got)
	}
	expectOneLineError(t, e.Podlite("volume", "rm", "--all", "c"))
	expectOneLineError(t, e.Podlite("volume", "rm"))
	e.MustPodlite("volume", "create", "d")
	r = e.MustPodlite("volume", "rm", "--all")
	if got := volumeOutputLines(r.Stdout); !slices.Equal(got, []string{"c", "d"}) {
		t.Errorf("volume rm --all printed %v, want [c d]", got)
	}
}

func TestVolumeExists(t *testing.T) {
	e := NewEnv(t)
	e.MustPodlite("volume", "create", "data")
	e.MustPodlite("volume", "exists", "data")
	r := e.Podlite("volume", "exists", "missing")
	if r.ExitCode != 1 || r.Stdout != "" || r.Stderr != "" {
		t.Errorf("volume exists missing: exit %d, stdout %q, stderr %q; want 1 and no output", r.ExitCode, r.Stdout, r.Stderr)
	}
	expectOneLineError(t, e.Podlite("volume", "exists"))
}

func TestVolumePrune(t *testing.T) {
	e := NewEnv(t)
	image := e.LoadBusybox()
	for _, n := range []string{"unused", "used"} {
		e.MustPodlite("volume", "create", n)
	}
	e.MustPodlite("volume", "create", "-l", "keep=yes", "kept")
	e.MustPodlite("create", "--name", "user", "-v", "used:/data", image)

	// Without an answer on stdin, prune needs --force.
	expectOneLineError(t, e.Podlite("volume", "prune"))
	if got := volumeOutputLines(e.MustPodlite("volume", "ls", "-q").Stdout); len(got) != 3 {
		t.Fatalf("prune without --force removed volumes: %v left", got)
	}

	r := e.MustPodlite("volume", "prune", "-f", "--filter", "label!=keep")
	if got := volumeOutputLines(r.Stdout); !slices.Equal(got, []string{"unused"}) {
		t.Errorf("volume prune --filter label!=keep printed %v, want [unused]", got)
	}
	r = e.MustPodlite("volume", "prune", "--force")
	if got := volumeOutputLines(r.Stdout); !slices.Equal(got, []string{"kept"}) {
		t.Errorf("volume prune printed %v, want [kept]", got)
	}
	if got := volumeOutputLines(e.MustPodlite("volume", "ls", "-q").Stdout); !slices.Equal(got, []string{"used"}) {
		t.Errorf("after prune: %v, want [used]", got)
	}
	if got := volumeOutputLines(e.MustPodlite("volume", "ls", "-q", "--filter", "dangling=false").Stdout); !slices.Equal(got, []string{"used"}) {
		t.Errorf("volume ls --filter dangling=false = %v, want [used]", got)
	}
}

func TestVolumeInUse(t *testing.T) {
	e := NewEnv(t)
	image := e.LoadBusybox()
	// -v NAME:/path creates the volume when it does not exist.
	e.MustPodlite("create", "--name", "user", "-v", "auto:/data", image)
	if vols := inspectVolumes(e, "auto"); len(vols) != 1 || vols[0].Driver != "local" {
		t.Fatalf("volume made by create -v: %+v", vols)
	}

	r := e.Podlite("volume", "rm", "auto")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "user") {
		t.Errorf("the refusal does not name the container: %s", r.Stderr)
	}
	e.MustPodlite("volume", "exists", "auto")
	e.MustPodlite("container", "exists", "user")

	// --force removes the container, then the volume.
	e.MustPodlite("volume", "rm", "-f", "auto")
	if r := e.Podlite("volume", "exists", "auto"); r.ExitCode != 1 {
		t.Errorf("volume exists after rm -f: exit %d", r.ExitCode)
	}
	if r := e.Podlite("container", "exists", "user"); r.ExitCode != 1 {
		t.Errorf("container exists after volume rm -f: exit %d", r.ExitCode)
	}
}

func TestVolumeDataSharedBetweenContainers(t *testing.T) {
	e := NewEnv(t)
	image := e.LoadBusybox()
	e.MustPodlite("volume", "create", "shared")
	e.MustPodlite("run", "--rm", "-v", "shared:/data", image, "sh", "-c", "echo hello > /data/greeting")
	mount := inspectVolumes(e, "shared")[0].Mountpoint
	if b, err := os.ReadFile(filepath.Join(mount, "greeting")); err != nil || string(b) != "hello\n" {
		t.Errorf("file written by the container, on the host: %q, %v", b, err)
	}
	r := e.MustPodlite("run", "--rm", "-v", "shared:/data:ro", image, "cat", "/data/greeting")
	if r.Stdout != "hello\n" {
		t.Errorf("second container read %q, want hello", r.Stdout)
	}
	// Once the containers are gone the volume is unused again.
	e.MustPodlite("volume", "rm", "shared")
}
