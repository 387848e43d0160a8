package oci

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/opencontainers/cgroups"
	"github.com/opencontainers/runc/libcontainer"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/pkg/criu"
	"github.com/podlite/podlite/pkg/rootless"
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
	if rootless.IsRootless() {
		// Dumped from the host's side (see pkg/rootless/criushim.go),
		// restored from the user's namespace.
		return criu.AdoptNamespaces(o.ImagesDir)
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
	if err := restoreHostname(s); err != nil {
		return nil, err
	}
	return r.createAnd(id, s, stdio, func(c *libcontainer.Container, p *libcontainer.Process) error {
		c, err := r.withoutCgroup(c)
		if err != nil {
			return err
		}
		if err := c.Restore(p, o.criu()); err != nil {
			return fmt.Errorf("restoring container %s: %w", id, err)
		}
		return nil
	})
}

// withoutCgroup reloads a user's new container c with a cgroup manager
// that has no cgroup, on cgroup v1 where an ordinary user can make none.
// libcontainer's Run tolerates a rootless manager's failure to place the
// init (cgroups.ErrRootless); its Restore does not. A container loaded
// from a saved state gets a manager with the saved paths only; the one
// saved here names no controller (an empty map would be omitted from the
// state, and the manager would then look for every controller), so the
// manager places nothing and removes only a directory that never exists.
func (r *Runtime) withoutCgroup(c *libcontainer.Container) (*libcontainer.Container, error) {
	if !rootless.IsRootless() || cgroups.IsCgroup2UnifiedMode() {
		return c, nil
	}
	st := libcontainer.State{
		BaseState:   libcontainer.BaseState{ID: c.ID(), Config: c.Config()},
		Rootless:    true,
		CgroupPaths: map[string]string{"podlite-none": filepath.Join(r.Root, c.ID(), "no-cgroup")},
	}
	data, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(r.Root, c.ID(), "state.json"), data, 0o600); err != nil {
		return nil, fmt.Errorf("saving the state of %s before its restore: %w", c.ID(), err)
	}
	loaded, err := libcontainer.Load(r.Root, c.ID())
	if err != nil {
		return nil, fmt.Errorf("reloading %s before its restore: %w", c.ID(), err)
	}
	return loaded, nil
}

// restoreHostname has a user's restore (which leaves the UTS namespace to
// podlite's criu shim, see criu.AdoptNamespaces) name the container.
func restoreHostname(s *specs.Spec) error {
	if !rootless.IsRootless() {
		return nil
	}
	if s.Linux != nil {
		for _, ns := range s.Linux.Namespaces {
			if ns.Type == specs.UTSNamespace && ns.Path == "" {
				return rootless.SetRestore(s.Hostname)
			}
		}
	}
	return rootless.SetRestore("")
}

// rootlessCRIUConf is the CRIU configuration of a user's containers:
// CRIU runs as the user (unprivileged), takes no iptables lock (the
// namespace's network belongs to podlite) and leaves cgroups alone (an
// ordinary user's container has none on cgroup v1). A configuration file
// is how libcontainer lets options through that its RPC request lacks;
// CRIU lets the file override the request.
const rootlessCRIUConf = "unprivileged\nnetwork-lock=skip\nmanage-cgroups=ignore\n"

// rootlessCRIUConfig points a user's container's spec at that file (the
// annotation ends up in libcontainer's saved config, read at checkpoint).
func (r *Runtime) rootlessCRIUConfig(s *specs.Spec) error {
	if !rootless.IsRootless() {
		return nil
	}
	if _, ok := s.Annotations[criuConfigAnnotation]; ok {
		return nil
	}
	path := filepath.Join(r.Root, "criu-rootless.conf")
	if old, err := os.ReadFile(path); err != nil || string(old) != rootlessCRIUConf {
		if err := os.MkdirAll(r.Root, 0o700); err != nil {
			return fmt.Errorf("writing the rootless CRIU configuration: %w", err)
		}
		if err := os.WriteFile(path, []byte(rootlessCRIUConf), 0o644); err != nil {
			return fmt.Errorf("writing the rootless CRIU configuration: %w", err)
		}
	}
	if s.Annotations == nil {
		s.Annotations = map[string]string{}
	}
	s.Annotations[criuConfigAnnotation] = path
	return nil
}

// criuConfigAnnotation names, in a spec, the CRIU configuration file
// libcontainer hands to CRIU.
const criuConfigAnnotation = "org.criu.config"
