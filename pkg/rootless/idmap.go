package rootless

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"

	"github.com/moby/sys/user"
)

// IDMap is one line of a uid_map or gid_map: Count IDs from ContainerID
// in the namespace are HostID and up on the host.
type IDMap struct {
	ContainerID int64
	HostID      int64
	Count       int64
}

// Subordinate ID files, variables for tests.
var (
	subUIDFile = "/etc/subuid"
	subGIDFile = "/etc/subgid"
)

// singleMappingWarning is podman's warning, word for word, for a user
// without subordinate ranges.
const singleMappingWarning = "Using rootless single mapping into the namespace. This might break some images. Check /etc/subuid and /etc/subgid for adding sub*ids if not using a network user"

// Mappings returns the user namespace's UID and GID maps for the user
// with this name and IDs, in podman's layout: 0 is the user, 1 and up
// the user's subordinate ranges in file order. A user without ranges in
// a file gets the single mapping of their own ID there; single is true
// when either map is one.
func Mappings(name string, uid, gid int) (uids, gids []IDMap, single bool, err error) {
	uids, err = mappingFor(subUIDFile, name, uid, uid)
	if err != nil {
		return nil, nil, false, err
	}
	// subgid is keyed by the user too (its name or UID), not by a group.
	gids, err = mappingFor(subGIDFile, name, uid, gid)
	if err != nil {
		return nil, nil, false, err
	}
	return uids, gids, len(uids) == 1 || len(gids) == 1, nil
}

// mappingFor maps 0 to own and appends the ranges file lists for the
// user (by name or by UID).
func mappingFor(file, name string, uid, own int) ([]IDMap, error) {
	uidText := strconv.Itoa(uid)
	ranges, err := user.ParseSubIDFileFilter(file, func(s user.SubID) bool {
		return s.Name == name || s.Name == uidText
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	m := []IDMap{{ContainerID: 0, HostID: int64(own), Count: 1}}
	next := int64(1)
	for _, r := range ranges {
		if r.Count <= 0 {
			continue
		}
		m = append(m, IDMap{ContainerID: next, HostID: r.SubID, Count: r.Count})
		next += r.Count
	}
	return m, nil
}

// mapArgs is a map as newuidmap and newgidmap take it after the PID.
func mapArgs(m []IDMap) []string {
	var args []string
	for _, e := range m {
		args = append(args, strconv.FormatInt(e.ContainerID, 10), strconv.FormatInt(e.HostID, 10), strconv.FormatInt(e.Count, 10))
	}
	return args
}

// GIDMapped reports whether group id exists in this process's user
// namespace (podman drops devpts's gid=5 where the tty group does not:
// a user without a subordinate range maps one group only).
func GIDMapped(id int64) bool {
	maps, err := user.CurrentProcessGIDMap()
	if err != nil {
		return false
	}
	for _, m := range maps {
		if id >= m.ID && id < m.ID+m.Count {
			return true
		}
	}
	return false
}
