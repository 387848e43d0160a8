package libpod

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"syscall"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/pods"
	"github.com/podlite/podlite/pkg/criu"
	"github.com/podlite/podlite/pkg/network"
)

// A pod's checkpoint is its containers' checkpoints, the infra's
// included, taken as one: every cgroup is frozen before the first dump,
// the containers are dumped with CRIU one by one while all stay frozen,
// and only when every dump succeeded are they killed (members first, the
// infra last). podlite kills them rather than CRIU, so with
// --tcp-established the pod's namespace first drops every packet: no peer
// sees a connection close, as CRIU's own kill would have kept it.
//
// The infra is checkpointed and restored with CRIU like any container,
// rather than stopped and started again: its restore goes through the
// container restore that exists, which asks the pod's networks for the
// saved addresses and MAC and holds them meanwhile (across reboots too),
// and CRIU brings back the namespaces the infra owns with what is in them
// (the pod's hostname, its SysV IPC objects), which a fresh pause process
// would lose. The members are dumped with those namespaces as external
// (net) or joined (ipc, uts) ones, and restored into the restored infra's.
//
// The dumps leave the processes running (frozen), so a failed dump undoes
// nothing but the freeze; a failed restore kills what it restored and
// marks it checkpointed again from images it kept, so the pod is whole
// either way.

// PodCheckpointOptions are `pod checkpoint`'s flags.
type PodCheckpointOptions struct {
	// Keep keeps CRIU's logs and statistics.
	Keep           bool
	LeaveRunning   bool
	TCPEstablished bool
	// Export writes the pod's checkpoint to this archive too, each
	// container's archive with Compression.
	Export      string
	Compression criu.Compression
}

// PodCRReport is what a pod's checkpoint or restore took, a report for
// each of its containers in the order they were dumped or restored.
type PodCRReport struct {
	ID         string
	Containers []*CRReport
}

// CheckpointPod checkpoints every running container of the pod as one
// (see above); unless LeaveRunning, the pod then has exited and
// checkpointed containers and its address stays held until the pod is
// restored or removed.
func (r *Runtime) CheckpointPod(ctx context.Context, nameOrID string, opts PodCheckpointOptions) (*PodCRReport, error) {
	p, err := r.LookupPod(nameOrID)
	if err != nil {
		return nil, err
	}
	if err := r.podCRAsRoot("checkpointing a pod"); err != nil {
		return nil, err
	}
	if err := checkPodCR(p); err != nil {
		return nil, err
	}
	if opts.Export != "" {
		if opts.Compression, err = criu.ParseCompression(string(opts.Compression)); err != nil {
			return nil, err
		}
	}
	if err := criu.CheckVersion(); err != nil {
		return nil, err
	}
	report := &PodCRReport{ID: p.ID()}
	err = p.underLock(events.Checkpoint, func() ([]*Container, error) { return p.checkpointLocked(ctx, opts, report) })
	if err != nil {
		return nil, err
	}
	return report, nil
}

// underLock runs a pod's checkpoint or restore holding the pod's lock,
// then reports status for each container it returns.
func (p *Pod) underLock(status events.Status, run func() ([]*Container, error)) error {
	var done []*Container
	err := p.rt.withPodLock(p.ID(), func() (err error) {
		done, err = run()
		return err
	})
	if err != nil {
		return err
	}
	for _, c := range done {
		c.newEvent(status)
	}
	return nil
}

// podCRAsRoot refuses a pod's checkpoint or restore to an ordinary user:
// the container checkpoint's helper serves one container at a time, and
// the pod's namespace lock needs the host's iptables.
func (r *Runtime) podCRAsRoot(what string) error {
	if r.cfg.Rootless {
		return fmt.Errorf("%s requires root: %w", what, define.ErrNotSupported)
	}
	return nil
}

// checkPodCR refuses the pods whose checkpoint podlite cannot restore: one
// without an infra (nothing to restore its members into), and one whose
// members share the infra's PID namespace (CRIU would have to restore
// the infra as that namespace's init with the members' processes in it)
// or cgroup namespace (runc cannot restore into a cgroup namespace).
func checkPodCR(p *Pod) error {
	switch {
	case p.InfraID() == "":
		return fmt.Errorf("pod %s has no infra container: checkpoint its containers one by one: %w", p.Name(), define.ErrNotSupported)
	case pods.Shares(p.config, define.SharePID), pods.Shares(p.config, define.ShareCgroup):
		return fmt.Errorf("pod %s shares its pid or cgroup namespace: its checkpoint and restore are not supported: %w", p.Name(), define.ErrNotSupported)
	}
	return nil
}

