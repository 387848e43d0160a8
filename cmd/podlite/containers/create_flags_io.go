package containers

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

// ioFlags are run/create's flags about I/O, logs and run-time behaviour;
// the run-only ones are registered by registerRun.
type ioFlags struct {
	logOpts, requires, volumesFrom, decryptionKeys []string
	attach                                         []string
	initPath, imageVolume, pod, podIDFile          string
	detachKeys                                     string
	timeout, preserveFDs                           uint
	retry                                          common.RetryFlags
	preserveFD                                     []uint
	rootfs, contentTrust, sigProxy                 bool
}

func (f *ioFlags) register(fs *pflag.FlagSet) {
	fs.StringSliceVar(&f.logOpts, "log-opt", nil, "logging driver option: path=FILE, max-size=SIZE, tag=TAG")
	fs.UintVar(&f.timeout, "timeout", 0, "seconds after which the container is killed (0: none)")
	fs.StringVar(&f.initPath, "init-path", "", "path to the init binary --init mounts")
	fs.StringSliceVar(&f.requires, "requires", nil, "containers to start before this one")
	fs.StringVar(&f.imageVolume, "image-volume", "bind", "the image's VOLUME paths: bind (anonymous volumes), tmpfs or ignore")
	fs.StringArrayVar(&f.volumesFrom, "volumes-from", nil, "mount the volumes of a container (CONTAINER[:ro|rw])")
	fs.BoolVar(&f.rootfs, "rootfs", false, "the first argument is a rootfs directory (PATH[:O], O for an overlay on it), not an image")
	fs.StringVar(&f.pod, "pod", "", "run the container in a pod, joining the namespaces it shares (new:NAME creates the pod, with the container's -p and --network)")
	fs.StringVar(&f.podIDFile, "pod-id-file", "", "read the ID of the pod to run the container in from a file")
	fs.StringSliceVar(&f.decryptionKeys, "decryption-key", nil, "key to decrypt an encrypted image (not supported)")
	fs.BoolVar(&f.contentTrust, "disable-content-trust", false, "a Docker option that podman and podlite accept and do nothing with")
	f.retry.Register(fs)
	fs.StringSliceVarP(&f.attach, "attach", "a", nil, "attach these streams: stdin, stdout, stderr (run)")
}

// registerRun adds the flags only run has.
func (f *ioFlags) registerRun(fs *pflag.FlagSet) {
	fs.StringVar(&f.detachKeys, "detach-keys", "ctrl-p,ctrl-q", "key sequence for detaching from run -it: ctrl-<letter> or single characters, comma-separated (\"\": none)")
	fs.BoolVar(&f.sigProxy, "sig-proxy", true, "pass the signals podlite receives on to the container")
	fs.UintVar(&f.preserveFDs, "preserve-fds", 0, "pass N more file descriptors (3 to 3+N-1) to the container")
	fs.UintSliceVar(&f.preserveFD, "preserve-fd", nil, "pass these file descriptors to the container at the same numbers")
}

// options checks the flags and copies them into o.
func (f *ioFlags) options(cmd *cobra.Command, o *libpod.CreateOptions) error {
	changed := cmd.Flags().Changed
	for _, r := range []struct {
		flag, why string
	}{
		{"decryption-key", "podlite pulls no encrypted images"},
	} {
		if changed(r.flag) {
			return fmt.Errorf("--%s is not supported: %s: %w", r.flag, r.why, define.ErrNotSupported)
		}
	}
	if err := f.podOption(o); err != nil {
		return err
	}
	if cmd.Name() == "create" && changed("attach") {
		return fmt.Errorf("--attach applies to run only: create attaches nothing: %w", define.ErrInvalidArg)
	}
	o.IO = libpod.IOOptions{
		LogOpts: f.logOpts, Timeout: f.timeout, InitPath: f.initPath, Requires: f.requires,
		ImageVolume: f.imageVolume, VolumesFrom: f.volumesFrom,
	}
	retry, err := f.retry.Retry(cmd.Flags())
	if err != nil {
		return err
	}
	o.IO.PullRetries, o.IO.PullRetryDelay = retry.Count, retry.Delay
	if f.rootfs { // the first argument is the rootfs directory
		o.IO.Rootfs, o.Image = o.Image, ""
	}
	return nil
}

// runStreams checks run's attach flags before anything is created and
// returns the streams of a foreground run, and whether run prints the
// container's ID first (podman does when neither stdout nor stderr is
// attached).
func (f *ioFlags) runStreams(cmd *cobra.Command, interactive, detach bool, logDriver string) (libpod.Streams, bool, error) {
	s := libpod.Streams{Stdout: common.ContainerStdout(), Stderr: os.Stderr, Terminal: os.Stdin, NoSigProxy: !f.sigProxy}
	if interactive {
		s.Stdin = os.Stdin
	}
	changed := cmd.Flags().Changed
	if detach {
		for _, flag := range []string{"attach", "sig-proxy", "preserve-fds", "preserve-fd", "detach-keys"} {
			if changed(flag) {
				return s, false, fmt.Errorf("--%s has no effect with --detach: %w", flag, define.ErrInvalidArg)
			}
		}
		return s, false, nil
	}
	if logDriver == "passthrough" && isTerminal(os.Stdin) {
		// podman's refusal: a container with the terminal could push input into it (TIOCSTI).
		return s, false, fmt.Errorf("the '--log-driver passthrough' option cannot be used on a TTY; use '--log-driver passthrough-tty' if you really want it: %w", define.ErrInvalidArg)
	}
	if err := f.attachStreams(&s); err != nil {
		return s, false, err
	}
	var err error
	s.Extra, err = libpod.PreservedFiles(f.preserveFDs, f.preserveFD)
	return s, len(f.attach) > 0 && s.Stdout == nil && s.Stderr == nil, err
}

// attachStreams keeps only the streams --attach names; the others are
// still logged.
func (f *ioFlags) attachStreams(s *libpod.Streams) error {
	if len(f.attach) == 0 {
		return nil
	}
	for _, a := range f.attach {
		if !slices.Contains([]string{"stdin", "stdout", "stderr"}, strings.ToLower(a)) {
			return fmt.Errorf("invalid stream %q for --attach - must be one of stdin, stdout, or stderr: %w", a, define.ErrInvalidArg)
		}
	}
	has := func(name string) bool {
		return slices.ContainsFunc(f.attach, func(a string) bool { return strings.EqualFold(a, name) })
	}
	if !has("stdin") {
		s.Stdin = nil
	}
	if !has("stdout") {
		s.Stdout = nil
	}
	if !has("stderr") {
		s.Stderr = nil
	}
	return nil
}

func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// podOption sets the pod from --pod or --pod-id-file.
func (f *ioFlags) podOption(o *libpod.CreateOptions) error {
	switch {
	case f.pod != "" && f.podIDFile != "":
		return fmt.Errorf("--pod and --pod-id-file cannot be used together: %w", define.ErrInvalidArg)
	case f.podIDFile != "":
		b, err := os.ReadFile(f.podIDFile)
		if err != nil {
			return fmt.Errorf("reading the pod ID file: %w: %w", define.ErrInvalidArg, err)
		}
		o.Pod = strings.TrimSpace(string(b))
	default:
		o.Pod = f.pod
	}
	return nil
}
