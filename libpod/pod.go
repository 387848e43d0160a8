package libpod

import (
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/names"
	"github.com/podlite/podlite/libpod/state"
)

// Pod is a group of containers that share namespaces with the pod's infra
// container, which owns the pod's network sandbox. A pod's status is not
// stored: it follows from its containers'.
type Pod struct {
	rt     *Runtime
	config *define.PodConfig
	state  *define.PodState
}

// ID returns the pod's full ID.
func (p *Pod) ID() string { return p.config.ID }

// Name returns the pod's name.
func (p *Pod) Name() string { return p.config.Name }

// Config returns the pod's configuration; callers must not change it.
func (p *Pod) Config() *define.PodConfig { return p.config }

// InfraID is the infra container's ID ("" for a pod without one).
func (p *Pod) InfraID() string { return p.state.InfraID }

// dir is the pod's own directory: the infra's empty rootfs.
func (p *Pod) dir() string { return podDir(p.rt, p.config.ID) }

func podDir(r *Runtime, id string) string { return filepath.Join(r.cfg.Root, "pods", id) }

// LookupPod finds a pod by name, full ID or unique ID prefix.
func (r *Runtime) LookupPod(nameOrID string) (*Pod, error) {
	id, err := r.store.LookupPod(names.Trim(nameOrID))
	if err != nil {
		return nil, err
	}
	return r.podByID(id)
}

func (r *Runtime) podByID(id string) (*Pod, error) {
	rec, err := r.store.Pod(id)
	if err != nil {
		return nil, err
	}
	return &Pod{rt: r, config: rec.Config, state: rec.State}, nil
}

// Pods returns every pod, oldest first.
func (r *Runtime) Pods() ([]*Pod, error) {
	recs, err := r.store.AllPods()
	if err != nil {
		return nil, err
	}
	out := make([]*Pod, 0, len(recs))
	for _, rec := range recs {
		out = append(out, podFromRecord(r, rec))
	}
	return out, nil
}

func podFromRecord(r *Runtime, rec state.PodRecord) *Pod {
	return &Pod{rt: r, config: rec.Config, state: rec.State}
}

// Containers returns the pod's containers, the infra first, then the
// others oldest first, with their states as Runtime.Containers derives
// them.
func (p *Pod) Containers() ([]*Container, error) {
	all, err := p.rt.Containers()
	if err != nil {
		return nil, err
	}
	var infra, others []*Container
	for _, c := range all {
		switch {
		case c.config.Pod != p.config.ID:
		case c.config.ID == p.state.InfraID:
			infra = append(infra, c)
		default:
			others = append(others, c)
		}
	}
	return append(infra, others...), nil
}

// withPodLock runs fn holding the pod's lock (libpod/doc.go gives the
// order: a pod's lock before its containers').
func (r *Runtime) withPodLock(id string, fn func() error) error {
	unlock, err := r.lockPod(id)
	if err != nil {
		return err
	}
	defer unlock()
	return fn()
}

// lockPod takes the pod's lock and returns what releases it.
func (r *Runtime) lockPod(id string) (func(), error) {
	l, err := r.locks.Locker(id)
	if err != nil {
		return nil, err
	}
	if err := l.Lock(); err != nil {
		return nil, fmt.Errorf("locking pod %s: %w", id, err)
	}
	return func() {
		if err := l.Unlock(); err != nil {
			slog.Warn("unlocking a pod", "pod", id, "error", err)
		}
	}, nil
}

// PodStatus is podman's status of a pod from its containers': Created,
// Running, Degraded (some running), Paused or Exited.
func PodStatus(ctrs []*Container) string {
	count := map[define.ContainerStatus]int{}
	for _, c := range ctrs {
		count[c.state.Status]++
	}
	n := len(ctrs)
	switch running := count[define.StatusRunning]; {
	case n == 0:
		return "Created"
	case running == n:
		return "Running"
	case running > 0:
		return "Degraded"
	case count[define.StatusPaused] == n:
		return "Paused"
	case count[define.StatusCreated]+count[define.StatusInitialized] == n:
		return "Created"
	}
	return "Exited"
}
