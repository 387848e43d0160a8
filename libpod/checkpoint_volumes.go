package libpod

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/spec"
	"github.com/podlite/podlite/libpod/storage"
)

// tarVolumes writes each named volume's data to dir/NAME.tar.
func (r *Runtime) tarVolumes(names []string, dir string) error {
	if err := ensureDir(dir); err != nil {
		return err
	}
	for _, name := range names {
		v, err := r.store.Volume(name)
		if err != nil {
			return err
		}
		f, err := os.OpenFile(filepath.Join(dir, name+".tar"), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		err = storage.TarDirectory(v.Mountpoint, f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("archiving volume %s: %w", name, err)
		}
	}
	return nil
}

// untarVolumes creates the named volumes an imported container uses that
// do not exist here, filled from dir/NAME.tar when the archive carries it.
func (r *Runtime) untarVolumes(names []string, dir string) (created []string, _ error) {
	for _, name := range names {
		if !spec.ValidVolumeName(name) {
			return created, fmt.Errorf("invalid volume name %q in the archive: %w", name, define.ErrInvalidArg)
		}
		// An existing volume is used as it is: its data may belong to
		// other containers (a copy restored beside the original).
		if _, err := r.store.Volume(name); err == nil {
			continue
		} else if !errors.Is(err, define.ErrNotFound) {
			return created, err
		}
		v, err := r.CreateVolume(name, nil, nil)
		if err != nil {
			return created, err
		}
		created = append(created, name)
		f, err := os.Open(filepath.Join(dir, name+".tar"))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return created, err
		}
		err = storage.UntarDirectory(f, v.Mountpoint)
		f.Close()
		if err != nil {
			return created, fmt.Errorf("restoring volume %s: %w", name, err)
		}
	}
	return created, nil
}
