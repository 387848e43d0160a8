package libpod

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/health"
	"github.com/podlite/podlite/libpod/spec"
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
	CPURtPeriod                           *uint64
	CPURtRuntime                          *int64
	// BlockIODevices are the per-device flags (--blkio-weight-device,
	// --device-read-bps, …); each device given replaces that device's
	// value of the same kind.
	BlockIODevices spec.ResourceFlags
	// Restart is a restart policy as --restart takes it.
	Restart *string
	// Env are --env values (KEY=V, or KEY for the host's value) set over
	// the container's environment after Unsetenv's keys are removed from
	// it; both take effect at the next start, and at once for exec.
	Env, Unsetenv []string
	// Ulimits are --ulimit values (NAME=SOFT[:HARD]), each replacing that
	// limit for the next start, and for exec at once.
	Ulimits []string
	// Health are the --health-* flags given (nil for none), applied to
	// the container's check for its next start (health.Update's rules).
	Health *health.Options
}

// changesResources reports whether o changes anything but the restart
// policy.
func (o UpdateOptions) changesResources() bool {
	return o.Memory != nil || o.MemoryReservation != nil || o.MemorySwap != nil || o.MemorySwappiness != nil ||
		o.CPUShares != nil || o.CPUPeriod != nil || o.CPUQuota != nil || o.CPUs != nil ||
		o.CPUsetCPUs != nil || o.CPUsetMems != nil || o.PidsLimit != nil || o.BlkioWeight != nil ||
		o.CPURtPeriod != nil || o.CPURtRuntime != nil || o.blockIODevicesGiven()
}

func (o UpdateOptions) blockIODevicesGiven() bool {
	d := o.BlockIODevices
	return len(d.BlkioWeightDevice)+len(d.DeviceReadBps)+len(d.DeviceWriteBps)+len(d.DeviceReadIOPS)+len(d.DeviceWriteIOPS) > 0
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
		if len(o.Env) > 0 || len(o.Unsetenv) > 0 {
			if c.state.Env, err = updatedEnv(c.env(), o.Env, o.Unsetenv); err != nil {
				return err
			}
		}
		if len(o.Ulimits) > 0 {
			if c.state.Rlimits, err = updatedRlimits(c.rlimits(), o.Ulimits); err != nil {
				return err
			}
		}
		if o.Health != nil {
			hc, err := health.Update(c.health(), *o.Health)
			if err != nil {
				return err
			}
			c.state.Health, c.state.HealthRemoved = hc, hc == nil
		}
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
	setIf(&cpu.RealtimePeriod, o.CPURtPeriod)
	setIf(&cpu.RealtimeRuntime, o.CPURtRuntime)
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
	if o.BlkioWeight != nil || o.blockIODevicesGiven() {
		if res.BlockIO == nil {
			res.BlockIO = &specs.LinuxBlockIO{}
		}
		setIf(&res.BlockIO.Weight, o.BlkioWeight)
		if err := mergeBlockIODevices(res.BlockIO, o.BlockIODevices); err != nil {
			return nil, err
		}
	}
	if c.config.Spec != nil && c.config.Spec.Linux != nil {
		if err := spec.CheckRtBudget(c.config.Spec.Linux.CgroupsPath, cpu); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// mergeBlockIODevices sets the per-device flags f in b: a device given
// replaces its entry of the same kind, the others stay.
func mergeBlockIODevices(b *specs.LinuxBlockIO, f spec.ResourceFlags) error {
	n, err := spec.BlockIODevices(&f)
	if err != nil || n == nil {
		return err
	}
	for _, d := range n.WeightDevice {
		b.WeightDevice = slices.DeleteFunc(b.WeightDevice, func(o specs.LinuxWeightDevice) bool { return o.Major == d.Major && o.Minor == d.Minor })
		b.WeightDevice = append(b.WeightDevice, d)
	}
	for _, t := range []struct{ dst, src *[]specs.LinuxThrottleDevice }{
		{&b.ThrottleReadBpsDevice, &n.ThrottleReadBpsDevice}, {&b.ThrottleWriteBpsDevice, &n.ThrottleWriteBpsDevice},
		{&b.ThrottleReadIOPSDevice, &n.ThrottleReadIOPSDevice}, {&b.ThrottleWriteIOPSDevice, &n.ThrottleWriteIOPSDevice},
	} {
		for _, d := range *t.src {
			*t.dst = slices.DeleteFunc(*t.dst, func(o specs.LinuxThrottleDevice) bool { return o.Major == d.Major && o.Minor == d.Minor })
			*t.dst = append(*t.dst, d)
		}
	}
	return nil
}

// updatedEnv is env without the unset keys, with values set over it.
func updatedEnv(env, values, unset []string) ([]string, error) {
	set, err := layerEnv(nil, nil, values)
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return slices.Contains(unset, k)
	})
	return mergeEnv(out, set), nil
}

// updatedRlimits is cur with each of the ulimits replacing its limit.
func updatedRlimits(cur []specs.POSIXRlimit, ulimits []string) ([]specs.POSIXRlimit, error) {
	out := slices.Clone(cur)
	for _, v := range ulimits {
		u, err := spec.ParseUlimit(v)
		if err != nil {
			return nil, err
		}
		if err := spec.CheckUlimit(u); err != nil {
			return nil, err
		}
		out = append(slices.DeleteFunc(out, func(r specs.POSIXRlimit) bool { return r.Type == u.Type }), u)
	}
	return out, nil
}

// rlimits are the container's rlimits: update's, else its spec's.
func (c *Container) rlimits() []specs.POSIXRlimit {
	if c.state != nil && c.state.Rlimits != nil {
		return c.state.Rlimits
	}
	if c.config.Spec == nil || c.config.Spec.Process == nil {
		return nil
	}
	return c.config.Spec.Process.Rlimits
}

// health is the container's health check: update's, else the one it was
// created with; nil for none.
func (c *Container) health() *define.HealthCheck {
	switch {
	case c.state != nil && c.state.HealthRemoved:
		return nil
	case c.state != nil && c.state.Health != nil:
		return c.state.Health
	}
	return c.config.Health
}

// env is the container's environment: update's, else its spec's.
func (c *Container) env() []string {
	if c.state != nil && c.state.Env != nil {
		return c.state.Env
	}
	if c.config.Spec == nil || c.config.Spec.Process == nil {
		return nil
	}
	return c.config.Spec.Process.Env
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
