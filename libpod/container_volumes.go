package libpod

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/spec"
)

// containerVolumes resolves the named volumes of a container being created
// and the anonymous volumes for the paths its image declares (VOLUME) that
// no user mount covers. It holds every involved volume's lock until
// release is called, which the caller does only after the container's
// record is stored: a concurrent `volume rm` then either sees the container
// using the volume or has removed it before we looked. On failure, or when
// release is called with failed=true, the volumes this call created are
// removed again.
type containerVolumes struct {
	rt        *Runtime
	unlocks   []func()
	created   []string
	anonymous []string
}

func (r *Runtime) resolveVolumes(mounts []spec.Mount, imageVolumes []string) (_ *containerVolumes, _ []spec.Mount, retErr error) {
	cv := &containerVolumes{rt: r}
	defer func() {
		if retErr != nil {
			cv.release(true)
		}
	}()
	covered := map[string]bool{}
	for _, m := range mounts {
		covered[m.Destination] = true
	}
	for _, path := range imageVolumes {
		if covered[filepath.Clean(path)] {
			continue
		}
		name := randomVolumeName()
		cv.anonymous = append(cv.anonymous, name)
		mounts = append(mounts, spec.Mount{
			Mount:      specs.Mount{Destination: filepath.Clean(path), Type: "bind", Options: []string{"rbind", "rw"}},
			VolumeName: name,
		})
	}
	var names []string
	for _, m := range mounts {
		if m.VolumeName != "" && !slices.Contains(names, m.VolumeName) {
			names = append(names, m.VolumeName)
		}
	}
	// One order for everyone, so two creates sharing volumes cannot deadlock.
	slices.Sort(names)
	paths := map[string]string{}
	for _, name := range names {
		if !spec.ValidVolumeName(name) {
			return nil, nil, fmt.Errorf("invalid volume name %q: %w", name, define.ErrInvalidArg)
		}
		l, err := r.volumeLocker(name)
		if err != nil {
			return nil, nil, err
		}
		if err := l.Lock(); err != nil {
			return nil, nil, fmt.Errorf("locking volume %s: %w", name, err)
		}
		cv.unlocks = append(cv.unlocks, func() { _ = l.Unlock() })
		v, err := r.store.Volume(name)
		if errors.Is(err, define.ErrNotFound) {
			if v, err = r.createVolumeLocked(name, nil, nil, nil); err == nil {
				cv.created = append(cv.created, name)
			}
		}
		if err != nil {
			return nil, nil, err
		}
		paths[name] = v.Mountpoint
	}
	for i := range mounts {
		if mounts[i].VolumeName != "" {
			mounts[i].Source = paths[mounts[i].VolumeName]
		}
	}
	return cv, mounts, nil
}

// names returns every volume the container uses.
func (cv *containerVolumes) names(mounts []spec.Mount) []string {
	var out []string
	for _, m := range mounts {
		if m.VolumeName != "" && !slices.Contains(out, m.VolumeName) {
			out = append(out, m.VolumeName)
		}
	}
	return out
}

// release drops the volume locks; with failed, the volumes this create
// made are removed first (still under their locks).
func (cv *containerVolumes) release(failed bool) {
	if failed {
		for _, name := range cv.created {
			if err := cv.rt.removeVolumeLocked(name); err != nil {
				fmt.Fprintf(os.Stderr, "cleaning up volume %s: %v\n", name, err)
			}
		}
	}
	for i := len(cv.unlocks) - 1; i >= 0; i-- {
		cv.unlocks[i]()
	}
	cv.unlocks = nil
}

// removeAnonymousVolumes removes the volumes created for the container's
// image VOLUME paths (rm -v, --rm). The container's record is gone, so
// nothing else uses them; one already removed is not an error.
func (r *Runtime) removeAnonymousVolumes(cfg *define.ContainerConfig) error {
	var errs []error
	for _, name := range cfg.AnonymousVolumes {
		if err := r.RemoveVolume(name, false, nil); err != nil && !errors.Is(err, define.ErrNotFound) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
