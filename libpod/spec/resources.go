package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/docker/go-units"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/libpod/define"
)

// ResourceFlags are the cgroup flags of run/create beyond --memory,
// --cpus and --pids-limit. Zero values mean "not given" (MemorySwappiness
// is a pointer for that: 0 is a swappiness).
type ResourceFlags struct {
	CPUPeriod, CPURtPeriod          uint64
	CPUQuota, CPURtRuntime          int64
	CPUShares                       uint64
	CpusetCPUs, CpusetMems          string
	MemoryReservation, MemorySwap   string
	MemorySwappiness                *int64
	OOMKillDisable                  bool
	BlkioWeight                     uint16
	BlkioWeightDevice               []string
	DeviceReadBps, DeviceWriteBps   []string
	DeviceReadIOPS, DeviceWriteIOPS []string
}

// parseCgroups checks --cgroups and --cgroup-conf, which sets r's unified
// (cgroups v2) keys, and returns --cgroup-parent.
func parseCgroups(f *ShapeFlags, r *specs.LinuxResources) (string, error) {
	switch f.Cgroups {
	case "", "enabled", "no-conmon":
		// podlite's supervisor never joins the container's cgroup:
		// no-conmon is what it always does.
	case "disabled":
		return "", fmt.Errorf("--cgroups=disabled is not supported: podlite's embedded runc runtime always creates a cgroup (podman needs crun for it): %w", define.ErrNotSupported)
	case "split":
		return "", fmt.Errorf("--cgroups=split is not supported: it needs the systemd cgroup manager: %w", define.ErrNotSupported)
	default:
		return "", badFlag("--cgroups", f.Cgroups, "use enabled, no-conmon, disabled or split", define.ErrInvalidArg)
	}
	if len(f.CgroupConf) > 0 {
		if _, err := os.Stat(cgroupsV2Probe); err != nil {
			return "", fmt.Errorf("--cgroup-conf is only supported on cgroups v2; this host has cgroups v1: %w", define.ErrNotSupported)
		}
		r.Unified = map[string]string{}
		for _, kv := range f.CgroupConf {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return "", badFlag("--cgroup-conf", kv, "want KEY=VALUE", define.ErrInvalidArg)
			}
			r.Unified[k] = v
		}
	}
	return f.CgroupParent, nil
}

// parseResources fills r from f; memory is --memory.
func parseResources(f *ResourceFlags, memory int64, r *specs.LinuxResources) error {
	if err := parseCPU(f, r); err != nil {
		return err
	}
	if err := parseMemory(f, memory, r); err != nil {
		return err
	}
	return parseBlkio(f, r)
}

func parseCPU(f *ResourceFlags, r *specs.LinuxResources) error {
	c := &specs.LinuxCPU{Cpus: f.CpusetCPUs, Mems: f.CpusetMems}
	set := f.CpusetCPUs != "" || f.CpusetMems != ""
	for _, u := range []struct {
		v   uint64
		dst **uint64
	}{{f.CPUPeriod, &c.Period}, {f.CPURtPeriod, &c.RealtimePeriod}, {f.CPUShares, &c.Shares}} {
		if u.v != 0 {
			v := u.v
			*u.dst, set = &v, true
		}
	}
	for _, i := range []struct {
		v   int64
		dst **int64
	}{{f.CPUQuota, &c.Quota}, {f.CPURtRuntime, &c.RealtimeRuntime}} {
		if i.v != 0 {
			v := i.v
			*i.dst, set = &v, true
		}
	}
	if f.CPUQuota != 0 && f.CPUQuota < 1000 && f.CPUQuota != -1 {
		return badFlag("--cpu-quota", strconv.FormatInt(f.CPUQuota, 10), "the minimum is 1000 (1ms) or -1 for none", define.ErrInvalidArg)
	}
	if f.CPUPeriod != 0 && (f.CPUPeriod < 1000 || f.CPUPeriod > 1000000) {
		return badFlag("--cpu-period", strconv.FormatUint(f.CPUPeriod, 10), "must be between 1000 and 1000000 microseconds", define.ErrInvalidArg)
	}
	if set {
		r.CPU = c
	}
	return nil
}

