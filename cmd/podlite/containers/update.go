package containers

import (
	"context"
	"fmt"
	"os"
	"strings"

	units "github.com/docker/go-units"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/spec"
)

type updateFlags struct {
	memory, memoryReservation, memorySwap string
	memorySwappiness                      int64
	cpuShares, cpuPeriod                  uint64
	cpuQuota, pidsLimit                   int64
	cpus                                  float64
	cpusetCPUs, cpusetMems, restart       string
	blkioWeight                           uint16
	cpuRtPeriod                           uint64
	cpuRtRuntime                          int64
	blockIO                               spec.ResourceFlags
	env, unsetenv, ulimits                []string
	health                                healthFlags
	latest                                bool
}

func newUpdateCommand(g *common.Globals) *cobra.Command {
	var f updateFlags
	cmd := &cobra.Command{
		Use:               "update [options] CONTAINER",
		Short:             "Update the resources of a container",
		Args:              common.RangeArgs(0, 1),
		Example:           "  podlite update --cpus 0.5 web\n  podlite update -m 256m --pids-limit 100 web\n  podlite update --latest --restart always",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := f.options(cmd.Flags())
			if err != nil {
				return err
			}
			name := ""
			if len(args) == 1 {
				name = args[0]
			} else if !f.latest {
				return fmt.Errorf("specify a container name or ID, or --latest: %w", define.ErrInvalidArg)
			}
			c, err := oneContainer(g, name, f.latest)
			if err != nil {
				return err
			}
			if err := c.Update(context.Background(), o); err != nil {
				return err
			}
			fmt.Fprintln(os.Stdout, c.ID())
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.memory, "memory", "m", "", "memory limit (format: <number>[<unit>], where unit = b, k, m or g)")
	fl.StringVar(&f.memoryReservation, "memory-reservation", "", "memory soft limit (format: <number>[<unit>])")
	fl.StringVar(&f.memorySwap, "memory-swap", "", "swap limit equal to memory plus swap: -1 for unlimited")
	fl.Int64Var(&f.memorySwappiness, "memory-swappiness", -1, "tune the container's memory swappiness (0 to 100)")
	fl.Uint64VarP(&f.cpuShares, "cpu-shares", "c", 0, "CPU shares (relative weight)")
	fl.Uint64Var(&f.cpuPeriod, "cpu-period", 0, "limit the CPU CFS (Completely Fair Scheduler) period")
	fl.Int64Var(&f.cpuQuota, "cpu-quota", 0, "limit the CPU CFS (Completely Fair Scheduler) quota")
	fl.Float64Var(&f.cpus, "cpus", 0, "number of CPUs")
	fl.StringVar(&f.cpusetCPUs, "cpuset-cpus", "", "CPUs in which to allow execution (0-3, 0,1)")
	fl.StringVar(&f.cpusetMems, "cpuset-mems", "", "memory nodes (MEMs) in which to allow execution (0-3, 0,1)")
	fl.Int64Var(&f.pidsLimit, "pids-limit", 0, "tune container pids limit (-1 for unlimited)")
	fl.Uint16Var(&f.blkioWeight, "blkio-weight", 0, "block IO weight (relative weight) accepts a weight value between 10 and 1000")
	fl.Uint64Var(&f.cpuRtPeriod, "cpu-rt-period", 0, "limit the CPU real-time period in microseconds")
	fl.Int64Var(&f.cpuRtRuntime, "cpu-rt-runtime", 0, "limit the CPU real-time runtime in microseconds")
	fl.StringArrayVar(&f.blockIO.BlkioWeightDevice, "blkio-weight-device", nil, "block IO weight of a device (DEVICE_NAME:WEIGHT)")
	fl.StringArrayVar(&f.blockIO.DeviceReadBps, "device-read-bps", nil, "limit read rate (bytes per second) from a device (e.g. --device-read-bps=/dev/sda:1mb)")
	fl.StringArrayVar(&f.blockIO.DeviceReadIOPS, "device-read-iops", nil, "limit read rate (IO per second) from a device (e.g. --device-read-iops=/dev/sda:1000)")
	fl.StringArrayVar(&f.blockIO.DeviceWriteBps, "device-write-bps", nil, "limit write rate (bytes per second) to a device (e.g. --device-write-bps=/dev/sda:1mb)")
	fl.StringArrayVar(&f.blockIO.DeviceWriteIOPS, "device-write-iops", nil, "limit write rate (IO per second) to a device (e.g. --device-write-iops=/dev/sda:1000)")
	fl.StringArrayVarP(&f.env, "env", "e", nil, "set environment variables for the next start (and exec)")
	fl.StringArrayVar(&f.unsetenv, "unsetenv", nil, "unset environment variables for the next start (and exec)")
	fl.StringArrayVar(&f.ulimits, "ulimit", nil, "set a resource limit (NAME=SOFT[:HARD]) for the next start (and exec)")
	fl.StringVar(&f.restart, "restart", "", "restart policy: no, on-failure[:max_retries], always, unless-stopped")
	fl.BoolVarP(&f.latest, "latest", "l", false, "act on the latest container")
	f.health.register(fl)
	return cmd
}

