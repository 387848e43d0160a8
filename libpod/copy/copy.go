package copy

import (
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// StdioPath is the host path that stands for stdin (a source) or stdout
// (a destination): a tar stream.
const StdioPath = "-"

// Options are cp's flags and streams.
type Options struct {
	// Overwrite lets a directory replace a non-directory and back.
	Overwrite bool
	// Stdin is the tar stream of a source of "-".
	Stdin io.Reader
	// Stdout receives the tar stream of a destination of "-".
	Stdout io.Writer
}

// Copy copies srcPath of src to dstPath of dst as podman's cp does (see
// podman-cp(1)): a file to a file or into a directory, a directory into a
// directory or as a new one, "dir/." as the directory's contents; no
// glob is expanded. On the host "-" is a tar stream: from stdin,
// extracted into a directory; to stdout, of the source.
func Copy(src Side, srcPath string, dst Side, dstPath string, o Options) error {
	src, closeSrc := src.withRoots()
	defer closeSrc()
	dst, closeDst := dst.withRoots()
	defer closeDst()
	if src.Container == "" && srcPath == StdioPath {
		return copyStdin(dst, dstPath, o)
	}
	in, err := src.stat(srcPath)
	if err != nil {
		return err
	}
	if dst.Container == "" && dstPath == StdioPath {
		top := ""
		if !contentsOnly(in.path) {
			top = path.Base(in.path)
		}
		return writeTar(o.Stdout, src, in, top)
	}
	dest, err := dst.resolveDestination(dstPath, false)
	if err != nil {
		return err
	}
	if in.isDir && !dest.isDir {
		return define.Worded(define.ErrInvalidArg, "destination must be a directory when copying a directory")
	}
	top := path.Base(in.path)
	switch {
	case dest.toParent || (!in.isDir && !dest.isDir):
		// A new name, or a file onto a file: the source takes the
		// destination's name; "dir/." then makes the directory.
		top = dest.name
	case contentsOnly(in.path):
		top = ""
	}
	return pipe(src, in, top, dst, dest.dir.path, putOptions{overwrite: o.Overwrite, skipDevices: dst.Container == ""})
}

// copyStdin extracts the tar on stdin into dstPath, a directory.
func copyStdin(dst Side, dstPath string, o Options) error {
	dest, err := dst.resolveDestination(dstPath, true)
	if err != nil {
		return err
	}
	if !dest.isDir {
		return define.Worded(define.ErrInvalidArg, "destination must be a directory when copying from stdin")
	}
	f, err := spoolTar(o.Stdin)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := openTar(f)
	if err != nil {
		return err
	}
	return dst.extract(r, dest.dir.path, putOptions{overwrite: o.Overwrite})
}

// pipe streams the tree at in of src (named top in the stream) into dir
// of dst.
func pipe(src Side, in info, top string, dst Side, dir string, o putOptions) error {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := writeTar(pw, src, in, top)
		pw.CloseWithError(err)
		done <- err
	}()
	err := dst.extract(pr, dir, o)
	pr.CloseWithError(err) // stops the writer when the extraction failed
	werr := <-done
	if err != nil {
		return fmt.Errorf("copying to %s: %w", dst.where(), err)
	}
	if werr != nil {
		return fmt.Errorf("copying from %s: %w", src.where(), werr)
	}
	return nil
}

// ParseArgs splits cp's arguments, each "[CONTAINER:]PATH" (a path that
// starts with "." or "/" is the host's, colons and all), as podman does.
func ParseArgs(src, dst string) (srcContainer, srcPath, dstContainer, dstPath string, _ error) {
	srcContainer, srcPath = parseArg(src)
	dstContainer, dstPath = parseArg(dst)
	if srcPath == "" || dstPath == "" {
		return "", "", "", "", define.Worded(define.ErrInvalidArg, fmt.Sprintf("invalid arguments %q, %q: you must specify paths", src, dst))
	}
	if srcContainer == "" && dstContainer == "" {
		return "", "", "", "", define.Worded(define.ErrInvalidArg, "name or ID cannot be empty")
	}
	return srcContainer, srcPath, dstContainer, dstPath, nil
}

func parseArg(arg string) (container, p string) {
	if arg == "" || arg[0] == '.' || arg[0] == '/' {
		return "", arg
	}
	if c, rest, ok := strings.Cut(arg, ":"); ok {
		return c, rest
	}
	return "", arg
}