func parseMemory(f *ResourceFlags, memory int64, r *specs.LinuxResources) error {
	m := &specs.LinuxMemory{}
	set := false
	if f.MemoryReservation != "" {
		v, err := units.RAMInBytes(f.MemoryReservation)
		if err != nil || v < 0 {
			return badFlag("--memory-reservation", f.MemoryReservation, "not a size", define.ErrInvalidArg)
		}
		m.Reservation, set = &v, true
	}
	if f.MemorySwap != "" {
		var v int64 = -1
		if f.MemorySwap != "-1" {
			var err error
			if v, err = units.RAMInBytes(f.MemorySwap); err != nil || v < 0 {
				return badFlag("--memory-swap", f.MemorySwap, "not a size or -1", define.ErrInvalidArg)
			}
		}
		switch {
		case memory == 0:
			return fmt.Errorf("you must provide a memory limit (--memory) when setting --memory-swap: %w", define.ErrInvalidArg)
		case v != -1 && v < memory:
			return fmt.Errorf("minimum memoryswap limit should be larger than memory limit, see usage: %w", define.ErrInvalidArg)
		}
		m.Swap, set = &v, true
	}
	if sw := f.MemorySwappiness; sw != nil {
		if *sw < 0 || *sw > 100 {
			return badFlag("--memory-swappiness", strconv.FormatInt(*sw, 10), "must be between 0 and 100", define.ErrInvalidArg)
		}
		v := uint64(*sw)
		m.Swappiness, set = &v, true
	}
	if f.OOMKillDisable {
		t := true
		m.DisableOOMKiller, set = &t, true
	}
	if set {
		r.Memory = m
	}
	return nil
}

func parseBlkio(f *ResourceFlags, r *specs.LinuxResources) error {
	b := &specs.LinuxBlockIO{}
	set := false
	if f.BlkioWeight != 0 {
		if f.BlkioWeight < 10 || f.BlkioWeight > 1000 {
			return badFlag("--blkio-weight", strconv.Itoa(int(f.BlkioWeight)), "must be between 10 and 1000", define.ErrInvalidArg)
		}
		w := f.BlkioWeight
		b.Weight, set = &w, true
	}
	for _, wd := range f.BlkioWeightDevice {
		maj, min, val, err := deviceValue("--blkio-weight-device", wd, false)
		if err != nil {
			return err
		}
		if val < 10 || val > 1000 {
			return badFlag("--blkio-weight-device", wd, "the weight must be between 10 and 1000", define.ErrInvalidArg)
		}
		w := uint16(val)
		d := specs.LinuxWeightDevice{Weight: &w}
		d.Major, d.Minor = maj, min
		b.WeightDevice, set = append(b.WeightDevice, d), true
	}
	for _, t := range []struct {
		flag   string
		values []string
		rate   bool
		dst    *[]specs.LinuxThrottleDevice
	}{
		{"--device-read-bps", f.DeviceReadBps, true, &b.ThrottleReadBpsDevice},
		{"--device-write-bps", f.DeviceWriteBps, true, &b.ThrottleWriteBpsDevice},
		{"--device-read-iops", f.DeviceReadIOPS, false, &b.ThrottleReadIOPSDevice},
		{"--device-write-iops", f.DeviceWriteIOPS, false, &b.ThrottleWriteIOPSDevice},
	} {
		for _, v := range t.values {
			maj, min, val, err := deviceValue(t.flag, v, t.rate)
			if err != nil {
				return err
			}
			d := specs.LinuxThrottleDevice{Rate: val}
			d.Major, d.Minor = maj, min
			*t.dst, set = append(*t.dst, d), true
		}
	}
	if set {
		r.BlockIO = b
	}
	return nil
}

// BlockIODevices parses the per-device block I/O flags of f (weights,
// bps and iops limits) alone, for update.
func BlockIODevices(f *ResourceFlags) (*specs.LinuxBlockIO, error) {
	r := &specs.LinuxResources{}
	g := ResourceFlags{BlkioWeightDevice: f.BlkioWeightDevice, DeviceReadBps: f.DeviceReadBps, DeviceWriteBps: f.DeviceWriteBps,
		DeviceReadIOPS: f.DeviceReadIOPS, DeviceWriteIOPS: f.DeviceWriteIOPS}
	if err := parseBlkio(&g, r); err != nil {
		return nil, err
	}
	return r.BlockIO, nil
}

