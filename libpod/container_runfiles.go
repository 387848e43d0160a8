package libpod

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/kvfile"
	"github.com/podlite/podlite/libpod/storage"
	"github.com/podlite/podlite/libpod/supervisor"
)

// The files podman's run flags add to a container, and the pull policy.

const (
	containerEnvPath = "/run/.containerenv"
	localtimePath    = "/etc/localtime"
	zoneinfoDir      = "/usr/share/zoneinfo"
	// The files behind them in the user directory.
	containerEnvFile = "containerenv"
	localtimeFile    = "localtime"
)

// runFlags checks --pull, --stop-signal and --tz, and returns the labels:
// --label-file's, then --label's over them.
func runFlags(opts *CreateOptions) (map[string]string, error) {
	switch opts.Pull {
	case "", "always", "missing", "never", "newer":
	default:
		return nil, fmt.Errorf("unsupported pull policy %q: %w", opts.Pull, define.ErrInvalidArg)
	}
	if opts.StopSignal != "" {
		if _, err := ParseSignal(opts.StopSignal); err != nil {
			return nil, err
		}
	}
	if _, err := zoneFile(opts.Timezone); err != nil {
		return nil, err
	}
	var labels map[string]string
	for _, f := range opts.LabelFiles {
		l, err := kvfile.Labels(f)
		if err != nil {
			return nil, fmt.Errorf("reading label file: %w", err)
		}
		if labels == nil {
			labels = map[string]string{}
		}
		maps.Copy(labels, l)
	}
	if len(opts.Labels) > 0 && labels == nil {
		labels = map[string]string{}
	}
	maps.Copy(labels, opts.Labels)
	return labels, nil
}

// userEnv is the environment the user asked for, as podman layers it: the
// host's (--env-host), the env files', then -e's.
func userEnv(opts *CreateOptions) ([]string, error) {
	var env []string
	if opts.EnvHost {
		env = os.Environ()
	}
	return layerEnv(env, opts.EnvFiles, opts.Env)
}

// layerEnv overlays the variables of env files, then of -e values, onto
// env.
func layerEnv(env, files, values []string) ([]string, error) {
	for _, f := range files {
		e, err := kvfile.Env(f)
		if err != nil {
			return nil, fmt.Errorf("reading env file: %w", err)
		}
		env = mergeEnv(env, e)
	}
	for _, v := range values {
		e, err := kvfile.ParseEnv(v)
		if err != nil {
			return nil, err
		}
		env = mergeEnv(env, e)
	}
	return env, nil
}

func annotations(values []string) (map[string]string, error) {
	if len(values) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(values))
	for _, a := range values {
		k, v, err := kvfile.ParseLabel(a)
		if err != nil {
			return nil, fmt.Errorf("--annotation: %w", err)
		}
		out[k] = v
	}
	return out, nil
}

// zoneFile is the file --tz copies to /etc/localtime: the host's for
// "local", else the zone's under /usr/share/zoneinfo; "" for no --tz.
func zoneFile(tz string) (string, error) {
	path := localtimePath
	switch {
	case tz == "":
		return "", nil
	case tz != "local":
		if !filepath.IsLocal(tz) {
			return "", fmt.Errorf("invalid time zone %q: %w", tz, define.ErrInvalidArg)
		}
		path = filepath.Join(zoneinfoDir, tz)
	}
	if st, err := os.Stat(path); err != nil || st.IsDir() {
		return "", fmt.Errorf("finding time zone %q: no file %s: %w", tz, path, define.ErrInvalidArg)
	}
	return path, nil
}

