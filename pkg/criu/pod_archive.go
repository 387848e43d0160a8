package criu

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// A pod's checkpoint archive is an uncompressed tar of flat members, in
// this order: pod.options (checkpointctl's CheckpointedPodOptions: each
// container's name and its archive's member name), pod.dump (the pod's
// record), then one member per container, "NAME.tar": that container's
// own checkpoint archive, compressed as its export was, which
// checkpointctl shows and inspects once extracted. The tar is not
// compressed again: its members are.
const (
	MemberPodOptions = "pod.options"
	MemberPodDump    = "pod.dump"
)

// PodMember is one member of a pod's archive: its name there and the
// file it comes from.
type PodMember struct {
	Name, Path string
}

// PackPod writes a pod's archive to path, in place only once complete:
// options and dump first, then the members' files.
func PackPod(path string, options, dump []byte, members []PodMember) (retErr error) {
	f, err := CreateArchive(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); retErr == nil {
			retErr = cerr
		}
	}()
	tw := tar.NewWriter(f)
	for _, m := range []struct {
		name string
		data []byte
	}{{MemberPodOptions, options}, {MemberPodDump, dump}} {
		if err := tw.WriteHeader(&tar.Header{Name: m.name, Mode: 0o600, Size: int64(len(m.data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		if _, err := tw.Write(m.data); err != nil {
			return err
		}
	}
	for _, m := range members {
		if err := packPodMember(tw, m); err != nil {
			return fmt.Errorf("writing pod archive %s: %w", path, err)
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return f.Commit()
}

func packPodMember(tw *tar.Writer, m PodMember) error {
	in, err := os.Open(m.Path)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: m.Name, Mode: 0o600, Size: fi.Size(), Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	_, err = io.Copy(tw, in)
	return err
}

// UnpackPod extracts a pod's archive into dir, which must exist. It takes
// regular files with plain names only (no directories, links or paths),
// within DefaultLimits, and requires pod.options and pod.dump.
func UnpackPod(path, dir string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("opening pod archive %s: %w", path, err)
	}
	defer f.Close()
	limits := DefaultLimits()
	var total int64
	seen := map[string]bool{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reading pod archive %s: %w: %w", path, define.ErrInvalidArg, err)
		}
		name := h.Name
		if h.Typeflag != tar.TypeReg || name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\") || seen[name] {
			return fmt.Errorf("pod archive %s: unexpected member %q: %w", path, name, define.ErrInvalidArg)
		}
		total += h.Size
		if h.Size > limits.MaxMemberSize || total > limits.MaxTotalSize {
			return fmt.Errorf("pod archive %s: member %s is too large: %w", path, name, define.ErrInvalidArg)
		}
		seen[name] = true
		if err := writeMember(filepath.Join(dir, name), tr); err != nil {
			return err
		}
	}
	if !seen[MemberPodOptions] || !seen[MemberPodDump] {
		return fmt.Errorf("%s is not a pod checkpoint archive (no %s or %s): %w", path, MemberPodOptions, MemberPodDump, define.ErrInvalidArg)
	}
	return nil
}

func writeMember(path string, r io.Reader) error {
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, r); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}