// deviceValue parses DEVICE:VALUE where DEVICE is a block device path and
// VALUE a number, or a size (100mb) when rate is set.
func deviceValue(flag, s string, rate bool) (major, minor int64, val uint64, err error) {
	path, v, ok := strings.Cut(s, ":")
	if !ok || path == "" || v == "" {
		return 0, 0, 0, badFlag(flag, s, "want DEVICE:VALUE", define.ErrInvalidArg)
	}
	if rate {
		n, err := units.RAMInBytes(v)
		if err != nil || n < 0 {
			return 0, 0, 0, badFlag(flag, s, "the rate must be a size such as 1mb", define.ErrInvalidArg)
		}
		val = uint64(n)
	} else if val, err = strconv.ParseUint(v, 10, 64); err != nil {
		return 0, 0, 0, badFlag(flag, s, "the value must be a number", define.ErrInvalidArg)
	}
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, 0, 0, fmt.Errorf("%s %q: %s: %w", flag, s, err, define.ErrNotFound)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFBLK {
		return 0, 0, 0, badFlag(flag, s, path+" is not a block device", define.ErrInvalidArg)
	}
	return int64(unix.Major(st.Rdev)), int64(unix.Minor(st.Rdev)), val, nil
}

// checkRtBudget refuses a --cpu-rt-runtime the parent cgroup cannot
// give: on cgroups v1 a child's real-time runtime comes out of its
// parent's, which is 0 unless someone set it, and the start would fail.
func checkRtBudget(l *specs.Linux) error {
	return CheckRtBudget(l.CgroupsPath, l.Resources.CPU)
}

// CheckRtBudget is checkRtBudget for the CPU resources of a container in
// the cgroup at cgroupsPath.
func CheckRtBudget(cgroupsPath string, cpu *specs.LinuxCPU) error {
	if cpu == nil || cpu.RealtimeRuntime == nil || *cpu.RealtimeRuntime <= 0 || !filepath.IsAbs(cgroupsPath) {
		return nil
	}
	want := *cpu.RealtimeRuntime
	file := filepath.Join("/sys/fs/cgroup/cpu", filepath.Dir(cgroupsPath), "cpu.rt_runtime_us")
	b, err := os.ReadFile(file)
	have, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || have < want {
		return fmt.Errorf("--cpu-rt-runtime %d exceeds the real-time budget of the parent cgroup (%s: %d): give the parent one first, or use --cgroup-parent: %w",
			want, file, have, define.ErrInvalidArg)
	}
	return nil
}

// applyResources merges the parsed flags into the spec's resources, over
// what --memory and --cpus set.
func applyResources(dst, src *specs.LinuxResources) {
	if src.CPU != nil {
		if dst.CPU == nil {
			dst.CPU = &specs.LinuxCPU{}
		}
		c, s := dst.CPU, src.CPU
		c.Cpus, c.Mems = s.Cpus, s.Mems
		setIf(&c.Shares, s.Shares)
		setIf(&c.Period, s.Period)
		setIf(&c.Quota, s.Quota)
		setIf(&c.RealtimePeriod, s.RealtimePeriod)
		setIf(&c.RealtimeRuntime, s.RealtimeRuntime)
	}
	if src.Memory != nil {
		if dst.Memory == nil {
			dst.Memory = &specs.LinuxMemory{}
		}
		m, s := dst.Memory, src.Memory
		setIf(&m.Reservation, s.Reservation)
		setIf(&m.Swap, s.Swap)
		setIf(&m.Swappiness, s.Swappiness)
		setIf(&m.DisableOOMKiller, s.DisableOOMKiller)
	}
	if src.Unified != nil {
		dst.Unified = src.Unified
	}
	if src.BlockIO != nil {
		dst.BlockIO = src.BlockIO
	}
}

func setIf[T any](dst **T, v *T) {
	if v != nil {
		*dst = v
	}
}
