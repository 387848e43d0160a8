package oci

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	_ "github.com/opencontainers/cgroups/devices" // device cgroup rules, as runc's main registers them
	"github.com/opencontainers/runc/libcontainer"
	"github.com/opencontainers/runc/libcontainer/configs"
	_ "github.com/opencontainers/runc/libcontainer/nsenter" // the C half of "podlite init"
	"github.com/opencontainers/runc/libcontainer/specconv"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/spec"
	"github.com/podlite/podlite/pkg/rootless"
)

// Init is the entry point of a re-executed "podlite init": it becomes the
// container's init process and does not return.
func Init() {
	libcontainer.Init()
}

// Runtime creates and controls containers whose libcontainer state lives in
// Root.
type Runtime struct {
	Root string
}

// New returns a runtime keeping its state in root (created on demand).
func New(root string) *Runtime {
	return &Runtime{Root: root}
}

// Stdio is what the container's first process gets as standard streams.
// Nil streams are /dev/null. With a terminal, ConsoleSocket receives the
// pseudo-terminal's master and the three streams are ignored.
type Stdio struct {
	Stdin, Stdout, Stderr *os.File
	ConsoleSocket         *os.File
	// Extra become the process's descriptors 3, 4, ... (PreservedFiles).
	Extra []*os.File
}

// Process is a process started in a container by this podlite process.
type Process struct {
	p *libcontainer.Process
}

// Pid is the process's PID on the host.
func (p *Process) Pid() int {
	pid, _ := p.p.Pid()
	return pid
}

// Wait waits for the process and returns its exit code, 128+signal when it
// was killed (the shell's convention, as podman reports it).
func (p *Process) Wait() (int, error) {
	st, err := p.p.Wait()
	if st == nil {
		return -1, err
	}
	return ExitCode(st.Sys().(syscall.WaitStatus)), nil
}

// Signal sends sig to the process.
func (p *Process) Signal(sig os.Signal) error { return p.p.Signal(sig) }

// ExitCode turns a wait status into a container exit code.
func ExitCode(ws syscall.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// Start creates container id from spec s and starts its first process.
// The calling process becomes the init's parent. On error nothing is left
// behind in the runtime root.
func (r *Runtime) Start(id string, s *specs.Spec, stdio Stdio) (*Process, error) {
	return r.createAnd(id, s, stdio, func(c *libcontainer.Container, p *libcontainer.Process) error {
		if err := c.Run(p); err != nil {
			return startError(err)
		}
		return nil
	})
}

// createAnd creates container id from spec s in the runtime and runs act
// (Run or Restore) on its first process; on error nothing is left behind.
func (r *Runtime) createAnd(id string, s *specs.Spec, stdio Stdio, act func(*libcontainer.Container, *libcontainer.Process) error) (_ *Process, retErr error) {
	if err := r.rootlessCRIUConfig(s); err != nil {
		return nil, err
	}
	cfg, err := specconv.CreateLibcontainerConfig(&specconv.CreateOpts{
		CgroupName:   id,
		Spec:         s,
		RootlessEUID: os.Geteuid() != 0,
		// Inside the rootless namespace podlite is root, but the host
		// gives it no cgroup to make: errors there are tolerated.
		RootlessCgroups: rootless.IsRootless(),
	})
	if err != nil {
		return nil, fmt.Errorf("converting the OCI spec of %s: %v: %w", id, err, define.ErrInvalidArg)
	}
	// A leftover from a crash or reboot would make Create fail.
	if old, err := libcontainer.Load(r.Root, id); err == nil {
		_ = old.Destroy()
	}
	c, err := libcontainer.Create(r.Root, id, cfg)
	if err != nil {
		return nil, fmt.Errorf("creating container %s in the runtime: %w", id, err)
	}
	defer func() {
		if retErr != nil {
			_ = c.Destroy()
		}
	}()
	p, err := newProcess(s.Process, true)
	if err != nil {
		return nil, err
	}
	attachStdio(p, stdio)
	if err := act(c, p); err != nil {
		return nil, err
	}
	return &Process{p: p}, nil
}

// Exec runs process ps in running container id. The calling process is the
// new process's parent.
func (r *Runtime) Exec(id string, ps *specs.Process, stdio Stdio) (*Process, error) {
	c, err := r.load(id)
	if err != nil {
		return nil, err
	}
	p, err := newProcess(ps, false)
	if err != nil {
		return nil, err
	}
	attachStdio(p, stdio)
	if err := c.Run(p); err != nil {
		return nil, startError(err)
	}
	return &Process{p: p}, nil
}

// startError classifies why a process could not start: a missing command
// (exit 127) or one that cannot be executed (exit 126). libcontainer's init
// reports its exec failure across the process boundary as text, so the
// text is all there is to classify.
func startError(err error) error {
	msg := err.Error()
	if strings.Contains(msg, " hook #") {
		// An OCI hook's output ends in newlines: the error stays one line.
		return errors.New(strings.Join(strings.Fields(msg), " "))
	}
	if !strings.Contains(msg, "exec:") {
		return err
	}
	switch {
	case strings.Contains(msg, "no such file or directory"), strings.Contains(msg, "executable file not found"):
		return &StartError{Err: err, NotFound: true}
	case strings.Contains(msg, "permission denied"), strings.Contains(msg, "exec format error"), strings.Contains(msg, "is a directory"):
		return &StartError{Err: err}
	}
	return err
}

// StartError says the container's command could not be run.
type StartError struct {
	Err      error
	NotFound bool
}

func (e *StartError) Error() string { return e.Err.Error() }
func (e *StartError) Unwrap() error { return e.Err }

// Signal sends sig to the container's init, or to every process in it.
func (r *Runtime) Signal(id string, sig syscall.Signal, all bool) error {
	c, err := r.load(id)
	if err != nil {
		return err
	}
	if all {
		pids, err := processes(c)
		if err != nil {
			return fmt.Errorf("listing processes of %s: %w", id, err)
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, sig)
		}
		return nil
	}
	if err := c.Signal(sig); err != nil {
		if errors.Is(err, libcontainer.ErrNotRunning) {
			return fmt.Errorf("container %s is not running: %w", id, define.ErrInvalidState)
		}
		return fmt.Errorf("signalling container %s: %w", id, err)
	}
	return nil
}

