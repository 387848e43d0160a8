package libpod

import (
	"context"
	"encoding/json"
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
)

// UpdateOptions are the changes `update` makes; nil fields stay.
type UpdateOptions struct {
	Memory, MemoryReservation, MemorySwap *int64
	MemorySwappiness                      *uint64
	CPUShares, CPUPeriod                  *uint64
	CPUQuota                              *int64
	CPUs                                  *float64
	CPUsetCPUs, CPUsetMems                *string
	PidsLimit                             *int64
	BlkioWeight                           *uint16
	// Restart is a restart policy as --restart takes it.
	Restart *string
}

// changesResources reports whether o changes anything but the restart
// policy.
func (o UpdateOptions) changesResources() bool {
	return o.Memory != nil || o.MemoryReservation != nil || o.MemorySwap != nil || o.MemorySwappiness != nil ||
		o.CPUShares != nil || o.CPUPeriod != nil || o.CPUQuota != nil || o.CPUs != nil ||
		o.CPUsetCPUs != nil || o.CPUsetMems != nil || o.PidsLimit != nil || o.BlkioWeight != nil
}

// Update changes the container's resources, in its live cgroups when it
// runs, and records them (and a new restart policy) in its state, so that
// later starts keep them.
func (c *Container) Update(ctx context.Context, o UpdateOptions) error {
	var policy *define.RestartPolicy
	if o.Restart != nil {
		p, err := parseRestartPolicy(*o.Restart)
		if err != nil {
			return err
		}
		policy = &p
	}
	if o.changesResources() {
		if err := c.rt.needCgroups("updating the resources of container " + c.config.Name); err != nil {
			return err
		}
	}
	err := c.withLock(func() error {
		res, err := c.updatedResources(o)
		if err != nil {
			return err
		}
		if c.state.Status == define.StatusRunning || c.state.Status == define.StatusPaused {
			if err := c.rt.oci().Update(c.config.ID, res); err != nil {
				return err
			}
		}
		c.state.Resources = res
		if policy != nil {
			c.state.RestartPolicy = policy
		}
		return c.saveLocked()
	})
	if err != nil {
		return err
	}
	c.newEvent(events.Update)
	return nil
}

// updatedResources is a copy of the container's resources with o applied.
func (c *Container) updatedResources(o UpdateOptions) (*specs.LinuxResources, error) {
	res := &specs.LinuxResources{}
	if cur := c.resources(); cur != nil {
		b, err := json.Marshal(cur)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, res); err != nil {
			return nil, err
		}
	}
	if res.Memory == nil {
		res.Memory = &specs.LinuxMemory{}
	}
	if res.CPU == nil {
		res.CPU = &specs.LinuxCPU{}
	}
	m, cpu := res.Memory, res.CPU
	setIf(&m.Limit, o.Memory)
	setIf(&m.Reservation, o.MemoryReservation)
	setIf(&m.Swap, o.MemorySwap)
	setIf(&m.Swappiness, o.MemorySwappiness)
	setIf(&cpu.Shares, o.CPUShares)
	setIf(&cpu.Quota, o.CPUQuota)
	setIf(&cpu.Period, o.CPUPeriod)
	if o.CPUsetCPUs != nil {
		cpu.Cpus = *o.CPUsetCPUs
	}
	if o.CPUsetMems != nil {
		cpu.Mems = *o.CPUsetMems
	}
	if o.CPUs != nil {
		if o.CPUQuota != nil || o.CPUPeriod != nil {
			return nil, fmt.Errorf("--cpus and --cpu-period/--cpu-quota cannot be set together: %w", define.ErrInvalidArg)
		}
		period := uint64(100000)
		quota := int64(*o.CPUs * float64(period))
		cpu.Period, cpu.Quota = &period, &quota
	}
	if o.PidsLimit != nil {
		res.Pids = &specs.LinuxPids{Limit: o.PidsLimit}
	}
	if o.BlkioWeight != nil {
		if res.BlockIO == nil {
			res.BlockIO = &specs.LinuxBlockIO{}
		}
		res.BlockIO.Weight = o.BlkioWeight
	}
	return res, nil
}

// setIf points *dst at a copy of *v when v is set.
func setIf[T any](dst **T, v *T) {
	if v != nil {
		x := *v
		*dst = &x
	}
}

// resources are the container's cgroup resources: update's, else its
// spec's.
func (c *Container) resources() *specs.LinuxResources {
	if c.state != nil && c.state.Resources != nil {
		return c.state.Resources
	}
	if c.config.Spec == nil || c.config.Spec.Linux == nil {
		return nil
	}
	return c.config.Spec.Linux.Resources
}

// restartPolicy is the container's restart policy: update's, else the
// one it was created with.
func (c *Container) restartPolicy() define.RestartPolicy {
	if c.state != nil && c.state.RestartPolicy != nil {
		return *c.state.RestartPolicy
	}
	return c.config.RestartPolicy
}
