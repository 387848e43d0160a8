package libpod

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/pods"
)

// StartPod starts the pod's containers, the infra first. Every container
// is tried; the errors of those that failed are returned together.
func (r *Runtime) StartPod(ctx context.Context, nameOrID string) (*Pod, error) {
	p, err := r.LookupPod(nameOrID)
	if err != nil {
		return nil, err
	}
	err = r.withPodLock(p.ID(), func() error { return p.startLocked(ctx) })
	if err == nil {
		p.podEvent(events.Start)
	}
	return p, err
}

func (p *Pod) startLocked(ctx context.Context) error {
	ctrs, err := p.Containers()
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range ctrs {
		if err := c.Start(ctx); err != nil {
			if c.ID() == p.InfraID() {
				return fmt.Errorf("starting the infra container of pod %s: %w", p.Name(), err)
			}
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// StopPod stops the pod's containers, the infra last, each with its own
// stop timeout unless timeout is given.
func (r *Runtime) StopPod(ctx context.Context, nameOrID string, timeout *uint) (*Pod, error) {
	p, err := r.LookupPod(nameOrID)
	if err != nil {
		return nil, err
	}
	err = r.withPodLock(p.ID(), func() error { return p.stopLocked(ctx, timeout) })
	if err == nil {
		p.podEvent(events.Stop)
	}
	return p, err
}

func (p *Pod) stopLocked(ctx context.Context, timeout *uint) error {
	ctrs, err := p.Containers()
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range slices.Backward(ctrs) {
		if err := c.Stop(ctx, timeout); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// RemovePod removes the pod, its containers (the infra last) and its
// directory. A pod with running containers is refused unless force, which
// stops them first (with timeout, else killing them at once).
func (r *Runtime) RemovePod(ctx context.Context, nameOrID string, force bool, timeout *uint) error {
	p, err := r.LookupPod(nameOrID)
	if err != nil {
		return err
	}
	return r.withPodLock(p.ID(), func() error {
		ctrs, err := p.Containers()
		if err != nil {
			return err
		}
		if !force {
			for _, c := range ctrs {
				if c.IsRunning() {
					// podman's words.
					return fmt.Errorf("pod %s has containers that are not ready to be removed: cannot remove container %s as it is %s - running or paused containers cannot be removed without force: %w",
						p.ID(), c.ID(), c.state.Status, define.ErrStateImproper)
				}
			}
		}
		if force && timeout != nil {
			if err := p.stopLocked(ctx, timeout); err != nil {
				return err
			}
		}
		for _, c := range slices.Backward(ctrs) {
			if err := r.RemoveContainer(ctx, c.ID(), force, true); err != nil && !errors.Is(err, define.ErrNotFound) {
				return fmt.Errorf("removing pod %s: %w", p.Name(), err)
			}
		}
		return p.removeRecordLocked()
	})
}

// removeRecordLocked removes the record, cgroup, directory and lock of a
// pod whose containers are gone.
func (p *Pod) removeRecordLocked() error {
	if p.config.CgroupPath != "" {
		if err := pods.RemoveCgroup(p.config.CgroupPath); err != nil {
			return fmt.Errorf("removing pod %s: %w", p.Name(), err)
		}
	}
	if err := p.rt.store.RemovePod(p.ID()); err != nil {
		return err
	}
	if err := os.RemoveAll(p.dir()); err != nil {
		return fmt.Errorf("removing the directory of pod %s: %w", p.Name(), err)
	}
	p.podEvent(events.Remove)
	// Freed while held, as a container's rm frees its lock.
	return p.rt.locks.Free(p.ID())
}

// applyPodExitPolicy follows the exit of a container of a pod whose exit
// policy is stop: once no container of the pod but the infra runs, it
// stops the pod. The exited container's lock is no longer held (the pod's
// lock comes first).
func (r *Runtime) applyPodExitPolicy(ctx context.Context, cfg *define.ContainerConfig) error {
	if cfg.Pod == "" {
		return nil
	}
	p, err := r.podByID(cfg.Pod)
	if errors.Is(err, define.ErrNotFound) {
		return nil // removed meanwhile
	}
	if err != nil {
		return err
	}
	if p.config.ExitPolicy != define.PodExitStop || cfg.ID == p.InfraID() {
		return nil
	}
	return r.withPodLock(p.ID(), func() error {
		ctrs, err := p.Containers()
		if err != nil {
			return err
		}
		for _, c := range ctrs {
			if c.ID() != p.InfraID() && c.IsRunning() {
				return nil
			}
		}
		if err := p.stopLocked(ctx, nil); err != nil {
			return err
		}
		p.podEvent(events.Stop) // as podman's exit policy reports it
		return nil
	})
}