// Pause freezes every process of container id.
func (r *Runtime) Pause(id string) error {
	c, err := r.load(id)
	if err != nil {
		return err
	}
	return c.Pause()
}

// Resume thaws container id.
func (r *Runtime) Resume(id string) error {
	c, err := r.load(id)
	if err != nil {
		return err
	}
	return c.Resume()
}

// Paused says whether container id's cgroup is frozen.
func (r *Runtime) Paused(id string) bool {
	c, err := r.load(id)
	if err != nil {
		return false
	}
	st, err := c.Status()
	return err == nil && st == libcontainer.Paused
}

// Processes lists the host PIDs of every process in container id.
func (r *Runtime) Processes(id string) ([]int, error) {
	c, err := r.load(id)
	if err != nil {
		return nil, err
	}
	return processes(c)
}

// processes lists c's processes from its cgroup, or, for an ordinary
// user's container (no cgroup on v1), from its PID namespace.
func processes(c *libcontainer.Container) ([]int, error) {
	if !rootless.IsRootless() {
		return c.Processes()
	}
	st, err := c.State()
	if err != nil {
		return nil, fmt.Errorf("reading the state of %s: %w", c.ID(), err)
	}
	ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", st.InitProcessPid))
	if err != nil {
		return nil, fmt.Errorf("reading the PID namespace of %s: %w", c.ID(), define.ErrInvalidState)
	}
	if own, _ := os.Readlink("/proc/self/ns/pid"); ns == own {
		return nil, fmt.Errorf("container %s shares the host's PID namespace: listing its processes needs a cgroup, which an ordinary user's container lacks: %w", c.ID(), define.ErrNotSupported)
	}
	dirs, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, d := range dirs {
		if link, err := os.Readlink(d + "/ns/pid"); err == nil && link == ns {
			pid, _ := strconv.Atoi(filepath.Base(d))
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// Delete removes container id's runtime state and cgroups, killing what is
// left of it. Deleting an unknown container is not an error.
func (r *Runtime) Delete(id string) error {
	c, err := libcontainer.Load(r.Root, id)
	if err != nil {
		if errors.Is(err, libcontainer.ErrNotExist) {
			return nil
		}
		// A state dir libcontainer cannot read is removed by hand.
		return os.RemoveAll(r.Root + "/" + id)
	}
	if err := c.Destroy(); err != nil {
		return fmt.Errorf("deleting container %s from the runtime: %w", id, err)
	}
	return nil
}

func (r *Runtime) load(id string) (*libcontainer.Container, error) {
	c, err := libcontainer.Load(r.Root, id)
	if err != nil {
		if errors.Is(err, libcontainer.ErrNotExist) {
			return nil, fmt.Errorf("container %s is not running: %w", id, define.ErrInvalidState)
		}
		return nil, fmt.Errorf("loading container %s from the runtime: %w", id, err)
	}
	return c, nil
}

func attachStdio(p *libcontainer.Process, s Stdio) {
	p.ExtraFiles = s.Extra
	if s.ConsoleSocket != nil {
		p.ConsoleSocket = s.ConsoleSocket
		return
	}
	// *os.File streams are handed to the init as they are: no copying
	// goroutine stands between the container and its reader.
	if s.Stdin != nil {
		p.Stdin = s.Stdin
	}
	if s.Stdout != nil {
		p.Stdout = s.Stdout
	}
	if s.Stderr != nil {
		p.Stderr = s.Stderr
	}
}

func newProcess(ps *specs.Process, init bool) (*libcontainer.Process, error) {
	if ps == nil {
		return nil, fmt.Errorf("the spec has no process: %w", define.ErrInvalidArg)
	}
	p := &libcontainer.Process{
		Args:            ps.Args,
		Env:             ps.Env,
		UID:             int(ps.User.UID),
		GID:             int(ps.User.GID),
		Cwd:             ps.Cwd,
		Label:           ps.SelinuxLabel,
		NoNewPrivileges: &ps.NoNewPrivileges,
		AppArmorProfile: ps.ApparmorProfile,
		Init:            init,
	}
	for _, g := range ps.User.AdditionalGids {
		p.AdditionalGroups = append(p.AdditionalGroups, int(g))
	}
	if ps.ConsoleSize != nil {
		p.ConsoleWidth, p.ConsoleHeight = uint16(ps.ConsoleSize.Width), uint16(ps.ConsoleSize.Height)
	}
	if c := ps.Capabilities; c != nil {
		p.Capabilities = &configs.Capabilities{
			Bounding: c.Bounding, Effective: c.Effective, Inheritable: c.Inheritable,
			Permitted: c.Permitted, Ambient: c.Ambient,
		}
	}
	for _, rl := range ps.Rlimits {
		t, ok := spec.RlimitResource(rl.Type)
		if !ok {
			return nil, fmt.Errorf("unknown rlimit %q: %w", rl.Type, define.ErrInvalidArg)
		}
		p.Rlimits = append(p.Rlimits, configs.Rlimit{Type: t, Hard: rl.Hard, Soft: rl.Soft})
	}
	return p, nil
}
