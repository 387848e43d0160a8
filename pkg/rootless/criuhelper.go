package rootless

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/user"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// The rootless checkpoint/restore helper: a copy of criu that root
// installs once (contrib/setup-rootless-criu.sh) with file capabilities,
// mode 0750, group CRIUGroup, so that only that group's members run it.
const (
	CRIUHelper = "/usr/local/libexec/podlite/criu-rootless"
	CRIUGroup  = "podlite-criu"
)

// Capability numbers (linux/capability.h) the helper needs to dump a
// user's container in CRIU 4.2.1's --unprivileged mode (measured: without
// cap_sys_admin, "suspending seccomp failed"; without cap_sys_chroot,
// "Can't setns .../mnt"). A restore needs none (see criushim.go).
const (
	capSetgid            = 6
	capSysChroot         = 18
	capSysAdmin          = 21
	capCheckpointRestore = 40
)

var (
	dumpCaps = []int{capCheckpointRestore, capSetgid, capSysAdmin, capSysChroot}
	capNames = map[int]string{
		capSetgid: "cap_setgid", capSysChroot: "cap_sys_chroot",
		capSysAdmin: "cap_sys_admin", capCheckpointRestore: "cap_checkpoint_restore",
	}
)

// CRIUPaths says which rootless checkpoint/restore paths this host allows
// the user: "dump,restore", "restore" alone, or none, with Missing naming,
// in one line, the first piece that is missing. Only a dump needs the
// helper: a restore runs the ordinary criu inside the user's namespace
// (see criushim.go).
type CRIUPaths struct {
	Dump, Restore bool
	Missing       string
}

// String is the status `podlite info` reports as .Host.RootlessCheckpoint.
func (p CRIUPaths) String() string {
	switch {
	case p.Dump && p.Restore:
		return "dump,restore"
	case p.Restore:
		return "restore (dump: " + p.Missing + ")"
	}
	return "none: " + p.Missing
}

// CheckCRIUHelper finds what the user (host UID uid) lacks to checkpoint
// through the helper at path: the kernel's CAP_CHECKPOINT_RESTORE (Linux
// 5.9), criu, the helper itself, membership of CRIUGroup, the right to
// execute it, its file capabilities. It runs neither criu nor the helper
// (no CRIU log can result).
func CheckCRIUHelper(path string, uid int) CRIUPaths {
	if _, err := realCRIU(); err != nil {
		return CRIUPaths{Missing: "criu not installed"}
	}
	p := CRIUPaths{Restore: true, Missing: dumpMissing(path, uid)}
	p.Dump = p.Missing == ""
	return p
}

func dumpMissing(path string, uid int) string {
	if last, err := os.ReadFile("/proc/sys/kernel/cap_last_cap"); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(last))); err == nil && n < capCheckpointRestore {
			return "kernel: no CAP_CHECKPOINT_RESTORE (Linux 5.9 or newer is needed)"
		}
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Sprintf("helper not installed: no %s (root runs contrib/setup.sh --rootless-criu)", path)
	}
	if in, err := inGroup(uid, CRIUGroup); err != nil {
		return err.Error()
	} else if !in {
		return fmt.Sprintf("not in group %s (root runs: usermod -aG %s %s)", CRIUGroup, CRIUGroup, userName(uid))
	}
	if err := unix.Access(path, unix.X_OK); err != nil {
		return fmt.Sprintf("cannot execute %s: %v (log in again after joining group %s)", path, err, CRIUGroup)
	}
	caps, err := fileCaps(path)
	if err != nil {
		return fmt.Sprintf("capability missing: %s: %v", path, err)
	}
	if miss := missingCaps(caps, dumpCaps); miss != "" {
		return "capability missing: " + path + " lacks " + miss
	}
	return ""
}

func inGroup(uid int, group string) (bool, error) {
	g, err := user.LookupGroup(group)
	if err != nil {
		return false, fmt.Errorf("helper not installed: no group %s (root runs contrib/setup.sh --rootless-criu)", group)
	}
	u, err := user.LookupId(strconv.Itoa(uid))
	if err != nil {
		return false, fmt.Errorf("looking up user %d: %w", uid, err)
	}
	ids, err := u.GroupIds()
	if err != nil {
		return false, fmt.Errorf("listing the groups of %s: %w", u.Username, err)
	}
	return slices.Contains(ids, g.Gid), nil
}

func userName(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return u.Username
	}
	return strconv.Itoa(uid)
}

// fileCaps reads the permitted set of path's security.capability (struct
// vfs_cap_data, revision 2 or 3) and requires the effective bit, which
// `setcap ...+ep` sets: without it criu would start with no capability.
func fileCaps(path string) (uint64, error) {
	buf := make([]byte, 24)
	n, err := unix.Getxattr(path, "security.capability", buf)
	if errors.Is(err, unix.ENODATA) {
		return 0, errors.New("no file capabilities (setcap was not run)")
	}
	if err != nil {
		return 0, err
	}
	return parseFileCaps(buf[:n])
}

// parseFileCaps is fileCaps's decoding of struct vfs_cap_data.
func parseFileCaps(buf []byte) (uint64, error) {
	if len(buf) < 20 {
		return 0, fmt.Errorf("file capabilities of %d bytes: not revision 2 or 3", len(buf))
	}
	magic := binary.LittleEndian.Uint32(buf[0:4])
	if rev := magic &^ 0x1; rev != 0x02000000 && rev != 0x03000000 {
		return 0, fmt.Errorf("file capabilities revision %#x unknown", rev)
	}
	if magic&0x1 == 0 {
		return 0, errors.New("file capabilities not effective (setcap ...+ep)")
	}
	lo := binary.LittleEndian.Uint32(buf[4:8])
	hi := binary.LittleEndian.Uint32(buf[12:16])
	return uint64(hi)<<32 | uint64(lo), nil
}

func hasAll(caps uint64, want []int) bool {
	return missingCaps(caps, want) == ""
}

func missingCaps(caps uint64, want []int) string {
	var miss []string
	for _, c := range want {
		if caps&(1<<c) == 0 {
			miss = append(miss, capNames[c])
		}
	}
	return strings.Join(miss, ",")
}
