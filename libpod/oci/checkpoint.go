package oci

import (
	"fmt"

	"github.com/opencontainers/runc/libcontainer"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// CheckpointOptions are what CRIU is asked to do on a dump or restore.
type CheckpointOptions struct {
	// ImagesDir holds CRIU's images; WorkDir its logs and stats.
	ImagesDir, WorkDir string
	LeaveRunning       bool
	TCPEstablished     bool
	FileLocks          bool
	// PageServerAddress and Port, on a dump, send the memory pages to a
	// page server instead of the images; with LazyPages, CRIU serves them
	// itself on the port (on every address: its RPC takes no address for
	// that). A restore never names them: the lazy-pages daemon does.
	PageServerAddress string `json:",omitempty"`
	PageServerPort    int32  `json:",omitempty"`
	// LazyPages dumps everything but the memory pages, which then wait
	// for the restore side (the container stays frozen until it has
	// them all), or restores with the pages fetched on demand.
	LazyPages bool `json:",omitempty"`
	// Ready is called on a lazy dump once the images without memory are
	// written and CRIU serves the pages: the restore may start. The dump
	// goes on when it returns. Not part of a restore's saved options.
	Ready func() `json:"-"`
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
		PageServer:        libcontainer.CriuPageServerInfo{Address: o.PageServerAddress, Port: o.PageServerPort},
		LazyPages:         o.LazyPages,
		StatusFd:          -1,
	}
}

// Checkpoint dumps container id with CRIU. Unless LeaveRunning, its
// processes are gone afterwards.
func (r *Runtime) Checkpoint(id string, o CheckpointOptions) error {
	c, err := r.load(id)
	if err != nil {
		return err
	}
	opts := o.criu()
	if o.LazyPages && o.Ready != nil {
		wait, err := notifyReady(opts, o.Ready)
		if err != nil {
			return err
		}
		defer wait()
	}
	if err := c.Checkpoint(opts); err != nil {
		return fmt.Errorf("checkpointing container %s: %w", id, err)
	}
	return nil
}

// notifyReady gives libcontainer a pipe as the lazy dump's status
// descriptor, on which it writes one byte when CRIU serves the pages, and
// calls ready when that byte arrives. The returned wait, called after the
// dump, closes the pipe (unless libcontainer did) and waits for ready to
// have returned.
func notifyReady(opts *libcontainer.CriuOpts, ready func()) (wait func(), _ error) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return nil, fmt.Errorf("creating the status pipe of a lazy dump: %w", err)
	}
	opts.StatusFd = p[1]
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer unix.Close(p[0])
		var b [1]byte
		if n, _ := unix.Read(p[0], b[:]); n == 1 {
			ready()
		}
	}()
	return func() {
		// libcontainer closes the descriptor, and sets it to -1, once
		// it has written to it.
		if opts.StatusFd != -1 {
			_ = unix.Close(opts.StatusFd)
		}
		<-done
	}, nil
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
