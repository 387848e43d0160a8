package criu

import (
	"errors"
	"os"
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

// Output captured from criu 4.2.1 on a kernel without soft-dirty tracking.
const (
	outSupported  = "uffd-noncoop is supported\n"
	outDirtyOff   = "Warn  (criu/cr-check.c:824): Dirty tracking is OFF. Memory snapshot will not work.\n"
	outUnknown    = "Error (criu/cr-check.c:1901): Unknown feature lazy_pages\n"
	outPrivileges = "CRIU needs to have the CAP_SYS_ADMIN or the CAP_CHECKPOINT_RESTORE capability: \n" +
		"setcap cap_checkpoint_restore+eip /usr/local/sbin/criu\n"
	outUnprivileged = "Running as non-root requires '--unprivileged'\n"
)

func TestParseFeatureCheck(t *testing.T) {
	for _, tc := range []struct {
		name    string
		out     string
		zero    bool
		want    bool
		wantErr error
	}{
		{"supported", outSupported, true, true, nil},
		{"kernel lacks it", outDirtyOff, false, false, nil},
		{"older criu", outUnknown, false, false, nil},
		{"no capability", outPrivileges, false, false, define.ErrNotSupported},
		{"non-root", outUnprivileged, false, false, define.ErrNotSupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseFeatureCheck([]byte(tc.out), tc.zero)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Fatalf("supported = %v, want %v", got, tc.want)
			}
		})
	}
}

// fakeFeatureCriu answers `criu check --feature NAME` like criu 4.2.1 on
// this project's CI kernel: no soft-dirty tracking, everything else there.
const fakeFeatureCriu = `[ "$1 $2" = "check --feature" ] || exit 2
case "$3" in
mem_dirty_track) printf '` + outDirtyOff + `' >&2; exit 1 ;;
lazy_pages) printf '` + outUnknown + `' >&2; exit 1 ;;
*) echo "$3 is supported" ;;
esac`

func TestFeaturesOf(t *testing.T) {
	path := fakeCriu(t, fakeFeatureCriu)
	got, err := featuresOf(path, append(KnownFeatures, "lazy_pages"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range KnownFeatures {
		if want := f != MemDirtyTrack; got[f] != want {
			t.Errorf("feature %s = %v, want %v", f, got[f], want)
		}
	}
	if got["lazy_pages"] {
		t.Error("a feature criu does not know reads as supported")
	}
}

func TestFeaturesOfWithoutPrivileges(t *testing.T) {
	path := fakeCriu(t, "printf '"+outPrivileges+"'; exit 1")
	if _, err := featuresOf(path, KnownFeatures); !errors.Is(err, define.ErrNotSupported) {
		t.Fatalf("featuresOf = %v, want ErrNotSupported", err)
	}
}

func TestFeaturesOfMissingCriu(t *testing.T) {
	if _, err := featuresOf("podlite-test-no-such-criu", KnownFeatures); !errors.Is(err, define.ErrNotSupported) {
		t.Fatalf("featuresOf = %v, want ErrNotSupported", err)
	}
}

func TestCheckOf(t *testing.T) {
	for _, tc := range []struct {
		name    string
		script  string
		wantErr error
	}{
		{"looks good", "echo 'Looks good.'", nil},
		{"does not", "echo 'Error (criu/cr-check.c:100): no map_files'; echo 'Does not look good.'; exit 1", define.ErrNotSupported},
		{"no capability", "printf '" + outPrivileges + "'; exit 1", define.ErrNotSupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := checkOf(fakeCriu(t, tc.script)); !errors.Is(err, tc.wantErr) {
				t.Fatalf("checkOf = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestFeatureList(t *testing.T) {
	info := Info{Features: map[Feature]bool{TimeNamespace: true, MemDirtyTrack: false, LazyPages: true}}
	got := info.FeatureList()
	if len(got) != 2 || got[0] != TimeNamespace || got[1] != LazyPages {
		t.Fatalf("FeatureList = %v, want [timens uffd-noncoop]", got)
	}
}

// TestProbe runs the real criu, which needs root to look at the kernel.
func TestProbe(t *testing.T) {
	requiresRoot(t)
	info, err := Probe()
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	if !info.Usable || info.VersionInt < MinVersion || info.Version != FormatVersion(info.VersionInt) {
		t.Fatalf("Probe = %+v", info)
	}
	if len(info.Features) != len(KnownFeatures) {
		t.Fatalf("Probe reported %d features, want %d", len(info.Features), len(KnownFeatures))
	}
	preDump, err := SupportsPreDump()
	if err != nil || preDump != info.Features[MemDirtyTrack] {
		t.Fatalf("SupportsPreDump = %v, %v; Features says %v", preDump, err, info.Features[MemDirtyTrack])
	}
	t.Logf("criu %s, usable features %v, pre-dump %v", info.Version, info.FeatureList(), preDump)
}

// requiresRoot skips t unless root tests were asked for (make test-root):
// make test runs without root.
func requiresRoot(t *testing.T) {
	t.Helper()
	if os.Getenv("PODLITE_TEST_ROOT") == "" || os.Geteuid() != 0 {
		t.Skip("needs root and PODLITE_TEST_ROOT=1 (make test-root)")
	}
}
