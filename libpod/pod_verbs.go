package libpod

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"syscall"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/stats"
	"github.com/podlite/podlite/libpod/top"
)

// podEvent reports a pod event as podman does: the pod's ID and name,
// type pod.
func (p *Pod) podEvent(status events.Status) {
	p.rt.emit(events.Event{ID: p.ID(), Name: p.Name(), Status: status, Type: events.Pod})
}

// LatestPod returns the most recently created pod (--latest).
func (r *Runtime) LatestPod() (*Pod, error) {
	all, err := r.Pods()
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("no pods to choose the latest from: %w", define.ErrNotFound)
	}
	return all[len(all)-1], nil
}

// eachPodContainer runs fn on the pod's containers whose status keep
// accepts (infra first, or infra last with reverse), holding the pod's
// lock; every container is tried and the failures are returned together.
func (r *Runtime) eachPodContainer(nameOrID string, reverse bool, keep func(define.ContainerStatus) bool, fn func(*Container) error) (*Pod, error) {
	p, err := r.LookupPod(nameOrID)
	if err != nil {
		return nil, err
	}
	return p, r.withPodLock(p.ID(), func() error {
		ctrs, err := p.Containers()
		if err != nil {
			return err
		}
		if reverse {
			slices.Reverse(ctrs)
		}
		var errs []error
		for _, c := range ctrs {
			if keep(c.state.Status) {
				if err := fn(c); err != nil {
					errs = append(errs, err)
				}
			}
		}
		return errors.Join(errs...)
	})
}

// KillPod sends sig to every running or paused container of the pod, the
// infra last; the others are skipped, as podman skips them.
func (r *Runtime) KillPod(ctx context.Context, nameOrID string, sig syscall.Signal) (*Pod, error) {
	p, err := r.eachPodContainer(nameOrID, true, func(s define.ContainerStatus) bool {
		return s == define.StatusRunning || s == define.StatusPaused
	}, func(c *Container) error { return c.Kill(ctx, sig) })
	if err == nil {
		p.podEvent(events.Kill)
	}
	return p, err
}

// PausePod freezes every running container of the pod (their cgroup
// freezers, as pause does for one container).
func (r *Runtime) PausePod(ctx context.Context, nameOrID string) (*Pod, error) {
	if err := r.needCgroups("pausing pod " + nameOrID); err != nil {
		return nil, err
	}
	p, err := r.eachPodContainer(nameOrID, false, func(s define.ContainerStatus) bool { return s == define.StatusRunning },
		func(c *Container) error { return c.Pause(ctx) })
	if err == nil {
		p.podEvent(events.Pause)
	}
	return p, err
}

// UnpausePod thaws every paused container of the pod.
func (r *Runtime) UnpausePod(ctx context.Context, nameOrID string) (*Pod, error) {
	p, err := r.eachPodContainer(nameOrID, false, func(s define.ContainerStatus) bool { return s == define.StatusPaused },
		func(c *Container) error { return c.Unpause(ctx) })
	if err == nil {
		p.podEvent(events.Unpause)
	}
	return p, err
}

// RestartPod stops the pod's containers (the infra last) and starts them
// again (the infra first), reported as podman does: stop, then start.
func (r *Runtime) RestartPod(ctx context.Context, nameOrID string, timeout *uint) (*Pod, error) {
	p, err := r.LookupPod(nameOrID)
	if err != nil {
		return nil, err
	}
	err = r.withPodLock(p.ID(), func() error {
		if err := p.stopLocked(ctx, timeout); err != nil {
			return err
		}
		p.podEvent(events.Stop)
		if err := p.startLocked(ctx); err != nil {
			return err
		}
		p.podEvent(events.Start)
		return nil
	})
	return p, err
}

// PrunePods removes every exited pod (podman's: none of its containers
// running, paused or only created) and returns their IDs.
func (r *Runtime) PrunePods(ctx context.Context) ([]string, error) {
	all, err := r.Pods()
	if err != nil {
		return nil, err
	}
	var pruned []string
	var errs []error
	for _, p := range all {
		ctrs, err := p.Containers()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if PodStatus(ctrs) != "Exited" {
			continue
		}
		if err := r.RemovePod(ctx, p.ID(), false, nil); err != nil {
			errs = append(errs, err)
			continue
		}
		pruned = append(pruned, p.ID())
	}
	return pruned, errors.Join(errs...)
}

// Top lists the processes of every running container of the pod (the
// infra first) in one table with podman's descriptors, as podman's pod
// top does; ps(1)'s own options are for one container's top only.
func (p *Pod) Top(descriptors []string) ([][]string, error) {
	if !top.Known(descriptors) {
		return nil, fmt.Errorf("pod top takes podman's format descriptors only (%s): %w",
			strings.Join(descriptors, " "), define.ErrInvalidArg)
	}
	ctrs, err := p.Containers()
	if err != nil {
		return nil, err
	}
	var table [][]string
	for _, c := range ctrs {
		if c.state.Status != define.StatusRunning {
			continue
		}
		rows, err := c.Top(descriptors)
		if errors.Is(err, define.ErrInvalidState) {
			continue // stopped meanwhile
		}
		if err != nil {
			return nil, err
		}
		if table != nil && len(rows) > 0 {
			rows = rows[1:] // one header
		}
		table = append(table, rows...)
	}
	if table == nil {
		// podman's words.
		return nil, fmt.Errorf("no containers running in pod %s: %w", p.Name(), define.ErrInvalidState)
	}
	return table, nil
}

// LogContainers are the containers `pod logs` reads: the pod's but the
// infra (it logs nothing), or only the one named by nameOrID.
func (p *Pod) LogContainers(nameOrID string) ([]*Container, error) {
	ctrs, err := p.Containers()
	if err != nil {
		return nil, err
	}
	if nameOrID != "" {
		c, err := p.rt.LookupContainer(nameOrID)
		if err != nil {
			return nil, err
		}
		if c.config.Pod != p.ID() {
			return nil, fmt.Errorf("container %s is not in pod %s: %w", c.Name(), p.Name(), define.ErrNotFound)
		}
		return []*Container{c}, nil
	}
	return slices.DeleteFunc(ctrs, func(c *Container) bool { return c.ID() == p.InfraID() }), nil
}

// Stats samples every running or paused container of the pod (the infra
// first), as
// stats does for one; prev holds each container's last sample, by ID, for
// the CPU percentages, and receives the new ones.
func (p *Pod) Stats(prev map[string]*stats.ContainerStats) ([]*stats.ContainerStats, error) {
	ctrs, err := p.Containers()
	if err != nil {
		return nil, err
	}
	var out []*stats.ContainerStats
	for _, c := range ctrs {
		if c.state.Status != define.StatusRunning && c.state.Status != define.StatusPaused {
			continue
		}
		st, err := c.Stats(prev[c.ID()])
		if err != nil {
			return nil, err
		}
		prev[c.ID()] = st
		out = append(out, st)
	}
	return out, nil
}