// options copies the flags given into libpod's options.
func (f *updateFlags) options(fl *pflag.FlagSet) (libpod.UpdateOptions, error) {
	var o libpod.UpdateOptions
	size := func(name, v string) (*int64, error) {
		if !fl.Changed(name) {
			return nil, nil
		}
		if v == "-1" {
			n := int64(-1)
			return &n, nil
		}
		n, err := units.RAMInBytes(v)
		if err != nil {
			return nil, fmt.Errorf("invalid --%s %q: %w", name, v, define.ErrInvalidArg)
		}
		return &n, nil
	}
	var err error
	if o.Memory, err = size("memory", f.memory); err != nil {
		return o, err
	}
	if o.MemoryReservation, err = size("memory-reservation", f.memoryReservation); err != nil {
		return o, err
	}
	if o.MemorySwap, err = size("memory-swap", f.memorySwap); err != nil {
		return o, err
	}
	if fl.Changed("memory-swappiness") {
		if f.memorySwappiness < 0 || f.memorySwappiness > 100 {
			return o, fmt.Errorf("invalid --memory-swappiness %d: must be 0 to 100: %w", f.memorySwappiness, define.ErrInvalidArg)
		}
		v := uint64(f.memorySwappiness)
		o.MemorySwappiness = &v
	}
	if fl.Changed("blkio-weight") && (f.blkioWeight < 10 || f.blkioWeight > 1000) {
		return o, fmt.Errorf("invalid --blkio-weight %d: must be 10 to 1000: %w", f.blkioWeight, define.ErrInvalidArg)
	}
	changed := func(name string) bool { return fl.Changed(name) }
	o.CPUShares = pointerIf(changed("cpu-shares"), f.cpuShares)
	o.CPUPeriod = pointerIf(changed("cpu-period"), f.cpuPeriod)
	o.CPUQuota = pointerIf(changed("cpu-quota"), f.cpuQuota)
	o.CPUs = pointerIf(changed("cpus"), f.cpus)
	o.CPUsetCPUs = pointerIf(changed("cpuset-cpus"), f.cpusetCPUs)
	o.CPUsetMems = pointerIf(changed("cpuset-mems"), f.cpusetMems)
	o.PidsLimit = pointerIf(changed("pids-limit"), f.pidsLimit)
	o.BlkioWeight = pointerIf(changed("blkio-weight"), f.blkioWeight)
	o.CPURtPeriod = pointerIf(changed("cpu-rt-period"), f.cpuRtPeriod)
	o.CPURtRuntime = pointerIf(changed("cpu-rt-runtime"), f.cpuRtRuntime)
	o.BlockIODevices = f.blockIO
	o.Env, o.Unsetenv, o.Ulimits = f.env, f.unsetenv, f.ulimits
	healthGiven := false
	fl.Visit(func(flag *pflag.Flag) {
		healthGiven = healthGiven || strings.HasPrefix(flag.Name, "health-") || flag.Name == "no-healthcheck"
	})
	if healthGiven {
		h := f.health.options(fl)
		o.Health = &h
	}
	o.Restart = pointerIf(changed("restart"), f.restart)
	return o, nil
}

func pointerIf[T any](set bool, v T) *T {
	if !set {
		return nil
	}
	return &v
}
