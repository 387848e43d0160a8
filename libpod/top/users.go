package top

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/sys/capability"
	"github.com/moby/sys/user"
	"golang.org/x/sys/unix"
)

// overflowID is what a process shows for an ID its user namespace does
// not map (/proc/sys/kernel/overflowuid's default).
const overflowID = 65534

// user names the container's uid for host uid hostID from the container's
// /etc/passwd, or prints the number.
func (c *context) user(hostID int, m []idRange) string {
	id := containerID(hostID, m)
	var users []user.User
	if f := c.open("etc/passwd"); f != nil {
		defer f.Close()
		users, _ = user.ParsePasswdFilter(f, func(u user.User) bool { return u.Uid == id })
	}
	if len(users) > 0 {
		return users[0].Name
	}
	return strconv.Itoa(id)
}

// group is user for groups, from the container's /etc/group.
func (c *context) group(hostID int, m []idRange) string {
	id := containerID(hostID, m)
	var groups []user.Group
	if f := c.open("etc/group"); f != nil {
		defer f.Close()
		groups, _ = user.ParseGroupFilter(f, func(g user.Group) bool { return g.Gid == id })
	}
	if len(groups) > 0 {
		return groups[0].Name
	}
	return strconv.Itoa(id)
}

// open opens name inside the container's root, its symbolic links
// resolved inside that root (never on the host's); nil when it cannot.
func (c *context) open(name string) *os.File {
	root, err := os.Open(c.root)
	if err != nil {
		return nil
	}
	defer root.Close()
	fd, err := unix.Openat2(int(root.Fd()), name, &unix.OpenHow{
		Flags: unix.O_RDONLY | unix.O_CLOEXEC, Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err != nil {
		return nil
	}
	return os.NewFile(uintptr(fd), filepath.Join(c.root, name))
}

func containerID(hostID int, m []idRange) int {
	if len(m) == 0 {
		return hostID
	}
	if id := inside(m, hostID); id >= 0 {
		return id
	}
	return overflowID
}

// hostUser names a host uid from the host's user database.
func hostUser(id int) string {
	if u, err := user.LookupUid(id); err == nil {
		return u.Name
	}
	return strconv.Itoa(id)
}

func hostGroup(id int) string {
	if g, err := user.LookupGid(id); err == nil {
		return g.Name
	}
	return strconv.Itoa(id)
}

// capSet renders one capability set of status as psgo does: "full" when
// every capability is there, "none" when none is, else the sorted names
// without their CAP_ prefix.
func capSet(key string) func(*context, *process) string {
	return func(_ *context, p *process) string {
		mask, err := strconv.ParseUint(p.caps[key], 16, 64)
		if err != nil {
			return "?"
		}
		if mask == fullCaps {
			return "full"
		}
		known := map[uint]string{}
		for _, c := range capability.ListKnown() {
			known[uint(c)] = strings.ToUpper(c.String())
		}
		var names []string
		for i := uint(0); i < 64; i++ {
			if mask>>i&1 == 1 {
				names = append(names, cmpOr(known[i], "unknown"))
			}
		}
		if len(names) == 0 {
			return "none"
		}
		slices.Sort(names)
		return strings.Join(names, ",")
	}
}

// capSysPtrace is CAP_SYS_PTRACE's bit.
const capSysPtrace = 19

// CanPtrace says whether the processes of the container whose init is
// hostPID may hold CAP_SYS_PTRACE (its bounding set has it): such a
// container could trace a host program run in its PID namespace.
func CanPtrace(hostPID int) (bool, error) {
	p, err := readProcess(hostPID)
	if err != nil {
		return false, err
	}
	mask, err := strconv.ParseUint(p.caps["CapBnd"], 16, 64)
	if err != nil {
		return false, fmt.Errorf("reading the capabilities of process %d: %w", hostPID, err)
	}
	return mask>>capSysPtrace&1 == 1, nil
}
