package copy

import (
	"fmt"
	"io"

	"github.com/moby/sys/user"

	"github.com/podlite/podlite/libpod/define"
)

// User resolves spec (a user as the container's config has it: NAME,
// UID, NAME:GROUP...) to its IDs with the container's /etc/passwd and
// /etc/group, read through its root's handle (a running container could
// swap /etc for a symlink to the host's); a missing file leaves the
// defaults, as runc's lookup does.
func (s Side) User(spec string) (IDPair, error) {
	s, done := s.withRoots()
	defer done()
	var files [2]io.Reader
	for i, p := range []string{"/etc/passwd", "/etc/group"} {
		in, err := s.resolve(p)
		if err != nil {
			return IDPair{}, err
		}
		root, err := s.root(in.base)
		if err != nil {
			return IDPair{}, err
		}
		f, err := root.Open(in.rel)
		if err != nil {
			continue
		}
		defer f.Close()
		files[i] = f
	}
	u, err := user.GetExecUser(spec, &user.ExecUser{}, files[0], files[1])
	if err != nil {
		return IDPair{}, fmt.Errorf("resolving user %q in container %s: %v: %w", spec, s.Container, err, define.ErrInvalidArg)
	}
	return IDPair{UID: u.Uid, GID: u.Gid}, nil
}
