package oci

import (
	"fmt"

	"github.com/opencontainers/cgroups"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Update applies r to the live cgroups of container id through
// libcontainer's Set (which also records them in its state). Only the
// resources `update` changes are taken from r: CPU (real-time included),
// cpuset, memory, pids and block I/O weights and limits.
func (r *Runtime) Update(id string, res *specs.LinuxResources) error {
	c, err := r.load(id)
	if err != nil {
		return err
	}
	cfg := c.Config()
	cg := cfg.Cgroups.Resources
	if m := res.Memory; m != nil {
		setIf(&cg.Memory, m.Limit)
		setIf(&cg.MemoryReservation, m.Reservation)
		setIf(&cg.MemorySwap, m.Swap)
		if m.Swappiness != nil {
			v := *m.Swappiness
			cg.MemorySwappiness = &v
		}
	}
	if cpu := res.CPU; cpu != nil {
		setIf(&cg.CpuShares, cpu.Shares)
		setIf(&cg.CpuQuota, cpu.Quota)
		setIf(&cg.CpuPeriod, cpu.Period)
		setIf(&cg.CpuRtPeriod, cpu.RealtimePeriod)
		setIf(&cg.CpuRtRuntime, cpu.RealtimeRuntime)
		cg.CpusetCpus, cg.CpusetMems = cpu.Cpus, cpu.Mems
	}
	if res.Pids != nil && res.Pids.Limit != nil {
		v := *res.Pids.Limit
		cg.PidsLimit = &v
	}
	if b := res.BlockIO; b != nil {
		setIf(&cg.BlkioWeight, b.Weight)
		cg.BlkioWeightDevice = nil
		for _, d := range b.WeightDevice {
			if d.Weight != nil {
				cg.BlkioWeightDevice = append(cg.BlkioWeightDevice, cgroups.NewWeightDevice(d.Major, d.Minor, *d.Weight, 0))
			}
		}
		cg.BlkioThrottleReadBpsDevice = throttleDevices(b.ThrottleReadBpsDevice)
		cg.BlkioThrottleWriteBpsDevice = throttleDevices(b.ThrottleWriteBpsDevice)
		cg.BlkioThrottleReadIOPSDevice = throttleDevices(b.ThrottleReadIOPSDevice)
		cg.BlkioThrottleWriteIOPSDevice = throttleDevices(b.ThrottleWriteIOPSDevice)
	}
	if err := c.Set(cfg); err != nil {
		return fmt.Errorf("updating the cgroups of %s: %w", id, err)
	}
	return nil
}

func throttleDevices(ds []specs.LinuxThrottleDevice) []*cgroups.ThrottleDevice {
	var out []*cgroups.ThrottleDevice
	for _, d := range ds {
		out = append(out, cgroups.NewThrottleDevice(d.Major, d.Minor, d.Rate))
	}
	return out
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
