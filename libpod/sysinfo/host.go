package sysinfo

import (
	"bufio"
	"debug/elf"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Distribution reads the host's os-release file.
func Distribution() DistributionInfo {
	var d DistributionInfo
	for _, path := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		f, err := os.Open(path)
		if err != nil {
			continue
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			key, val, ok := strings.Cut(sc.Text(), "=")
			if !ok {
				continue
			}
			val = strings.Trim(val, `"'`)
			switch key {
			case "ID":
				d.Distribution = val
			case "VERSION_ID":
				d.Version = val
			case "VERSION_CODENAME":
				d.Codename = val
			case "VARIANT_ID":
				d.Variant = val
			}
		}
		break
	}
	if d.Distribution == "" {
		d.Distribution = "unknown"
	}
	return d
}

// CPUUtilization is the share of user, system and idle time since boot,
// from /proc/stat's first line, as podman computes it.
func CPUUtilization() (CPUUsage, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return CPUUsage{}, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	fields := strings.Fields(line)
	if len(fields) < 5 || fields[0] != "cpu" {
		return CPUUsage{}, fmt.Errorf("unexpected first line of /proc/stat: %q", line)
	}
	var user, system, idle float64
	for i, dst := range map[int]*float64{1: &user, 3: &system, 4: &idle} {
		if *dst, err = strconv.ParseFloat(fields[i], 64); err != nil {
			return CPUUsage{}, fmt.Errorf("parsing /proc/stat: %w", err)
		}
	}
	total := user + system + idle
	if total == 0 {
		return CPUUsage{}, nil
	}
	pct := func(v float64) float64 { return math.Round(v/total*100*100) / 100 }
	return CPUUsage{UserPercent: pct(user), SystemPercent: pct(system), IdlePercent: pct(idle)}, nil
}

// Uptime is the time since boot in podman's words:
// "2h 50m 2.00s (Approximately 0.08 days)".
func Uptime() (string, error) {
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return "", err
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return "", fmt.Errorf("empty /proc/uptime")
	}
	secs, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return "", fmt.Errorf("parsing /proc/uptime: %w", err)
	}
	h := math.Floor(secs / 3600)
	m := math.Floor((secs - h*3600) / 60)
	s := secs - h*3600 - m*60
	return fmt.Sprintf("%.0fh %.0fm %.2fs (Approximately %.2f days)", h, m, s, secs/86400), nil
}

// Memory returns MemTotal, MemAvailable, SwapTotal and SwapFree from
// /proc/meminfo, in bytes.
func Memory() (total, free, swapTotal, swapFree int64) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, 0, 0, 0
	}
	defer f.Close()
	dst := map[string]*int64{"MemTotal:": &total, "MemAvailable:": &free, "SwapTotal:": &swapTotal, "SwapFree:": &swapFree}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || dst[fields[0]] == nil {
			continue
		}
		kb, _ := strconv.ParseInt(fields[1], 10, 64)
		*dst[fields[0]] = kb * 1024
	}
	return total, free, swapTotal, swapFree
}

// CgroupsVersion is "v2" on a unified hierarchy, "v1" otherwise.
func CgroupsVersion() string {
	var st unix.Statfs_t
	if err := unix.Statfs("/sys/fs/cgroup", &st); err == nil && st.Type == unix.CGROUP2_SUPER_MAGIC {
		return "v2"
	}
	return "v1"
}

// CgroupControllers lists the controllers containers can use: on v2 the
// root's cgroup.controllers, on v1 the enabled controllers of
// /proc/cgroups mounted in a hierarchy of their own.
func CgroupControllers() []string {
	if CgroupsVersion() == "v2" {
		b, err := os.ReadFile("/sys/fs/cgroup/cgroup.controllers")
		if err != nil {
			return nil
		}
		return strings.Fields(string(b))
	}
	f, err := os.Open("/proc/cgroups")
	if err != nil {
		return nil
	}
	defer f.Close()
	var list []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 4 || strings.HasPrefix(fields[0], "#") || fields[1] == "0" || fields[3] != "1" {
			continue
		}
		if _, err := os.Stat(filepath.Join("/sys/fs/cgroup", fields[0])); err == nil {
			list = append(list, fields[0])
		}
	}
	return list
}

// Linkmode is "dynamic" when the running binary has an ELF interpreter,
// "static" otherwise.
func Linkmode() string {
	f, err := elf.Open("/proc/self/exe")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return "dynamic"
		}
	}
	return "static"
}

// AppArmorEnabled says whether the kernel has AppArmor on.
func AppArmorEnabled() bool {
	b, err := os.ReadFile("/sys/module/apparmor/parameters/enabled")
	return err == nil && strings.HasPrefix(string(b), "Y")
}

// Kernel is the running kernel's release.
func Kernel() string {
	var uts unix.Utsname
	if err := unix.Uname(&uts); err != nil {
		return ""
	}
	return unix.ByteSliceToString(uts.Release[:])
}

// DiskUsage returns the size and the used bytes of the filesystem of path.
func DiskUsage(path string) (allocated, used uint64) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return 0, 0
	}
	bs := uint64(st.Bsize)
	return st.Blocks * bs, (st.Blocks - st.Bfree) * bs
}

// SeccompEnabled says whether the kernel filters system calls with
// seccomp (podlite is built with it).
func SeccompEnabled() bool {
	b, err := os.ReadFile("/proc/self/status")
	return err == nil && strings.Contains(string(b), "\nSeccomp:")
}

// OwnIDMappings reads this process's user namespace maps, as info shows
// them for an ordinary user (in podman's layout: 0 is the user, 1.. the
// subordinate range).
func OwnIDMappings() (IDMappings, error) {
	var m IDMappings
	for _, f := range []struct {
		path string
		dst  *[]IDMap
	}{{"/proc/self/uid_map", &m.UIDMap}, {"/proc/self/gid_map", &m.GIDMap}} {
		data, err := os.ReadFile(f.path)
		if err != nil {
			return IDMappings{}, fmt.Errorf("reading %s: %w", f.path, err)
		}
		*f.dst, err = parseIDMap(string(data))
		if err != nil {
			return IDMappings{}, fmt.Errorf("reading %s: %w", f.path, err)
		}
	}
	return m, nil
}

// parseIDMap reads the lines of a uid_map or gid_map.
func parseIDMap(text string) ([]IDMap, error) {
	var out []IDMap
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		var e IDMap
		if _, err := fmt.Sscan(line, &e.ContainerID, &e.HostID, &e.Size); err != nil {
			return nil, fmt.Errorf("bad map line %q: %w", line, err)
		}
		out = append(out, e)
	}
	return out, nil
}
