package criu

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

// Output of criu 4.2.1's `cpuinfo check` on an image it cannot accept.
const (
	outCapsDiffer = "Error (criu/arch/x86/cpu.c:223): cpu: CPU instruction capabilities do not match run time\n"
	outBadImage   = "Error (criu/image.c:554): Head magic doesn't match for cpuinfo.img\n" +
		"Error (criu/arch/x86/cpu.c:411): cpu: No cpuinfo image\n"
)

func TestCPUInfoReason(t *testing.T) {
	for _, tc := range []struct{ out, want string }{
		{outCapsDiffer, "CPU instruction capabilities do not match run time"},
		{outBadImage, "Head magic doesn't match for cpuinfo.img"},
		{"something else\n", "something else"},
		{"", "no output"},
	} {
		if got := cpuinfoReason([]byte(tc.out)); got != tc.want {
			t.Errorf("cpuinfoReason(%q) = %q, want %q", tc.out, got, tc.want)
		}
	}
}

// fakeCPUInfoCriu dumps a fixed image and accepts only that image.
const fakeCPUInfoCriu = `[ "$1 $3" = "cpuinfo -D" ] || exit 2
case "$2" in
dump) echo good > "$4/cpuinfo.img" ;;
check) [ "$(cat "$4/cpuinfo.img")" = good ] || { printf '` + outCapsDiffer + `' >&2; exit 1; } ;;
*) exit 2 ;;
esac`

func TestCPUInfoDumpAndCheck(t *testing.T) {
	path := fakeCriu(t, fakeCPUInfoCriu)
	dir := filepath.Join(t.TempDir(), "images")
	if err := cpuinfoDumpOf(path, dir); err != nil {
		t.Fatalf("dump: %v", err)
	}
	if err := cpuinfoCheckOf(path, dir); err != nil {
		t.Fatalf("check of the image just dumped: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, CPUInfoImage), []byte("other\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := cpuinfoCheckOf(path, dir)
	if !errors.Is(err, define.ErrNotSupported) || !strings.Contains(err.Error(), "capabilities do not match") ||
		strings.Contains(err.Error(), "\n") {
		t.Fatalf("check of another CPU's image = %v, want one line with CRIU's reason", err)
	}
	if err := cpuinfoCheckOf(filepath.Join(t.TempDir(), "no-criu"), dir); !errors.Is(err, define.ErrNotSupported) {
		t.Fatalf("check without criu = %v, want ErrNotSupported", err)
	}
}
