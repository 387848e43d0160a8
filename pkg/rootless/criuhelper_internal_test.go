package rootless

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// vfsCaps encodes a struct vfs_cap_data of revision 2 with caps permitted.
func vfsCaps(effective bool, caps ...int) []byte {
	var set uint64
	for _, c := range caps {
		set |= 1 << c
	}
	magic := uint32(0x02000000)
	if effective {
		magic |= 1
	}
	b := make([]byte, 20)
	binary.LittleEndian.PutUint32(b[0:], magic)
	binary.LittleEndian.PutUint32(b[4:], uint32(set))
	binary.LittleEndian.PutUint32(b[12:], uint32(set>>32))
	return b
}

func TestParseFileCaps(t *testing.T) {
	caps, err := parseFileCaps(vfsCaps(true, dumpCaps...))
	if err != nil || !hasAll(caps, dumpCaps) {
		t.Errorf("the helper's caps: %#x, %v", caps, err)
	}
	caps, err = parseFileCaps(vfsCaps(true, capCheckpointRestore, capSetgid))
	if err != nil || missingCaps(caps, dumpCaps) != "cap_sys_admin,cap_sys_chroot" {
		t.Errorf("two caps: %#x, %v, missing %q", caps, err, missingCaps(caps, dumpCaps))
	}
	if _, err := parseFileCaps(vfsCaps(false, dumpCaps...)); err == nil || !strings.Contains(err.Error(), "not effective") {
		t.Errorf("caps without +e: %v", err)
	}
	if _, err := parseFileCaps([]byte{1, 2, 3}); err == nil {
		t.Error("a short xattr is accepted")
	}
}

// The checks that need no root: a missing helper is named, and a helper
// without capabilities (as an ordinary file) is not one.
func TestCheckCRIUHelperMissing(t *testing.T) {
	p := CheckCRIUHelper(filepath.Join(t.TempDir(), "criu-rootless"), os.Getuid())
	if p.Dump || !strings.HasPrefix(p.Missing, "helper not installed: no ") {
		t.Errorf("missing helper: %+v", p)
	}
	if got := p.String(); !strings.Contains(got, "helper not installed") {
		t.Errorf("String() = %q", got)
	}
	if got := (CRIUPaths{Dump: true, Restore: true}).String(); got != "dump,restore" {
		t.Errorf("String() = %q", got)
	}
	if got := (CRIUPaths{Restore: true, Missing: "x"}).String(); got != "restore (dump: x)" {
		t.Errorf("String() = %q", got)
	}
	if got := (CRIUPaths{Missing: "criu not installed"}).String(); got != "none: criu not installed" {
		t.Errorf("String() = %q", got)
	}
}
