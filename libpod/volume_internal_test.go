package libpod

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/spec"
	"github.com/podlite/podlite/libpod/state"
	"github.com/podlite/podlite/libpod/state/statetest"
)

func TestCreateVolume(t *testing.T) {
	uid := strconv.Itoa(os.Getuid())
	tests := []struct {
		name    string
		volume  string
		labels  map[string]string
		options map[string]string
		want    error
	}{
		{"plain", "data", nil, nil, nil},
		{"labels", "labelled", map[string]string{"app": "web"}, nil, nil},
		{"punctuation after the first character", "a_b.c-d", nil, nil, nil},
		{"own uid", "owned", nil, map[string]string{"UID": uid, "gid": strconv.Itoa(os.Getgid())}, nil},
		{"copy options", "nocopy", nil, map[string]string{"nocopy": ""}, nil},
		{"slash", "a/b", nil, nil, define.ErrInvalidArg},
		{"dot dot", "..", nil, nil, define.ErrInvalidArg},
		{"leading dash", "-a", nil, nil, define.ErrInvalidArg},
		{"space", "a b", nil, nil, define.ErrInvalidArg},
		{"unknown option", "opt", nil, map[string]string{"color": "red"}, define.ErrInvalidArg},
		{"device option", "dev", nil, map[string]string{"device": "/dev/sda1"}, define.ErrNotSupported},
		{"non-numeric uid", "baduid", nil, map[string]string{"uid": "root"}, define.ErrInvalidArg},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newTestRuntime(t)
			v, err := r.CreateVolume(tc.volume, tc.labels, tc.options)
			if !errors.Is(err, tc.want) {
				t.Fatalf("CreateVolume(%q) = %v, want %v", tc.volume, err, tc.want)
			}
			if tc.want != nil {
				checkNoVolumes(t, r)
				return
			}
			checkVolumeOnDisk(t, r, v)
			if v.Name != tc.volume || v.Driver != "local" || !maps.Equal(v.Labels, tc.labels) || !maps.Equal(v.Options, tc.options) {
				t.Errorf("CreateVolume(%q) = %+v", tc.volume, v)
			}
			got, err := r.Volume(tc.volume)
			if err != nil {
				t.Fatal(err)
			}
			if got.Mountpoint != v.Mountpoint || !got.CreatedAt.Equal(v.CreatedAt) {
				t.Errorf("Volume(%q) = %+v, want %+v", tc.volume, got, v)
			}
		})
	}
}

func TestCreateVolumeRandomName(t *testing.T) {
	r := newTestRuntime(t)
	a, err := r.CreateVolume("", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.CreateVolume("", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	hex64 := regexp.MustCompile(`^[0-9a-f]{64}$`)
	if !hex64.MatchString(a.Name) || !hex64.MatchString(b.Name) || a.Name == b.Name {
		t.Errorf("random names %q and %q: want two different 64-hex-digit names", a.Name, b.Name)
	}
	checkVolumeOnDisk(t, r, a)
}

func TestCreateVolumeExists(t *testing.T) {
	r := newTestRuntime(t)
	v, err := r.CreateVolume("data", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(v.Mountpoint, "keep")
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := r.CreateVolume("data", nil, nil); !errors.Is(err, define.ErrExists) {
		t.Fatalf("second CreateVolume = %v, want ErrExists", err)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("the failed create touched the existing volume's data: %v", err)
	}
}

// failingStore fails AddVolume after the runtime made the directories.
type failingStore struct {
	state.Store
}

var errInjected = fmt.Errorf("injected store failure: %w", define.ErrUnavailable)

func (failingStore) AddVolume(*define.Volume) error { return errInjected }

func TestCreateVolumeRollsBack(t *testing.T) {
	r := newTestRuntime(t)
	r.store = failingStore{r.store}
	if _, err := r.CreateVolume("data", nil, nil); !errors.Is(err, errInjected) {
		t.Fatalf("CreateVolume = %v, want the store's error", err)
	}
	checkNoVolumes(t, r)
}

func TestCreateVolumeAdoptsLeftoverDirectory(t *testing.T) {
	r := newTestRuntime(t)
	leftover := filepath.Join(r.cfg.Volumes(), "data", "_data")
	if err := os.MkdirAll(leftover, 0o755); err != nil {
		t.Fatal(err)
	}
	store := r.store
	r.store = failingStore{store}
	if _, err := r.CreateVolume("data", nil, nil); err == nil {
		t.Fatal("CreateVolume succeeded over a failing store")
	}
	if _, err := os.Stat(leftover); err != nil {
		t.Fatalf("a failed create removed a directory it did not make: %v", err)
	}
	r.store = store
	v, err := r.CreateVolume("data", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkVolumeOnDisk(t, r, v)
}

func TestCreateVolumeConcurrent(t *testing.T) {
	r := newTestRuntime(t)
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, errs[i] = r.CreateVolume("shared", nil, nil) })
	}
	wg.Wait()
	var ok, exists int
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, define.ErrExists):
			exists++
		default:
			t.Errorf("concurrent CreateVolume: %v", err)
		}
	}
	if ok != 1 || exists != n-1 {
		t.Fatalf("concurrent CreateVolume: %d succeeded, %d got ErrExists; want 1 and %d", ok, exists, n-1)
	}
	v, err := r.Volume("shared")
	if err != nil {
		t.Fatal(err)
	}
	checkVolumeOnDisk(t, r, v)
}

