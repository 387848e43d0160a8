package spec

import (
	"fmt"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/moby/sys/user"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
)

// Finalize completes a stored spec for one start: the rootfs path, and the
// process's user resolved against the container's own /etc/passwd and
// /etc/group (names may differ from the host's), with HOME from passwd
// unless the user set it.
func Finalize(s *specs.Spec, rootfs string) error {
	s.Root.Path = rootfs
	p := s.Process
	userSpec := p.User.Username
	if userSpec == "" {
		userSpec = fmt.Sprintf("%d:%d", p.User.UID, p.User.GID)
	}
	passwd, err := securejoin.SecureJoin(rootfs, "/etc/passwd")
	if err != nil {
		return fmt.Errorf("resolving /etc/passwd in %s: %w", rootfs, err)
	}
	group, err := securejoin.SecureJoin(rootfs, "/etc/group")
	if err != nil {
		return fmt.Errorf("resolving /etc/group in %s: %w", rootfs, err)
	}
	defaults := &user.ExecUser{Uid: 0, Gid: 0, Home: "/"}
	u, err := user.GetExecUserPath(userSpec, defaults, passwd, group)
	if err != nil {
		return fmt.Errorf("resolving user %q in the container: %v: %w", userSpec, err, define.ErrInvalidArg)
	}
	p.User = specs.User{UID: uint32(u.Uid), GID: uint32(u.Gid), Umask: p.User.Umask}
	for _, g := range u.Sgids {
		p.User.AdditionalGids = append(p.User.AdditionalGids, uint32(g))
	}
	if !hasEnv(p.Env, "HOME") {
		p.Env = append(p.Env, "HOME="+u.Home)
	}
	return nil
}

func hasEnv(env []string, key string) bool {
	for _, e := range env {
		if strings.HasPrefix(e, key+"=") {
			return true
		}
	}
	return false
}
