package spec

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
)

// Files that name subordinate ID ranges, as shadow-utils writes them.
var subIDFiles = map[string]string{"uid": "/etc/subuid", "gid": "/etc/subgid"}

// parseIDMaps reads --uidmap/--gidmap or --subuidname/--subgidname. One
// of the two maps given alone serves for both, as podman does.
func parseIDMaps(f *ShapeFlags) (uids, gids []specs.LinuxIDMapping, err error) {
	explicit := len(f.UIDMap)+len(f.GIDMap) > 0 || f.SubUIDName != "" || f.SubGIDName != ""
	if !explicit {
		return nil, nil, nil
	}
	if f.UserNS != "" {
		return nil, nil, fmt.Errorf("--userns cannot be used with --uidmap, --gidmap, --subuidname or --subgidname: %w", define.ErrInvalidArg)
	}
	if (len(f.UIDMap) > 0 || len(f.GIDMap) > 0) && (f.SubUIDName != "" || f.SubGIDName != "") {
		return nil, nil, fmt.Errorf("--subuidname and --subgidname cannot be used with --uidmap or --gidmap: %w", define.ErrInvalidArg)
	}
	if uids, err = idMaps("--uidmap", f.UIDMap); err != nil {
		return nil, nil, err
	}
	if gids, err = idMaps("--gidmap", f.GIDMap); err != nil {
		return nil, nil, err
	}
	subUID, subGID := f.SubUIDName, f.SubGIDName
	if subGID == "" {
		subGID = subUID
	}
	if subUID == "" {
		subUID = subGID
	}
	if subUID != "" {
		if uids, err = subIDMaps("uid", subUID); err != nil {
			return nil, nil, err
		}
		if gids, err = subIDMaps("gid", subGID); err != nil {
			return nil, nil, err
		}
	}
	if len(gids) == 0 {
		gids = uids
	}
	if len(uids) == 0 {
		uids = gids
	}
	return uids, gids, nil
}

func idMaps(flag string, values []string) ([]specs.LinuxIDMapping, error) {
	var out []specs.LinuxIDMapping
	for _, v := range values {
		parts := strings.Split(v, ":")
		if len(parts) != 3 {
			return nil, badFlag(flag, v, "want CONTAINER_ID:HOST_ID:SIZE", define.ErrInvalidArg)
		}
		var n [3]uint32
		for i, p := range parts {
			u, err := strconv.ParseUint(p, 10, 32)
			if err != nil {
				return nil, badFlag(flag, v, "want CONTAINER_ID:HOST_ID:SIZE", define.ErrInvalidArg)
			}
			n[i] = uint32(u)
		}
		if n[2] == 0 {
			return nil, badFlag(flag, v, "the size must be positive", define.ErrInvalidArg)
		}
		out = append(out, specs.LinuxIDMapping{ContainerID: n[0], HostID: n[1], Size: n[2]})
	}
	return out, nil
}

// subIDMaps maps container IDs from 0 up onto the ranges /etc/subuid (or
// subgid) gives name, in file order.
func subIDMaps(kind, name string) ([]specs.LinuxIDMapping, error) {
	path := subIDFiles[kind]
	var out []specs.LinuxIDMapping
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("--sub%sname %s: no range for %s in %s: %w", kind, name, name, path, define.ErrNotFound)
	case err != nil:
		return nil, fmt.Errorf("--sub%sname %s: %w", kind, name, err)
	}
	defer f.Close()
	var next uint32
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Split(strings.TrimSpace(sc.Text()), ":")
		if len(parts) != 3 || parts[0] != name {
			continue
		}
		start, err1 := strconv.ParseUint(parts[1], 10, 32)
		size, err2 := strconv.ParseUint(parts[2], 10, 32)
		if err1 != nil || err2 != nil || size == 0 {
			continue
		}
		out = append(out, specs.LinuxIDMapping{ContainerID: next, HostID: uint32(start), Size: uint32(size)})
		next += uint32(size)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--sub%sname %s: no range for %s in %s: %w", kind, name, name, path, define.ErrNotFound)
	}
	return out, nil
}
