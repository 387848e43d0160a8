package oci

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Update applies r to the live cgroups of container id through
// libcontainer's Set (which also records them in its state). Only the
// resources `update` changes are taken from r: CPU, cpuset, memory, pids
// and the block I/O weight.
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
		cg.CpusetCpus, cg.CpusetMems = cpu.Cpus, cpu.Mems
	}
	if res.Pids != nil && res.Pids.Limit != nil {
		v := *res.Pids.Limit
		cg.PidsLimit = &v
	}
	if res.BlockIO != nil {
		setIf(&cg.BlkioWeight, res.BlockIO.Weight)
	}
	if err := c.Set(cfg); err != nil {
		return fmt.Errorf("updating the cgroups of %s: %w", id, err)
	}
	return nil
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
