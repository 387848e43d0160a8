package libpod

import (
	"log/slog"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/stats"
	"github.com/podlite/podlite/libpod/sysinfo"
)

// Stats samples the container's cgroups and network counters; prev is its
// previous report (nil for the first). A container that does not run
// reports zeros, as in podman's `stats -a`.
func (c *Container) Stats(prev *stats.ContainerStats) (*stats.ContainerStats, error) {
	if err := c.rt.needCgroups("stats of container " + c.config.Name); err != nil {
		return nil, err
	}
	var st *stats.ContainerStats
	err := c.withLock(func() error {
		if c.state.Status != define.StatusRunning && c.state.Status != define.StatusPaused {
			st = &stats.ContainerStats{ContainerID: c.config.ID, Name: c.config.Name}
			return nil
		}
		cg, err := c.rt.oci().Stats(c.config.ID)
		if err != nil {
			return err
		}
		s := stats.Sample{
			CPUTotal: cg.CPUTotal, CPUKernel: cg.CPUKernel, PerCPU: cg.PerCPU, MemUsage: cg.MemUsage,
			MemLimit: cg.MemLimit, PIDs: cg.PIDs, BlockRead: cg.BlockRead, BlockWrite: cg.BlockWrite, At: time.Now(),
		}
		// The host's counters are not the container's.
		if c.config.NetworkMode != define.NetworkHost {
			if s.NetRx, s.NetTx, err = stats.NetDev(c.state.PID); err != nil {
				slog.Debug("no network counters", "container", c.config.Name, "err", err)
			}
		}
		total, _, _, _ := sysinfo.Memory()
		st = stats.Compute(c.config.ID, c.config.Name, s, prev, c.state.StartedAt, uint64(total))
		return nil
	})
	return st, err
}
