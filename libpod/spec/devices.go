package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-tools/generate"
	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/libpod/define"
)

// parseDevices reads --device and --device-cgroup-rule.
func parseDevices(devs, rules []string) ([]specs.LinuxDevice, []specs.LinuxDeviceCgroup, error) {
	var out []specs.LinuxDevice
	var allow []specs.LinuxDeviceCgroup
	for _, d := range devs {
		src, dst, perms, err := splitDevice(d)
		if err != nil {
			return nil, nil, err
		}
		found, err := hostDevices(src, dst)
		if err != nil {
			return nil, nil, fmt.Errorf("--device %q: %w", d, err)
		}
		for _, dev := range found {
			out = append(out, dev)
			major, minor := dev.Major, dev.Minor
			allow = append(allow, specs.LinuxDeviceCgroup{Allow: true, Type: dev.Type, Major: &major, Minor: &minor, Access: perms})
		}
	}
	for _, r := range rules {
		rule, err := parseCgroupRule(r)
		if err != nil {
			return nil, nil, err
		}
		allow = append(allow, rule)
	}
	return out, allow, nil
}

// splitDevice splits HOST[:CONTAINER][:PERMS] as podman does: a second
// field made of r, w and m letters is the permissions.
func splitDevice(d string) (src, dst, perms string, err error) {
	parts := strings.Split(d, ":")
	src, perms = parts[0], "rwm"
	switch len(parts) {
	case 1:
	case 2:
		if validDeviceMode(parts[1]) {
			perms = parts[1]
		} else {
			dst = parts[1]
		}
	case 3:
		dst, perms = parts[1], parts[2]
		if !validDeviceMode(perms) {
			return "", "", "", badFlag("--device", d, "invalid device mode "+perms, define.ErrInvalidArg)
		}
	default:
		return "", "", "", badFlag("--device", d, "want HOST[:CONTAINER][:PERMISSIONS]", define.ErrInvalidArg)
	}
	if dst == "" {
		dst = src
	}
	if !filepath.IsAbs(src) || !filepath.IsAbs(dst) {
		return "", "", "", badFlag("--device", d, "device paths must be absolute", define.ErrInvalidArg)
	}
	return src, dst, perms, nil
}

func validDeviceMode(m string) bool {
	if m == "" || len(m) > 3 {
		return false
	}
	seen := map[rune]bool{}
	for _, c := range m {
		if !strings.ContainsRune("rwm", c) || seen[c] {
			return false
		}
		seen[c] = true
	}
	return true
}

// hostDevices is the device node src, or every device node below the
// directory src, placed under dst.
func hostDevices(src, dst string) ([]specs.LinuxDevice, error) {
	st, err := os.Stat(src)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no such device %s: %w", src, define.ErrNotFound)
		}
		return nil, err
	}
	if !st.IsDir() {
		dev, err := deviceAt(src, dst)
		return []specs.LinuxDevice{dev}, err
	}
	var out []specs.LinuxDevice
	err = filepath.WalkDir(src, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || e.Type()&(fs.ModeDevice|fs.ModeCharDevice) == 0 {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		dev, err := deviceAt(path, filepath.Join(dst, rel))
		if err == nil {
			out = append(out, dev)
		}
		return err
	})
	if err == nil && len(out) == 0 {
		err = fmt.Errorf("no device nodes in directory %s: %w", src, define.ErrInvalidArg)
	}
	return out, err
}

// deviceAt describes the host device node path as dst in the container.
func deviceAt(path, dst string) (specs.LinuxDevice, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return specs.LinuxDevice{}, fmt.Errorf("stat %s: %w", path, err)
	}
	var typ string
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFCHR:
		typ = "c"
	case unix.S_IFBLK:
		typ = "b"
	default:
		return specs.LinuxDevice{}, fmt.Errorf("%s is not a device node: %w", path, define.ErrInvalidArg)
	}
	mode := fs.FileMode(st.Mode & 0o777)
	uid, gid := st.Uid, st.Gid
	return specs.LinuxDevice{
		Path: dst, Type: typ, Major: int64(unix.Major(st.Rdev)), Minor: int64(unix.Minor(st.Rdev)),
		FileMode: &mode, UID: &uid, GID: &gid,
	}, nil
}

// parseCgroupRule parses "TYPE MAJOR:MINOR ACCESS" with TYPE a, b or c
// and * for any major or minor.
func parseCgroupRule(r string) (specs.LinuxDeviceCgroup, error) {
	bad := func(why string) (specs.LinuxDeviceCgroup, error) {
		return specs.LinuxDeviceCgroup{}, badFlag("--device-cgroup-rule", r, why, define.ErrInvalidArg)
	}
	f := strings.Fields(r)
	if len(f) != 3 || len(f[0]) != 1 || !strings.Contains("abc", f[0]) {
		return bad("want TYPE MAJOR:MINOR ACCESS, TYPE one of a, b, c")
	}
	maj, min, ok := strings.Cut(f[1], ":")
	if !ok {
		return bad("want MAJOR:MINOR")
	}
	rule := specs.LinuxDeviceCgroup{Allow: true, Type: f[0], Access: f[2]}
	for _, p := range []struct {
		s   string
		dst **int64
	}{{maj, &rule.Major}, {min, &rule.Minor}} {
		if p.s == "*" {
			continue
		}
		n, err := strconv.ParseInt(p.s, 10, 64)
		if err != nil || n < 0 {
			return bad("a major or minor number must be a number or *")
		}
		*p.dst = &n
	}
	if !validDeviceMode(f[2]) {
		return bad("the access must be made of r, w and m")
	}
	return rule, nil
}

func applyDevices(g *generate.Generator, o *Options, sh *Shape) error {
	if o.Privileged && len(sh.UIDMap) == 0 {
		devs, err := privilegedDevices()
		if err != nil {
			return err
		}
		for _, d := range devs {
			g.RemoveDevice(d.Path)
			g.AddDevice(d)
		}
	}
	for _, d := range sh.Devices {
		g.RemoveDevice(d.Path)
		g.AddDevice(d)
	}
	if o.Privileged {
		return nil // all devices are allowed already
	}
	r := g.Config.Linux.Resources
	r.Devices = append(r.Devices, sh.DeviceRules...)
	return nil
}

// privilegedDevices are the host's device nodes a --privileged container
// gets, as podman gives them: all under /dev but those of the
// container's own /dev/pts, /dev/shm, /dev/mqueue, its console and ptmx.
func privilegedDevices() ([]specs.LinuxDevice, error) {
	var out []specs.LinuxDevice
	err := filepath.WalkDir("/dev", func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
				return nil // a node that came and went, or a private directory
			}
			return err
		}
		switch {
		case e.IsDir() && slices.Contains([]string{"/dev/pts", "/dev/shm", "/dev/fd", "/dev/mqueue", "/dev/.lxc", "/dev/.lxd-mounts", "/dev/.udev"}, path):
			return fs.SkipDir
		case e.Type()&(fs.ModeDevice|fs.ModeCharDevice) == 0, path == "/dev/console", path == "/dev/ptmx":
			return nil
		}
		// A node removed since the listing is not the container's.
		if dev, err := deviceAt(path, path); err == nil {
			out = append(out, dev)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing the host's devices for --privileged: %w", err)
	}
	return out, nil
}