// checkpointLocked freezes, dumps and (unless LeaveRunning) kills the
// pod's running containers, then writes pod.dump and the archive asked
// for. It returns the containers checkpointed, the members first.
func (p *Pod) checkpointLocked(ctx context.Context, opts PodCheckpointOptions, report *PodCRReport) ([]*Container, error) {
	ctrs, err := p.Containers()
	if err != nil {
		return nil, err
	}
	var order []*Container // the members, then the infra
	for _, c := range slices.Backward(ctrs) {
		switch c.state.Status {
		case define.StatusRunning:
			order = append(order, c)
		case define.StatusPaused:
			return nil, fmt.Errorf("cannot checkpoint pod %s: container %s is paused: %w", p.Name(), c.Name(), define.ErrInvalidState)
		}
	}
	if len(order) == 0 || order[len(order)-1].ID() != p.InfraID() {
		return nil, fmt.Errorf("cannot checkpoint pod %s: it is not running: %w", p.Name(), define.ErrInvalidState)
	}
	thaw, err := freezeAll(order)
	if err != nil {
		return nil, fmt.Errorf("checkpointing pod %s: %w", p.Name(), err)
	}
	dumpOpts := CheckpointOptions{Keep: opts.Keep, LeaveRunning: true, TCPEstablished: opts.TCPEstablished,
		podArchive: opts.Export != ""}
	// One after another: CRIU locks connections in a chain of its own in
	// the host's iptables, which runs at once would remove under each
	// other (ip6tables-restore: CHAIN_DEL failed, device busy).
	reports := make([]*CRReport, len(order))
	for i, c := range order {
		reports[i] = &CRReport{ID: c.ID()}
		err := c.withLock(func() error {
			if err := c.checkpointLocked(ctx, dumpOpts, nil, reports[i]); err != nil {
				return err
			}
			return c.rt.refreeze(c.ID())
		})
		if err != nil {
			thaw()
			return nil, fmt.Errorf("checkpointing pod %s: %w", p.Name(), err)
		}
	}
	report.Containers = reports
	if opts.LeaveRunning {
		thaw()
	} else if err := killAll(ctx, order, opts); err != nil {
		return nil, fmt.Errorf("checkpointing pod %s: %w", p.Name(), err)
	}
	restoreOrder := slices.Clone(order)
	slices.Reverse(restoreOrder)
	if err := p.writeDump(restoreOrder); err != nil {
		return nil, err
	}
	if opts.Export != "" {
		if err := p.exportLocked(restoreOrder, opts.Export, opts.Compression); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// killAll kills the dumped, frozen containers of order (the infra last)
// into their checkpoints. With TCPEstablished the pod's namespace is
// locked first, so that no peer sees the connections close; it goes with
// the infra. If one fails, those not yet killed run on: thawed, the
// namespace unlocked.
func killAll(ctx context.Context, order []*Container, opts PodCheckpointOptions) error {
	failed := func(from int, err error) error {
		for _, c := range order[from:] {
			if err := c.rt.oci().Resume(c.ID()); err != nil {
				slog.Warn("thawing a container of a pod after a failed checkpoint", "container", c.Name(), "error", err)
			}
		}
		return err
	}
	unlock := func() error { return nil }
	if opts.TCPEstablished {
		var err error
		if unlock, err = network.LockTraffic(order[len(order)-1].state.Network.NetNS); err != nil {
			return failed(0, err)
		}
	}
	for i, c := range order {
		if err := c.withLock(func() error { return c.killIntoCheckpointLocked(ctx, opts.Keep, true) }); err != nil {
			if i < len(order)-1 {
				if uerr := unlock(); uerr != nil {
					slog.Warn("unlocking the namespace of a pod after a failed checkpoint", "error", uerr)
				}
			}
			return failed(i+1, err)
		}
	}
	return nil
}

// freezeAll freezes the cgroups of ctrs, in order, without changing their
// recorded status (they are running, frozen for a moment as CRIU would
// freeze each), and returns what thaws them again. If one cannot be
// frozen, those frozen before are thawed.
func freezeAll(ctrs []*Container) (thaw func(), _ error) {
	var frozen []*Container
	thaw = func() {
		for _, c := range frozen {
			if err := c.rt.oci().Resume(c.ID()); err != nil {
				slog.Warn("thawing a container of a pod after its checkpoint", "container", c.Name(), "error", err)
			}
		}
	}
	for _, c := range ctrs {
		err := c.withLock(func() error {
			if c.state.Status != define.StatusRunning {
				return fmt.Errorf("container %s is %s, not running: %w", c.Name(), c.state.Status, define.ErrInvalidState)
			}
			if c.rt.oci().Paused(c.ID()) {
				// Recorded as running, yet frozen: left so by a pod
				// checkpoint killed midway. This one thaws it if it fails.
				return nil
			}
			return c.rt.oci().Pause(c.ID())
		})
		if err != nil {
			thaw()
			return nil, fmt.Errorf("freezing container %s: %w", c.Name(), err)
		}
		frozen = append(frozen, c)
	}
	return thaw, nil
}

// killIntoCheckpointLocked ends a container whose complete checkpoint is
// in its directory: marked checkpointed first (so that its cleanup applies
// no restart policy and keeps the checkpoint), killed, and its exit
// recorded, which holds its saved addresses and tears its network down.
// frozen says its cgroup is frozen: it is thawed once the signal is
// queued, so the processes die without running another instruction.
func (c *Container) killIntoCheckpointLocked(ctx context.Context, keep, frozen bool) error {
	c.state.Checkpointed = true
	if err := c.saveLocked(); err != nil {
		return err
	}
	if err := c.rt.oci().Signal(c.config.ID, syscall.SIGKILL, true); err != nil {
		return err
	}
	if frozen {
		if err := c.rt.oci().Resume(c.config.ID); err != nil {
			return fmt.Errorf("thawing container %s: %w", c.config.Name, err)
		}
	}
	return c.finishCheckpointLocked(ctx, CheckpointOptions{Keep: keep}, nil)
}

// refreeze freezes container id again should the dump have left its
// cgroup thawed: CRIU 4.2.1 puts a cgroup it found frozen back so after a
// dump that leaves the processes running, but nothing promises it.
func (r *Runtime) refreeze(id string) error {
	if r.oci().Paused(id) {
		return nil
	}
	slog.Debug("freezing a container of a pod again after its dump", "container", id)
	return r.oci().Pause(id)
}
