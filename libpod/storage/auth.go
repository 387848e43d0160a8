package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/pkg/docker/config"
	"go.podman.io/image/v5/types"

	"github.com/podlite/podlite/libpod/define"
)

// DefaultAuthFile is the auth file podman uses: $REGISTRY_AUTH_FILE, else
// $XDG_RUNTIME_DIR/containers/auth.json, else
// /run/containers/UID/auth.json.
func DefaultAuthFile() string {
	if f := os.Getenv("REGISTRY_AUTH_FILE"); f != "" {
		return f
	}
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return filepath.Join(d, "containers", "auth.json")
	}
	return filepath.Join("/run/containers", fmt.Sprint(os.Getuid()), "auth.json")
}

// remoteContext is systemContext with credentials: a.Creds, else the
// auth file a.File names (the default one when empty), which must exist
// when named.
func (s *Store) remoteContext(tlsVerify *bool, a Auth) (*types.SystemContext, error) {
	sys := s.systemContext(tlsVerify)
	if a.Creds != "" {
		user, pass, _ := strings.Cut(a.Creds, ":")
		if user == "" {
			return nil, fmt.Errorf("--creds %q: the user name is empty: %w", a.Creds, define.ErrInvalidArg)
		}
		sys.DockerAuthConfig = &types.DockerAuthConfig{Username: user, Password: pass}
		return sys, nil
	}
	if a.File != "" {
		if _, err := os.Stat(a.File); err != nil {
			return nil, define.Worded(define.ErrNotFound, fmt.Sprintf("credential file is not accessible: %v", err))
		}
	}
	sys.AuthFilePath = a.File
	if sys.AuthFilePath == "" {
		sys.AuthFilePath = DefaultAuthFile()
	}
	return sys, nil
}

// LoginOptions tune Login.
type LoginOptions struct {
	// AuthFile is where the credentials go; "" for DefaultAuthFile.
	AuthFile  string
	Username  string
	Password  string
	TLSVerify *bool
}

// Login checks a user and password against registry (a host[:port],
// optionally with a repository path) and records them in the auth file
// in podman's auth.json format.
func (s *Store) Login(ctx context.Context, registry string, o LoginOptions) error {
	sys := s.systemContext(o.TLSVerify)
	sys.AuthFilePath = authFile(o.AuthFile)
	if o.Username == "" || o.Password == "" {
		return fmt.Errorf("logging in to %s: a user name and a password are needed: %w", registry, define.ErrInvalidArg)
	}
	host, _, _ := strings.Cut(registry, "/")
	if err := docker.CheckAuth(ctx, sys, o.Username, o.Password, host); err != nil {
		return fmt.Errorf("logging in to %q: %w: %w", registry, err, remoteErrorClass(err))
	}
	if _, err := config.SetCredentials(sys, registry, o.Username, o.Password); err != nil {
		return fmt.Errorf("storing the credentials of %s in %s: %w", registry, sys.AuthFilePath, err)
	}
	return nil
}

// LoginUser returns the user name recorded for registry in the auth
// file (podman's login --get-login).
func (s *Store) LoginUser(registry, authFilePath string) (string, error) {
	sys := s.systemContext(nil)
	sys.AuthFilePath = authFile(authFilePath)
	auth, err := config.GetCredentials(sys, registry)
	if err != nil {
		return "", fmt.Errorf("reading the credentials of %s: %w", registry, err)
	}
	if auth.Username == "" {
		return "", define.Worded(define.ErrNotFound, fmt.Sprintf("not logged into %s", registry))
	}
	return auth.Username, nil
}

// Logout removes the credentials of registry from the auth file, or with
// registry "" every credential.
func (s *Store) Logout(registry, authFilePath string) error {
	sys := s.systemContext(nil)
	sys.AuthFilePath = authFile(authFilePath)
	if registry == "" {
		if err := config.RemoveAllAuthentication(sys); err != nil {
			return fmt.Errorf("removing the credentials in %s: %w", sys.AuthFilePath, err)
		}
		return nil
	}
	err := config.RemoveAuthentication(sys, registry)
	if errors.Is(err, config.ErrNotLoggedIn) {
		return define.Worded(define.ErrNotFound, fmt.Sprintf("not logged into %s", registry))
	}
	if err != nil {
		return fmt.Errorf("removing the credentials of %s: %w", registry, err)
	}
	return nil
}

func authFile(path string) string {
	if path == "" {
		return DefaultAuthFile()
	}
	return path
}
