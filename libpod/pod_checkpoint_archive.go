package libpod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/names"
	"github.com/podlite/podlite/pkg/criu"
)

// exportLocked writes the pod's checkpoint to an archive at path (pod
// checkpoint --export): each container's own archive, as container
// checkpoint --export writes it, beside pod.options and pod.dump (the
// format is in pkg/criu/pod_archive.go).
func (p *Pod) exportLocked(ctrs []*Container, path string, compression criu.Compression) error {
	tmp, err := os.MkdirTemp(filepath.Dir(path), ".pod-export-")
	if err != nil {
		return fmt.Errorf("exporting pod %s: %w", p.Name(), err)
	}
	defer func() {
		if err := os.RemoveAll(tmp); err != nil {
			slog.Warn("removing the pod export's temporary directory", "path", tmp, "error", err)
		}
	}()
	var members []criu.PodMember
	for _, c := range ctrs {
		file := filepath.Join(tmp, memberArchive(c.Name()))
		if err := c.withLock(func() error { return c.exportCheckpointLocked(file, compression, false, false) }); err != nil {
			return fmt.Errorf("exporting pod %s: %w", p.Name(), err)
		}
		members = append(members, criu.PodMember{Name: memberArchive(c.Name()), Path: file})
	}
	options, err := os.ReadFile(filepath.Join(p.dir(), podOptionsFile))
	if err != nil {
		return err
	}
	dump, err := os.ReadFile(filepath.Join(p.dir(), podDumpFile))
	if err != nil {
		return err
	}
	return criu.PackPod(path, options, dump, members)
}

// importPod creates a checkpointed pod, its infra and its other
// containers from an archive written by pod checkpoint --export, under the
// IDs and names they had, ready for RestorePod. A failed import leaves
// nothing behind.
func (r *Runtime) importPod(ctx context.Context, path string) (*Pod, error) {
	tmp, err := os.MkdirTemp(r.cfg.Root, ".pod-import-")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err := os.RemoveAll(tmp); err != nil {
			slog.Warn("removing the pod import's temporary directory", "path", tmp, "error", err)
		}
	}()
	if err := criu.UnpackPod(path, tmp); err != nil {
		return nil, err
	}
	d, err := readImportedDump(tmp)
	if err != nil {
		return nil, err
	}
	if _, err := r.store.LookupPod(d.Config.Name); err == nil {
		return nil, fmt.Errorf("a pod named %s exists already: %w", d.Config.Name, define.ErrExists)
	}
	err = r.withPodLock(d.Config.ID, func() (retErr error) {
		if err := r.store.AddPod(d.Config, &define.PodState{InfraID: d.InfraID}); err != nil {
			return err
		}
		defer func() {
			if retErr != nil {
				r.undoPodImport(ctx, d)
			}
		}()
		for i, dc := range d.Containers {
			var opts ImportOptions
			if i == 0 && d.Config.InfraImage == "" {
				// The pause process's empty rootfs, not an image's.
				opts.infraRootfs, opts.IgnoreRootfs = filepath.Join(podDir(r, d.Config.ID), "rootfs"), true
			}
			if _, err := r.ImportCheckpoint(ctx, filepath.Join(tmp, memberArchive(dc.Name)), opts); err != nil {
				return fmt.Errorf("importing container %s of pod %s: %w", dc.Name, d.Config.Name, err)
			}
		}
		if err := ensureDir(podDir(r, d.Config.ID)); err != nil {
			return err
		}
		for _, name := range []string{podDumpFile, podOptionsFile} {
			b, err := os.ReadFile(filepath.Join(tmp, name))
			if err != nil {
				return err
			}
			if err := writeFileAtomic(filepath.Join(podDir(r, d.Config.ID), name), b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r.podByID(d.Config.ID)
}

// readImportedDump reads and checks the pod.dump of an unpacked pod
// archive: a pod, its infra first, each container's archive present.
func readImportedDump(dir string) (*podDump, error) {
	b, err := os.ReadFile(filepath.Join(dir, podDumpFile))
	if err != nil {
		return nil, err
	}
	var d podDump
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("reading %s: %w: %w", podDumpFile, define.ErrInvalidArg, err)
	}
	if d.Config == nil || len(d.Containers) == 0 || d.Containers[0].ID != d.InfraID {
		return nil, fmt.Errorf("%s lists no pod with its infra container: %w", podDumpFile, define.ErrInvalidArg)
	}
	for _, dc := range d.Containers {
		if err := names.Check(dc.Name); err != nil {
			return nil, fmt.Errorf("%s: container name %q: %w", podDumpFile, dc.Name, define.ErrInvalidArg)
		}
		if _, err := os.Stat(filepath.Join(dir, memberArchive(dc.Name))); err != nil {
			return nil, fmt.Errorf("the pod archive lacks the archive of container %s: %w", dc.Name, define.ErrInvalidArg)
		}
	}
	return &d, nil
}

// undoPodImport removes what a failed import made: its containers, the
// infra last, then the pod's record, directory and lock.
func (r *Runtime) undoPodImport(ctx context.Context, d *podDump) {
	for _, dc := range slices.Backward(d.Containers[1:]) {
		if err := r.RemoveContainer(ctx, dc.ID, true, false); err != nil && !errors.Is(err, define.ErrNotFound) {
			slog.Warn("removing a container of a failed pod import", "pod", d.Config.Name, "container", dc.Name, "error", err)
		}
	}
	r.undoPodCreate(ctx, d.Config)
}
