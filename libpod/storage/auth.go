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
	sys.DockerCertPath = a.CertDir
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

// AuthFiles name the credentials file login and logout use: podman's
// auth.json (Path; "" for DefaultAuthFile) or, with Compat, docker's
// config.json, not both.
type AuthFiles struct {
	Path, Compat string
}

// apply points sys at the chosen file.
func (f AuthFiles) apply(sys *types.SystemContext) error {
	if f.Compat == "" {
		sys.AuthFilePath = authFile(f.Path)
		return nil
	}
	if f.Path != "" {
		return define.Worded(define.ErrInvalidArg, "options for paths to the credential file and to the Docker-compatible credential file can not be set simultaneously")
	}
	sys.DockerCompatAuthFilePath = f.Compat
	return nil
}

// Used is the file the credentials are read from and written to.
func (f AuthFiles) Used() string {
	if f.Compat != "" {
		return f.Compat
	}
	return authFile(f.Path)
}

// LoginOptions tune Login.
type LoginOptions struct {
	Files     AuthFiles
	Username  string
	Password  string
	TLSVerify *bool
	// CertDir holds the client certificates and CAs for the registry
	// (containers/image's DockerCertPath); "" for the system's.
	CertDir string
	// Secret names a podlite secret whose data is the password; the
	// Runtime reads it into Password.
	Secret string
}

// Login checks a user and password against registry (a host[:port],
// optionally with a repository path) and records them in the auth file
// in podman's auth.json format, or docker's with Files.Compat. It returns
// where they went (the file's path), as podman's login --verbose prints.
func (s *Store) Login(ctx context.Context, registry string, o LoginOptions) (string, error) {
	sys := s.systemContext(o.TLSVerify)
	sys.DockerCertPath = o.CertDir
	if err := o.Files.apply(sys); err != nil {
		return "", err
	}
	if o.Username == "" || o.Password == "" {
		return "", fmt.Errorf("logging in to %s: a user name and a password are needed: %w", registry, define.ErrInvalidArg)
	}
	host, _, _ := strings.Cut(registry, "/")
	if err := docker.CheckAuth(ctx, sys, o.Username, o.Password, host); err != nil {
		return "", fmt.Errorf("logging in to %q: %w: %w", registry, err, remoteErrorClass(err))
	}
	used, err := config.SetCredentials(sys, registry, o.Username, o.Password)
	if err != nil {
		return "", fmt.Errorf("storing the credentials of %s in %s: %w", registry, o.Files.Used(), err)
	}
	return used, nil
}

// LoginUser returns the user name recorded for registry in the auth
// file (podman's login --get-login).
func (s *Store) LoginUser(registry string, files AuthFiles) (string, error) {
	sys := s.systemContext(nil)
	if err := files.apply(sys); err != nil {
		return "", err
	}
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
func (s *Store) Logout(registry string, files AuthFiles) error {
	sys := s.systemContext(nil)
	if err := files.apply(sys); err != nil {
		return err
	}
	if registry == "" {
		if err := config.RemoveAllAuthentication(sys); err != nil {
			return fmt.Errorf("removing the credentials in %s: %w", files.Used(), err)
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
