package oci

import (
	"fmt"
	"strings"
)

// CgroupStats is what `stats` reads of a container's cgroups.
type CgroupStats struct {
	// CPUTotal and CPUKernel are CPU time in nanoseconds; PerCPU by core.
	CPUTotal, CPUKernel uint64
	PerCPU              []uint64
	// MemUsage and MemLimit are bytes (the limit unset is huge).
	MemUsage, MemLimit uint64
	PIDs               uint64
	// BlockRead and BlockWrite are bytes moved to and from block devices.
	BlockRead, BlockWrite uint64
}

// Stats reads container id's cgroup statistics through libcontainer,
// which knows its cgroup paths.
func (r *Runtime) Stats(id string) (*CgroupStats, error) {
	c, err := r.load(id)
	if err != nil {
		return nil, err
	}
	st, err := c.Stats()
	if err != nil {
		return nil, fmt.Errorf("reading the cgroup statistics of %s: %w", id, err)
	}
	cg := st.CgroupStats
	out := &CgroupStats{
		CPUTotal: cg.CpuStats.CpuUsage.TotalUsage, CPUKernel: cg.CpuStats.CpuUsage.UsageInKernelmode,
		PerCPU:   cg.CpuStats.CpuUsage.PercpuUsage,
		MemUsage: cg.MemoryStats.Usage.Usage, MemLimit: cg.MemoryStats.Usage.Limit,
		PIDs: cg.PidsStats.Current,
	}
	for _, e := range cg.BlkioStats.IoServiceBytesRecursive {
		switch strings.ToLower(e.Op) {
		case "read":
			out.BlockRead += e.Value
		case "write":
			out.BlockWrite += e.Value
		}
	}
	return out, nil
}
