package libpod

import (
	"errors"
	"fmt"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/systemd"
)

// SystemdUnits returns the systemd units of a container, or of a pod and
// its containers (the pod's unit first), as `generate systemd` prints
// them; pkg/systemd writes them from what this reads of the records.
func (r *Runtime) SystemdUnits(nameOrID string, o *systemd.Options) ([]*systemd.Unit, error) {
	if o.Checkpoint {
		// Said now, not at the first stop of the unit.
		if err := r.CheckpointUnitsPossible(); err != nil {
			return nil, fmt.Errorf("cannot generate a checkpointing unit: %w: %w", err, define.ErrNotSupported)
		}
	}
	c, err := r.LookupContainer(nameOrID)
	if err == nil {
		if c.config.Pod != "" && c.config.ID == r.infraOf(c) {
			return nil, fmt.Errorf("%s is the infra container of a pod: generate the units of the pod: %w", nameOrID, define.ErrInvalidArg)
		}
		u, err := systemd.ContainerUnit(c.systemdInfo(), o)
		if err != nil {
			return nil, fmt.Errorf("generating the unit of container %s: %w: %w", c.config.Name, err, define.ErrInvalidArg)
		}
		return []*systemd.Unit{u}, nil
	}
	if !errors.Is(err, define.ErrNotFound) {
		return nil, err
	}
	p, podErr := r.LookupPod(nameOrID)
	if podErr != nil {
		if errors.Is(podErr, define.ErrNotFound) {
			return nil, fmt.Errorf("%s does not refer to a container or pod: %w", nameOrID, define.ErrNotFound)
		}
		return nil, podErr
	}
	sp, err := p.systemdInfo()
	if err != nil {
		return nil, err
	}
	units, err := systemd.PodUnits(sp, o)
	if err != nil {
		return nil, fmt.Errorf("generating the units of pod %s: %w: %w", p.config.Name, err, define.ErrInvalidArg)
	}
	return units, nil
}

// infraOf is the ID of the infra container of c's pod ("" when unknown).
func (r *Runtime) infraOf(c *Container) string {
	p, err := r.podByID(c.config.Pod)
	if err != nil {
		return ""
	}
	return p.InfraID()
}

// systemdInfo is what a unit needs of the container.
func (c *Container) systemdInfo() *systemd.Container {
	env := c.state.Env
	if env == nil && c.config.Spec != nil && c.config.Spec.Process != nil {
		env = c.config.Spec.Process.Env
	}
	return &systemd.Container{
		ID: c.config.ID, Name: c.config.Name, StopTimeout: c.config.StopTimeout,
		RestartPolicy: c.config.RestartPolicy.Name, CreateCommand: c.config.CreateCommand,
		PIDFile: c.SupervisorPidFile(), RunRoot: c.rt.cfg.RunRoot, Env: env,
	}
}

// systemdInfo is what the units of a pod need of it and its containers.
func (p *Pod) systemdInfo() (*systemd.Pod, error) {
	ctrs, err := p.Containers()
	if err != nil {
		return nil, err
	}
	sp := &systemd.Pod{ID: p.config.ID, Name: p.config.Name, CreateCommand: p.config.CreateCommand}
	for _, c := range ctrs {
		if c.config.ID == p.InfraID() {
			sp.Infra = c.systemdInfo()
			continue
		}
		sp.Members = append(sp.Members, c.systemdInfo())
	}
	return sp, nil
}
