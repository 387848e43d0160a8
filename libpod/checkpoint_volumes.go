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

// untarVolumes creates the named volumes an imported container uses and
// fills those that the archive carries from dir/NAME.tar.
func (r *Runtime) untarVolumes(names []string, dir string) error {
	for _, name := range names {
		if !spec.ValidVolumeName(name) {
			return fmt.Errorf("invalid volume name %q in the archive: %w", name, define.ErrInvalidArg)
		}
		v, err := r.store.Volume(name)
		if errors.Is(err, define.ErrNotFound) {
			v, err = r.CreateVolume(name, nil, nil)
		}
		if err != nil {
			return err
		}
		f, err := os.Open(filepath.Join(dir, name+".tar"))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		err = storage.UntarDirectory(f, v.Mountpoint)
		f.Close()
		if err != nil {
			return fmt.Errorf("restoring volume %s: %w", name, err)
		}
	}
	return nil
}
