package pods

import (
	"bufio"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// BindMount is one read-only file the infra's empty rootfs gets from the
// host, at the same path unless Dest says otherwise.
type BindMount struct {
	Source, Dest string
}

// InfraMounts are the files the pause process needs in an empty rootfs:
// the podlite binary exe at PausePath and, since podlite is linked
// dynamically (cgo), its program interpreter and every shared library this
// process was loaded with (from /proc/self/maps), each at its host path.
func InfraMounts(exe string) ([]BindMount, error) {
	mounts := []BindMount{{Source: exe, Dest: PausePath}}
	f, err := elf.Open(exe)
	if err != nil {
		return nil, fmt.Errorf("reading the podlite binary %s: %w: %w", exe, define.ErrUnavailable, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type != elf.PT_INTERP {
			continue
		}
		buf := make([]byte, p.Filesz)
		if _, err := p.ReadAt(buf, 0); err != nil {
			return nil, fmt.Errorf("reading the interpreter of %s: %w: %w", exe, define.ErrUnavailable, err)
		}
		interp := strings.TrimRight(string(buf), "\x00")
		real, err := filepath.EvalSymlinks(interp)
		if err != nil {
			return nil, fmt.Errorf("the interpreter of %s: %w: %w", exe, define.ErrUnavailable, err)
		}
		mounts = append(mounts, BindMount{Source: real, Dest: interp})
	}
	libs, err := loadedLibraries("/proc/self/maps")
	if err != nil {
		return nil, err
	}
	for _, lib := range libs {
		// The loader asks for a library by its soname (libseccomp.so.2),
		// which the mapped file (libseccomp.so.2.5.4) may not be named.
		dest := filepath.Join(filepath.Dir(lib), soname(lib))
		if !slices.ContainsFunc(mounts, func(m BindMount) bool { return m.Dest == dest }) {
			mounts = append(mounts, BindMount{Source: lib, Dest: dest})
		}
	}
	return mounts, nil
}

// soname is a shared object's DT_SONAME, or its file name without one.
func soname(path string) string {
	if f, err := elf.Open(path); err == nil {
		defer f.Close()
		if names, err := f.DynString(elf.DT_SONAME); err == nil && len(names) > 0 {
			return names[0]
		}
	}
	return filepath.Base(path)
}

// loadedLibraries lists the shared objects mapped in a maps file, in
// order of first appearance.
func loadedLibraries(maps string) ([]string, error) {
	f, err := os.Open(maps)
	if err != nil {
		return nil, fmt.Errorf("listing podlite's libraries: %w: %w", define.ErrUnavailable, err)
	}
	defer f.Close()
	var libs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 {
			continue
		}
		path := fields[5]
		base := filepath.Base(path)
		if !strings.HasPrefix(path, "/") || !(strings.HasSuffix(base, ".so") || strings.Contains(base, ".so.")) {
			continue
		}
		if !slices.Contains(libs, path) {
			libs = append(libs, path)
		}
	}
	return libs, sc.Err()
}

// LibraryPath is the LD_LIBRARY_PATH that finds mounts' libraries without
// the host's ld.so.cache, which the infra's rootfs lacks.
func LibraryPath(mounts []BindMount) string {
	var dirs []string
	for _, m := range mounts[1:] {
		if d := filepath.Dir(m.Dest); !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	return strings.Join(dirs, ":")
}
