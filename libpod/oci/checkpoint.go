package oci

import (
	"fmt"

	"github.com/opencontainers/runc/libcontainer"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// CheckpointOptions are what CRIU is asked to do on a dump or restore.
type CheckpointOptions struct {
	// ImagesDir holds CRIU's images; WorkDir its logs and stats.
	ImagesDir, WorkDir string
	LeaveRunning       bool
	TCPEstablished     bool
	FileLocks          bool
}

func (o CheckpointOptions) criu() *libcontainer.CriuOpts {
	return &libcontainer.CriuOpts{
		ImagesDirectory: o.ImagesDir,
		WorkDirectory:   o.WorkDir,
		LeaveRunning:    o.LeaveRunning,
		TcpEstablished:  o.TCPEstablished,
		FileLocks:       o.FileLocks,
		// The container's network namespace is podlite's (a path in its
		// spec): CRIU treats it as external and restore joins the new one.
		ManageCgroupsMode: "soft",
	}
}

// Checkpoint dumps container id with CRIU. Unless LeaveRunning, its
// processes are gone afterwards.
func (r *Runtime) Checkpoint(id string, o CheckpointOptions) error {
	c, err := r.load(id)
	if err != nil {
		return err
	}
	if err := c.Checkpoint(o.criu()); err != nil {
		return fmt.Errorf("checkpointing container %s: %w", id, err)
	}
	return nil
}

// Restore creates container id from spec s and restores its processes from
// the images in o.ImagesDir, with stdio as the restored init's streams.
// The calling process becomes the restored init's parent.
func (r *Runtime) Restore(id string, s *specs.Spec, stdio Stdio, o CheckpointOptions) (*Process, error) {
	return r.createAnd(id, s, stdio, func(c *libcontainer.Container, p *libcontainer.Process) error {
		if err := c.Restore(p, o.criu()); err != nil {
			return fmt.Errorf("restoring container %s: %w", id, err)
		}
		return nil
	})
}