func absPath(p string) string {
	if p == "" {
		return ""
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// resolveImage finds the image locally or pulls it, by the pull policy.
// "newer" pulls and falls back to the local image when the pull fails, as
// podman does.
func resolveImage(ctx context.Context, store *storage.Store, opts *CreateOptions, retries uint) (*storage.Image, error) {
	local, err := store.Image(opts.Image)
	if err != nil && !errors.Is(err, define.ErrNotFound) {
		return nil, err
	}
	switch opts.Pull {
	case "never":
		return local, err
	case "", "missing":
		if err == nil {
			return local, nil
		}
	}
	img, perr := pullRetrying(ctx, store, opts, retries)
	if perr != nil && opts.Pull == "newer" && local != nil {
		slog.Debug("pull failed, using the local image", "image", opts.Image, "error", perr)
		return local, nil
	}
	return img, perr
}

// createCIDFile creates --cidfile exclusively, as podman does, before the
// container exists. The returned function writes the ID into it, or removes
// it when the create failed.
func createCIDFile(path string) (func(id string, failed error), error) {
	if path == "" {
		return func(string, error) {}, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("container id file exists. Ensure another container is not using it or delete %s: %w", path, define.ErrExists)
	} else if err != nil {
		return nil, fmt.Errorf("creating container id file: %w", err)
	}
	return func(id string, failed error) {
		if failed == nil {
			_, failed = f.WriteString(id)
		}
		if err := f.Close(); failed == nil {
			failed = err
		}
		if failed != nil {
			if err := os.Remove(path); err != nil {
				slog.Warn("removing the container id file of a failed create", "path", path, "error", err)
			}
		}
	}, nil
}

// runFileMounts writes /run/.containerenv (podman's keys for a privileged
// container, empty otherwise) and --tz's /etc/localtime into the user
// directory and returns their mounts. An imported container gets them
// anew from its config.
func (c *Container) runFileMounts() ([]specs.Mount, error) {
	env := ""
	if c.config.Privileged {
		env = fmt.Sprintf("engine=%q\nname=%q\nid=%q\nimage=%q\nimageid=%q\nrootless=%d\n",
			c.config.Engine, c.config.Name, c.config.ID, c.config.ImageName, c.config.ImageID, boolInt(c.rt.cfg.Rootless))
	}
	files := []struct{ name, dest, content, copyFrom string }{{name: containerEnvFile, dest: containerEnvPath, content: env}}
	zone, err := zoneFile(c.config.Timezone)
	if err != nil {
		return nil, err
	}
	if zone != "" {
		files = append(files, struct{ name, dest, content, copyFrom string }{name: localtimeFile, dest: localtimePath, copyFrom: zone})
	}
	var mounts []specs.Mount
	for _, f := range files {
		content := []byte(f.content)
		if f.copyFrom != "" {
			if content, err = os.ReadFile(f.copyFrom); err != nil {
				return nil, fmt.Errorf("reading time zone file: %w", err)
			}
		}
		path := filepath.Join(c.userDir(), f.name)
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return nil, fmt.Errorf("writing %s of %s: %w", f.name, c.config.Name, err)
		}
		mounts = append(mounts, specs.Mount{Destination: f.dest, Type: "bind", Source: path, Options: []string{"bind", "rprivate"}})
	}
	return mounts, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// writePidFiles writes --pidfile and --conmon-pidfile (or the run
// directory's supervisor PID file) for this start; a failure is logged, as
// the container runs regardless.
func (c *Container) writePidFiles() {
	for _, f := range []struct {
		path string
		pid  int
	}{{c.config.PidFile, c.state.PID}, {c.SupervisorPidFile(), c.state.SupervisorPID}} {
		if f.path == "" {
			continue
		}
		if err := os.WriteFile(f.path, []byte(strconv.Itoa(f.pid)), 0o644); err != nil {
			slog.Warn("writing a pid file", "container", c.config.Name, "path", f.path, "error", err)
		}
	}
}

// RemoveAfterRun removes an exited --rm container and, with --rmi, its
// image unless another container uses it.
func (r *Runtime) RemoveAfterRun(ctx context.Context, c *Container) error {
	return r.removeAfterRun(ctx, c, c.config.RemoveImage)
}

// removeAfterRun removes the container and its anonymous volumes, and with
// removeImage its image by the name it ran, kept while others use it.
// The signals that stop a container (a systemd unit's stop sends SIGTERM
// to its main process, this one, once ExecStop is done) no longer
// interrupt it: this process only has this removal left to do, and one
// killed halfway leaves the container "removing".
func (r *Runtime) removeAfterRun(ctx context.Context, c *Container, removeImage bool) error {
	signal.Ignore(syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	if err := r.RemoveContainer(ctx, c.config.ID, true, true); err != nil {
		return err
	}
	if !removeImage || c.config.ImageName == "" {
		return nil
	}
	// By the name it was run with, as podman does: an image with other
	// names only loses this one.
	_, errs := r.RemoveImages(ctx, []string{c.config.ImageName}, RemoveImagesOptions{})
	for _, err := range errs {
		if errors.Is(err, define.ErrInvalidState) || errors.Is(err, define.ErrNotFound) {
			slog.Debug("--rmi keeps the image", "image", c.config.ImageName, "error", err)
			continue
		}
		return err
	}
	return nil
}

// ReadCIDFiles returns the container IDs in --cidfile files, as `rm
// --cidfile` reads them: the first line of each. With ignoreMissing a
// missing file is skipped.
func ReadCIDFiles(paths []string, ignoreMissing bool) ([]string, error) {
	var ids []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) && ignoreMissing {
			continue
		}
		if err != nil {
			// Of no class: podman's rm exits 125 for it, not the 1 of
			// a missing container.
			return nil, fmt.Errorf("reading CIDFile: %w", err)
		}
		id, _, _ := strings.Cut(string(b), "\n")
		ids = append(ids, id)
	}
	return ids, nil
}

// supervisorPidName is the file in the run directory that holds the
// supervisor's PID while the container runs: the PIDFile= of a unit that
// `generate systemd` makes without --new (podman's conmon.pid).
const supervisorPidName = "conmon.pid"

// SupervisorPidFile is where the PID of the container's supervisor is
// written at each start: --conmon-pidfile, or the run directory's file.
func (c *Container) SupervisorPidFile() string {
	if c.config.ConmonPidFile != "" {
		return c.config.ConmonPidFile
	}
	return filepath.Join(c.runDir(), supervisorPidName)
}

// notifyMode is the --sdnotify mode the supervisor acts on for this
// start: none unless podlite runs under systemd's NOTIFY_SOCKET.
func (c *Container) notifyMode() string {
	if os.Getenv("NOTIFY_SOCKET") == "" {
		return ""
	}
	switch c.config.SdNotifyMode {
	case define.SdNotifyConmon, define.SdNotifyContainer, define.SdNotifyHealthy:
		return c.config.SdNotifyMode
	}
	return ""
}

// addNotifySocketLocked gives a --sdnotify=container container its own
// NOTIFY_SOCKET: a directory of the run directory, where the supervisor
// binds the socket it passes on, mounted at /run/notify.
func (c *Container) addNotifySocketLocked(s *specs.Spec) error {
	if c.notifyMode() != define.SdNotifyContainer {
		return nil
	}
	dir := filepath.Join(c.runDir(), supervisor.NotifySocketDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("making the notify socket directory of %s: %w", c.config.Name, err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return fmt.Errorf("making the notify socket directory of %s: %w", c.config.Name, err)
	}
	s.Mounts = append(s.Mounts, specs.Mount{Destination: supervisor.ContainerNotifyDir, Type: "bind", Source: dir,
		Options: []string{"bind", "rprivate"}})
	s.Process.Env = append(s.Process.Env, "NOTIFY_SOCKET="+filepath.Join(supervisor.ContainerNotifyDir, "notify.sock"))
	return nil
}

// notifyHealthy tells the unit of a --sdnotify=healthy container that it
// is ready: its health check has just passed (the supervisor sent MAINPID
// at the start). A failure is logged: the check itself went well.
func (c *Container) notifyHealthy() {
	if c.notifyMode() != define.SdNotifyHealthy {
		return
	}
	if err := supervisor.NotifyReady(); err != nil {
		slog.Warn("telling systemd that a healthy container is ready", "container", c.config.Name, "error", err)
	}
}

// notifyAttached tells the unit of a --sdnotify=conmon container run in
// the foreground that it runs: this podlite is its supervisor, and the
// unit's main process.
func (c *Container) notifyAttached() {
	if c.notifyMode() != define.SdNotifyConmon {
		return
	}
	if err := supervisor.NotifyMainReady(os.Getpid()); err != nil {
		slog.Warn("telling systemd that a container runs", "container", c.config.Name, "error", err)
	}
}
