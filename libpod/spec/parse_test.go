package spec_test

import (
	"errors"
	"runtime"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/spec"
)

func TestParseUlimit(t *testing.T) {
	for _, tc := range []struct {
		in         string
		typ        string
		soft, hard uint64
		bad        bool
	}{
		{in: "nofile=1024:2048", typ: "RLIMIT_NOFILE", soft: 1024, hard: 2048},
		{in: "nproc=100", typ: "RLIMIT_NPROC", soft: 100, hard: 100},
		{in: "nofile=10:5", bad: true},
		{in: "nofile", bad: true},
		{in: "bogus=1", bad: true},
		{in: "nofile=lots", bad: true},
	} {
		rl, err := spec.ParseUlimit(tc.in)
		if tc.bad {
			if !errors.Is(err, define.ErrInvalidArg) {
				t.Errorf("%q: err = %v, want ErrInvalidArg", tc.in, err)
			}
			continue
		}
		if err != nil || rl.Type != tc.typ || rl.Soft != tc.soft || rl.Hard != tc.hard {
			t.Errorf("%q = %+v, %v", tc.in, rl, err)
		}
	}
}

func TestParseVolume(t *testing.T) {
	for _, tc := range []struct {
		in     string
		source string
		volume string
		ro     bool
		bad    bool
	}{
		{in: "/srv:/data", source: "/srv"},
		{in: "/srv:/data:ro,Z", source: "/srv", ro: true},
		{in: "cache:/data", volume: "cache"},
		{in: "rel/path:/data", bad: true},
		{in: "/srv:data", bad: true},
		{in: "/srv", bad: true},
		{in: "/srv:/data:bogus", bad: true},
	} {
		m, err := spec.ParseVolume(tc.in)
		if tc.bad {
			if !errors.Is(err, define.ErrInvalidArg) {
				t.Errorf("%q: err = %v, want ErrInvalidArg", tc.in, err)
			}
			continue
		}
		ro := false
		for _, o := range m.Options {
			ro = ro || o == "ro"
		}
		if err != nil || m.Source != tc.source || m.VolumeName != tc.volume || ro != tc.ro || m.Destination != "/data" {
			t.Errorf("%q = %+v, %v", tc.in, m, err)
		}
	}
}

func TestParseVolumeRelabel(t *testing.T) {
	for in, want := range map[string]string{"/a:/b": "", "/a:/b:z": "z", "/a:/b:ro,Z": "Z"} {
		m, err := spec.ParseVolume(in)
		if err != nil || m.Relabel != want {
			t.Errorf("%q: Relabel = %q, %v; want %q", in, m.Relabel, err, want)
		}
	}
}

func TestGenerateDefaults(t *testing.T) {
	s, err := spec.Generate(&spec.Options{Args: []string{"true"}, Hostname: "h", WorkDir: "/"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.Process.Capabilities.Bounding); n != 11 {
		t.Errorf("default capability set has %d capabilities, want podman's 11", n)
	}
	if s.Linux.Seccomp == nil || len(s.Linux.MaskedPaths) == 0 {
		t.Error("default spec lacks seccomp or masked paths")
	}
	p, err := spec.Generate(&spec.Options{Args: []string{"true"}, Privileged: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.Linux.Seccomp != nil || len(p.Linux.MaskedPaths) != 0 || len(p.Process.Capabilities.Bounding) <= 11 {
		t.Error("--privileged kept confinement")
	}
	if _, err := spec.Generate(&spec.Options{}); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("no command: err = %v, want ErrInvalidArg", err)
	}
}

func TestDefaultSeccompArchitectures(t *testing.T) {
	s, err := spec.Generate(&spec.Options{Args: []string{"true"}})
	if err != nil {
		t.Fatal(err)
	}
	arches := s.Linux.Seccomp.Architectures
	if runtime.GOARCH == "amd64" && (len(arches) < 2 || arches[0] != specs.ArchX86_64 || arches[1] != specs.ArchX86) {
		t.Fatalf("architectures = %v, want x86_64 and x86 first", arches)
	}
}
