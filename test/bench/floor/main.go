// Command floor is the benchmark's floor: the least work that runs one
// container through runc's libcontainer, which podlite also uses. It creates
// a container with new mount, PID, IPC, UTS and network namespaces on a
// given root filesystem, runs one process in it, waits, destroys the
// container and exits with the process's code. `podlite run` can be no
// faster; test/bench/bench.sh times both and reports the difference.
//
// It deliberately imports libcontainer directly, outside libpod/oci, so that
// none of podlite's own code is in the measurement.
//
// Usage (as root): floor --rootfs DIR [--state-root DIR] [--] ARGV...
//
//	floor --rootfs DIR --checkpoint-cycles N [--] ARGV...   (see checkpoint.go)
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/opencontainers/cgroups"
	devices "github.com/opencontainers/cgroups/devices/config"
	"github.com/opencontainers/runc/libcontainer"
	"github.com/opencontainers/runc/libcontainer/configs"
	// nsenter's C constructor joins namespaces in `floor init` before the
	// Go runtime starts, as in runc.
	_ "github.com/opencontainers/runc/libcontainer/nsenter"
)

// init runs libcontainer's container init when libcontainer re-executes
// this binary as "floor init" (runc's init.go does the same). Init does not
// return.
func init() {
	if len(os.Args) > 1 && os.Args[1] == "init" {
		libcontainer.Init()
	}
}

func main() {
	rootfs := flag.String("rootfs", "", "container root filesystem `dir` (required)")
	stateRoot := flag.String("state-root", "", "libcontainer state `dir` (default: a new temporary directory under /run, removed on exit)")
	cycles := flag.Int("checkpoint-cycles", 0, "checkpoint and restore the (long-running) process `n` times and print the median of each")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: %s --rootfs DIR [--state-root DIR] [--] ARGV...\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()
	if *rootfs == "" || flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	if *cycles > 0 {
		if err := checkpointCycles(*rootfs, *stateRoot, flag.Args(), *cycles); err != nil {
			fmt.Fprintf(os.Stderr, "floor: %v\n", err)
			os.Exit(125)
		}
		return
	}
	code, err := run(*rootfs, *stateRoot, flag.Args())
	if err != nil {
		fmt.Fprintf(os.Stderr, "floor: %v\n", err)
		os.Exit(125) // as podman: the engine failed, not the process
	}
	os.Exit(code)
}

// run runs argv in a new container and returns its exit code.
func run(rootfs, stateRoot string, argv []string) (code int, retErr error) {
	rootfs, err := filepath.Abs(rootfs)
	if err != nil {
		return 0, err
	}
	if stateRoot == "" {
		// A fresh state root per run, so that concurrent runs and
		// leftovers of killed runs never collide.
		if stateRoot, err = os.MkdirTemp("/run", "podlite-floor-"); err != nil {
			return 0, fmt.Errorf("creating state root: %w", err)
		}
		defer os.RemoveAll(stateRoot)
	}
	id := fmt.Sprintf("floor-%d", os.Getpid())
	container, err := libcontainer.Create(stateRoot, id, newConfig(rootfs, id))
	if err != nil {
		return 0, fmt.Errorf("creating container %s: %w", id, err)
	}
	defer func() {
		// Destroy removes the cgroup and the state directory.
		if err := container.Destroy(); err != nil && retErr == nil {
			retErr = fmt.Errorf("destroying container %s: %w", id, err)
		}
	}()

	process := &libcontainer.Process{
		Args:   argv,
		Env:    []string{"PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "HOME=/"},
		Cwd:    "/",
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Init:   true,
	}
	if err := container.Run(process); err != nil {
		return 0, fmt.Errorf("starting %q in container %s: %w", argv[0], id, err)
	}
	state, err := process.Wait()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return 0, fmt.Errorf("waiting for container %s: %w", id, err)
	}
	return exitCode(state), nil
}

// exitCode maps a wait status to a shell-style exit code: 128+N for a
// process killed by signal N.
func exitCode(state *os.ProcessState) int {
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return state.ExitCode()
}

// newConfig is the smallest configuration libcontainer accepts for a
// namespaced container: no user namespace, no seccomp, no capabilities
// dropped, no rlimits (the caller's hard limits stay, and raising one would
// need CAP_SYS_RESOURCE), and a cgroup with no limits, which libcontainer
// requires to track the container's processes.
func newConfig(rootfs, id string) *configs.Config {
	const noExec = unix.MS_NOEXEC | unix.MS_NOSUID | unix.MS_NODEV
	return &configs.Config{
		Rootfs: rootfs,
		Namespaces: configs.Namespaces{
			{Type: configs.NEWNS},
			{Type: configs.NEWPID},
			{Type: configs.NEWIPC},
			{Type: configs.NEWUTS},
			{Type: configs.NEWNET},
		},
		Cgroups: &cgroups.Cgroup{
			Name:   id,
			Parent: "podlite-floor",
			// No device rules: the container joins a devices cgroup
			// that inherits its parent's access. (libcontainer
			// refuses SkipDevices, and rules would need the
			// cgroups/devices package and its eBPF dependency.)
			Resources: &cgroups.Resources{},
		},
		// libcontainer reopens stdio that is /dev/null inside the
		// container, so /dev must be a tmpfs holding the basic nodes.
		Mounts: []*configs.Mount{
			{Source: "proc", Destination: "/proc", Device: "proc", Flags: noExec},
			{Source: "tmpfs", Destination: "/dev", Device: "tmpfs", Flags: unix.MS_NOSUID | unix.MS_STRICTATIME, Data: "mode=755,size=65536k"},
		},
		Devices: []*devices.Device{
			charDevice("/dev/null", 1, 3),
			charDevice("/dev/zero", 1, 5),
			charDevice("/dev/full", 1, 7),
			charDevice("/dev/random", 1, 8),
			charDevice("/dev/urandom", 1, 9),
			charDevice("/dev/tty", 5, 0),
		},
	}
}

// charDevice describes a character device node, owned by root and open to
// all, for libcontainer to create in the container's /dev.
func charDevice(path string, major, minor int64) *devices.Device {
	return &devices.Device{
		Path:     path,
		FileMode: 0o666,
		Rule: devices.Rule{
			Type:        devices.CharDevice,
			Major:       major,
			Minor:       minor,
			Permissions: "rwm",
			Allow:       true,
		},
	}
}