func TestResolveVolumes(t *testing.T) {
	r := newTestRuntime(t)
	existing := mustCreateVolume(t, r, "data")
	mounts := []spec.Mount{
		{Mount: specs.Mount{Destination: "/data"}, VolumeName: "data"},
		{Mount: specs.Mount{Destination: "/new"}, VolumeName: "fresh"},
	}
	cv, got, err := r.resolveVolumes(mounts, []string{"/data", "/var/cache"})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Source != existing.Mountpoint {
		t.Errorf("existing volume mounted from %q, want %q", got[0].Source, existing.Mountpoint)
	}
	if len(cv.anonymous) != 1 || len(got) != 3 || got[2].Destination != "/var/cache" {
		t.Fatalf("image VOLUME /data is covered by a user mount and /var/cache is not: anonymous %v, mounts %+v", cv.anonymous, got)
	}
	cv.release(false)
	for _, name := range []string{"fresh", cv.anonymous[0]} {
		v, err := r.Volume(name)
		if err != nil {
			t.Fatalf("volume %s after a successful create: %v", name, err)
		}
		checkVolumeOnDisk(t, r, v)
	}

	// A failed create takes back the volumes it made, and only those.
	cv, _, err = r.resolveVolumes([]spec.Mount{{Mount: specs.Mount{Destination: "/x"}, VolumeName: "temp"}, {Mount: specs.Mount{Destination: "/d"}, VolumeName: "data"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cv.release(true)
	if _, err := r.Volume("temp"); !errors.Is(err, define.ErrNotFound) {
		t.Errorf("volume made by a failed create: %v, want ErrNotFound", err)
	}
	if _, err := r.Volume("data"); err != nil {
		t.Errorf("pre-existing volume lost by a failed create: %v", err)
	}
	if _, _, err := r.resolveVolumes([]spec.Mount{{Mount: specs.Mount{Destination: "/x"}, VolumeName: "no/such"}}, nil); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("bad volume name: %v, want ErrInvalidArg", err)
	}
}

func TestRemoveVolume(t *testing.T) {
	r := newTestRuntime(t)
	v := mustCreateVolume(t, r, "data")
	if err := os.WriteFile(filepath.Join(v.Mountpoint, "file"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.RemoveVolume("data", false, nil); err != nil {
		t.Fatal(err)
	}
	checkNoVolumes(t, r)
	if err := r.RemoveVolume("data", false, nil); !errors.Is(err, define.ErrNotFound) {
		t.Errorf("removing a removed volume = %v, want ErrNotFound", err)
	}
	// The name is free again.
	checkVolumeOnDisk(t, r, mustCreateVolume(t, r, "data"))
}

func TestRemoveVolumeInUse(t *testing.T) {
	r := newTestRuntime(t)
	v := mustCreateVolume(t, r, "data")
	mustCreateVolume(t, r, "other")
	id := addContainerUsing(t, r, "web", "data", "other")
	addContainerUsing(t, r, "db", "other")

	users, err := r.VolumeInUse("data")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(users, []string{id}) {
		t.Errorf("VolumeInUse(data) = %v, want [%s]", users, id)
	}
	if _, err := r.VolumeInUse("missing"); !errors.Is(err, define.ErrNotFound) {
		t.Errorf("VolumeInUse(missing) = %v, want ErrNotFound", err)
	}
	if err := r.RemoveVolume("data", false, nil); !errors.Is(err, define.ErrInvalidState) {
		t.Fatalf("removing a volume in use = %v, want ErrInvalidState", err)
	}
	checkVolumeOnDisk(t, r, v)
	if _, err := r.Volume("data"); err != nil {
		t.Errorf("refused removal dropped the record: %v", err)
	}
}

func TestRemoveVolumeForce(t *testing.T) {
	r := newTestRuntime(t)
	mustCreateVolume(t, r, "data")
	mustCreateVolume(t, r, "other")
	web := addContainerUsing(t, r, "web", "data", "other")
	db := addContainerUsing(t, r, "db", "other")

	if err := r.RemoveVolume("data", true, nil); err != nil {
		t.Fatalf("forced removal of a volume in use: %v", err)
	}
	if _, err := r.Volume("data"); !errors.Is(err, define.ErrNotFound) {
		t.Errorf("volume after forced removal: %v, want ErrNotFound", err)
	}
	if _, err := r.store.Container(web); !errors.Is(err, define.ErrNotFound) {
		t.Errorf("container using the volume: %v, want ErrNotFound", err)
	}
	// Only the users of the removed volume go, and they keep their other volumes.
	if _, err := r.store.Container(db); err != nil {
		t.Errorf("container not using the volume: %v", err)
	}
	if users, err := r.VolumeInUse("other"); err != nil || !slices.Equal(users, []string{db}) {
		t.Errorf("VolumeInUse(other) = %v, %v; want [%s]", users, err, db)
	}
}

func TestPruneVolumes(t *testing.T) {
	r := newTestRuntime(t)
	mustCreateVolume(t, r, "used")
	mustCreateVolume(t, r, "unused")
	if _, err := r.CreateVolume("kept", map[string]string{"keep": "yes"}, nil); err != nil {
		t.Fatal(err)
	}
	addContainerUsing(t, r, "web", "used")

	pruned, err := r.PruneVolumes("label!=keep")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(pruned, []string{"unused"}) {
		t.Errorf("PruneVolumes(label!=keep) = %v, want [unused]", pruned)
	}
	pruned, err = r.PruneVolumes()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(pruned, []string{"kept"}) {
		t.Errorf("PruneVolumes() = %v, want [kept]", pruned)
	}
	left, err := r.Volumes()
	if err != nil {
		t.Fatal(err)
	}
	if names := volumeNames(left); !slices.Equal(names, []string{"used"}) {
		t.Errorf("after prune: %v, want [used]", names)
	}
	if _, err := r.PruneVolumes("colour=red"); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("PruneVolumes(bad filter) = %v, want ErrInvalidArg", err)
	}
}

func TestVolumesFilter(t *testing.T) {
	r := newTestRuntime(t)
	for _, v := range []struct {
		name   string
		labels map[string]string
	}{
		{"alpha", map[string]string{"app": "web", "tier": "front"}},
		{"beta", map[string]string{"app": "db"}},
		{"gamma", nil},
	} {
		if _, err := r.CreateVolume(v.name, v.labels, nil); err != nil {
			t.Fatal(err)
		}
	}
	addContainerUsing(t, r, "web", "alpha")
	tests := []struct {
		filters []string
		want    []string
		err     error
	}{
		{nil, []string{"alpha", "beta", "gamma"}, nil},
		{[]string{"name=alpha"}, []string{"alpha"}, nil},
		{[]string{"name=^a", "name=^b"}, []string{"alpha", "beta"}, nil},
		{[]string{"name=a$"}, []string{"alpha", "beta", "gamma"}, nil},
		{[]string{"label=app"}, []string{"alpha", "beta"}, nil},
		{[]string{"label=app=db"}, []string{"beta"}, nil},
		{[]string{"label=app", "label=tier=front"}, []string{"alpha"}, nil},
		{[]string{"label!=app"}, []string{"gamma"}, nil},
		{[]string{"label=app", "name=^g"}, []string{}, nil},
		{[]string{"dangling=true"}, []string{"beta", "gamma"}, nil},
		{[]string{"dangling=false"}, []string{"alpha"}, nil},
		{[]string{"driver=local", "scope=local"}, []string{"alpha", "beta", "gamma"}, nil},
		{[]string{"driver=nfs"}, []string{}, nil},
		{[]string{"until=1h"}, []string{}, nil},
		{[]string{"until=" + time.Now().Add(time.Hour).Format(time.RFC3339)}, []string{"alpha", "beta", "gamma"}, nil},
		{[]string{"name=("}, nil, define.ErrInvalidArg},
		{[]string{"dangling=maybe"}, nil, define.ErrInvalidArg},
		{[]string{"until=soon"}, nil, define.ErrInvalidArg},
		{[]string{"colour=red"}, nil, define.ErrInvalidArg},
		{[]string{"name"}, nil, define.ErrInvalidArg},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.filters), func(t *testing.T) {
			vols, err := r.Volumes(tc.filters...)
			if !errors.Is(err, tc.err) {
				t.Fatalf("Volumes(%q) = %v, want %v", tc.filters, err, tc.err)
			}
			if err == nil && !slices.Equal(volumeNames(vols), tc.want) {
				t.Errorf("Volumes(%q) = %v, want %v", tc.filters, volumeNames(vols), tc.want)
			}
		})
	}
}

func mustCreateVolume(t *testing.T, r *Runtime, name string) *define.Volume {
	t.Helper()
	v, err := r.CreateVolume(name, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// addContainerUsing stores a container record that uses the volumes and
// returns its ID.
func addContainerUsing(t *testing.T, r *Runtime, name string, volumes ...string) string {
	t.Helper()
	id := statetest.ID(name)
	cfg := statetest.NewConfig(id, name, time.Now())
	cfg.Volumes = volumes
	cfg.StorageID = "" // no rootfs: removal need not open containers/storage
	if err := r.store.AddContainer(cfg, statetest.NewState()); err != nil {
		t.Fatal(err)
	}
	return id
}

// checkVolumeOnDisk checks the layout podman users expect:
// VOLUMES/NAME/_data, mode 0755, as the volume's mountpoint.
func checkVolumeOnDisk(t *testing.T, r *Runtime, v *define.Volume) {
	t.Helper()
	want := filepath.Join(r.cfg.Volumes(), v.Name, "_data")
	if v.Mountpoint != want {
		t.Errorf("volume %s: mountpoint %q, want %q", v.Name, v.Mountpoint, want)
	}
	fi, err := os.Stat(v.Mountpoint)
	if err != nil {
		t.Fatalf("volume %s: %v", v.Name, err)
	}
	if !fi.IsDir() || fi.Mode().Perm() != 0o755 {
		t.Errorf("volume %s: data directory mode %v, want a 0755 directory", v.Name, fi.Mode())
	}
}

// checkNoVolumes checks that neither a record nor a directory is left.
func checkNoVolumes(t *testing.T, r *Runtime) {
	t.Helper()
	vols, err := r.store.AllVolumes()
	if err != nil {
		t.Fatal(err)
	}
	if len(vols) != 0 {
		t.Errorf("volume records left: %v", volumeNames(vols))
	}
	entries, err := os.ReadDir(r.cfg.Volumes())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("volume directory left: %s", e.Name())
	}
}

func volumeNames(vols []*define.Volume) []string {
	names := []string{}
	for _, v := range vols {
		names = append(names, v.Name)
	}
	return names
}
