package spec

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestParseIDMaps(t *testing.T) {
	dir := t.TempDir()
	old := subIDFiles
	t.Cleanup(func() { subIDFiles = old })
	subIDFiles = map[string]string{"uid": filepath.Join(dir, "subuid"), "gid": filepath.Join(dir, "subgid")}
	if err := os.WriteFile(subIDFiles["uid"], []byte("other:1:2\nsvc:100000:65536\nsvc:300000:10\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(subIDFiles["gid"], []byte("svc:200000:1000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := func(c, h, n uint32) specs.LinuxIDMapping {
		return specs.LinuxIDMapping{ContainerID: c, HostID: h, Size: n}
	}
	for _, tc := range []struct {
		name       string
		f          ShapeFlags
		uids, gids []specs.LinuxIDMapping
		err        string
	}{
		{"uidmap serves for both", ShapeFlags{UIDMap: []string{"0:1000:10", "10:5000:5"}}, []specs.LinuxIDMapping{m(0, 1000, 10), m(10, 5000, 5)}, []specs.LinuxIDMapping{m(0, 1000, 10), m(10, 5000, 5)}, ""},
		{"gidmap alone", ShapeFlags{GIDMap: []string{"0:7:1"}}, []specs.LinuxIDMapping{m(0, 7, 1)}, []specs.LinuxIDMapping{m(0, 7, 1)}, ""},
		{"subuidname, subgid from the same name", ShapeFlags{SubUIDName: "svc"}, []specs.LinuxIDMapping{m(0, 100000, 65536), m(65536, 300000, 10)}, []specs.LinuxIDMapping{m(0, 200000, 1000)}, ""},
		{"unknown name", ShapeFlags{SubUIDName: "nobody"}, nil, nil, "no range for nobody"},
		{"zero size", ShapeFlags{UIDMap: []string{"0:1:0"}}, nil, nil, "the size must be positive"},
		{"with --userns", ShapeFlags{UserNS: "host", UIDMap: []string{"0:1:1"}}, nil, nil, "--userns cannot be used"},
		{"both kinds", ShapeFlags{SubUIDName: "svc", UIDMap: []string{"0:1:1"}}, nil, nil, "cannot be used with --uidmap"},
	} {
		uids, gids, err := parseIDMaps(&tc.f)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || !slices.Equal(uids, tc.uids) || !slices.Equal(gids, tc.gids) {
			t.Errorf("%s: %v %v %v, want %v %v", tc.name, uids, gids, err, tc.uids, tc.gids)
		}
	}
}

func TestParseCgroupRuleAndDevice(t *testing.T) {
	r, err := parseCgroupRule("b 7:* rw")
	if err != nil || r.Type != "b" || *r.Major != 7 || r.Minor != nil || r.Access != "rw" || !r.Allow {
		t.Fatalf("rule: %+v %v", r, err)
	}
	for _, tc := range []struct{ in, src, dst, perms string }{
		{"/dev/fuse", "/dev/fuse", "/dev/fuse", "rwm"},
		{"/dev/fuse:r", "/dev/fuse", "/dev/fuse", "r"},
		{"/dev/fuse:/dev/f", "/dev/fuse", "/dev/f", "rwm"},
		{"/dev/fuse:/dev/f:mw", "/dev/fuse", "/dev/f", "mw"},
	} {
		src, dst, perms, err := splitDevice(tc.in)
		if err != nil || src != tc.src || dst != tc.dst || perms != tc.perms {
			t.Errorf("%s: %s %s %s %v", tc.in, src, dst, perms, err)
		}
	}
}

func TestDefaultCgroupNamespace(t *testing.T) {
	old := cgroupsV2Probe
	t.Cleanup(func() { cgroupsV2Probe = old })
	for _, tc := range []struct {
		v2   bool
		flag string
		want string
	}{{false, "", ""}, {true, "", NSPrivate}, {true, "host", NSHost}, {false, "private", NSPrivate}} {
		cgroupsV2Probe = filepath.Join(t.TempDir(), "cgroup.controllers")
		if tc.v2 {
			if err := os.WriteFile(cgroupsV2Probe, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		nss, err := parseNamespaces(&ShapeFlags{CgroupNS: tc.flag})
		if got := nsMode(nss, specs.CgroupNamespace); err != nil || got != tc.want {
			t.Errorf("v2=%v --cgroupns=%q: %q %v, want %q", tc.v2, tc.flag, got, err, tc.want)
		}
	}
}

// TestZeroResourceFlagsSetNothing guards the zero value: containers podlite
// creates itself (a pod's infra) pass no flags and must get no limits, or
// an ordinary user on cgroup v1 is warned of limits nobody asked for.
func TestZeroResourceFlagsSetNothing(t *testing.T) {
	r := &specs.LinuxResources{}
	if err := parseResources(&ResourceFlags{}, 0, r); err != nil {
		t.Fatal(err)
	}
	if r.Memory != nil || r.CPU != nil || r.BlockIO != nil || r.Pids != nil {
		t.Fatalf("no flags gave resources: memory %+v cpu %+v blkio %+v pids %+v", r.Memory, r.CPU, r.BlockIO, r.Pids)
	}
	zero := int64(0)
	if err := parseResources(&ResourceFlags{MemorySwappiness: &zero}, 0, r); err != nil {
		t.Fatal(err)
	}
	if r.Memory == nil || r.Memory.Swappiness == nil || *r.Memory.Swappiness != 0 {
		t.Fatalf("--memory-swappiness 0 was not set: %+v", r.Memory)
	}
}
