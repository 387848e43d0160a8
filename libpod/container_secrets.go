package libpod

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/secrets"
	"github.com/podlite/podlite/libpod/spec"
	"github.com/podlite/podlite/pkg/criu"
)

// Secrets is the runtime's secret store (ROOT/secrets).
func (r *Runtime) Secrets() *secrets.Store {
	return secrets.New(filepath.Join(r.cfg.Root, "secrets"))
}

// addSecrets gives a container being created the --secret values: each
// secret's data copied into ROOT/containers/ID/secrets and bind-mounted
// read-only at its target, or set as an environment variable.
func (c *Container) addSecrets(so *spec.Options, values []string) error {
	store := c.rt.Secrets()
	for i, v := range values {
		ref, err := secrets.ParseRef(v)
		if err != nil {
			return err
		}
		sec, data, err := store.Data(ref.Name)
		if err != nil {
			return err
		}
		ref.ID = sec.ID
		if ref.Type == "env" {
			so.Env = mergeEnv(so.Env, []string{ref.Target + "=" + string(data)})
		} else {
			m, err := c.secretMount(i, ref, data)
			if err != nil {
				return err
			}
			so.Mounts = append(so.Mounts, m)
		}
		c.config.Secrets = append(c.config.Secrets, ref)
	}
	return nil
}

// secretsMember is the directory of the container's secret copies, in
// its directory and in its checkpoint archives.
const secretsMember = criu.MemberSecrets

// secretFile is where the container keeps its copy of its i-th --secret.
func (c *Container) secretFile(i int, ref define.SecretRef) string {
	return filepath.Join(c.userDir(), secretsMember, fmt.Sprintf("%d-%s", i, ref.ID))
}

// secretMount writes the container's copy of a mounted secret, with its
// owner and mode, and returns its mount.
func (c *Container) secretMount(i int, ref define.SecretRef, data []byte) (specs.Mount, error) {
	path := c.secretFile(i, ref)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return specs.Mount{}, fmt.Errorf("copying secret %s: %w", ref.Name, err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return specs.Mount{}, fmt.Errorf("copying secret %s: %w", ref.Name, err)
	}
	if err := ownSecretFile(path, ref); err != nil {
		return specs.Mount{}, err
	}
	return specs.Mount{Destination: ref.Target, Type: "bind", Source: path,
		Options: []string{"bind", "ro", "nosuid", "nodev", "noexec"}}, nil
}

// ownSecretFiles gives an imported container's secret copies back the
// owner and mode that the checkpoint archive does not keep.
func (c *Container) ownSecretFiles() error {
	for i, ref := range c.config.Secrets {
		if ref.Type != "mount" {
			continue
		}
		if err := ownSecretFile(c.secretFile(i, ref), ref); err != nil {
			return err
		}
	}
	return nil
}

func ownSecretFile(path string, ref define.SecretRef) error {
	if err := os.Chown(path, int(ref.UID), int(ref.GID)); err != nil {
		return fmt.Errorf("secret %s of the container: %w", ref.Name, err)
	}
	if err := os.Chmod(path, os.FileMode(ref.Mode)); err != nil {
		return fmt.Errorf("secret %s of the container: %w", ref.Name, err)
	}
	return nil
}

// InspectSecret is a secret in inspect's .Config.Secrets, podman's keys.
type InspectSecret struct {
	Name string `json:"Name"`
	ID   string `json:"ID"`
	UID  uint32 `json:"UID"`
	GID  uint32 `json:"GID"`
	Mode uint32 `json:"Mode"`
}

// inspectSecrets are the mounted secrets, as podman lists them.
func inspectSecrets(refs []define.SecretRef) []InspectSecret {
	var out []InspectSecret
	for _, r := range refs {
		if r.Type == "mount" {
			out = append(out, InspectSecret{Name: r.Name, ID: r.ID, UID: r.UID, GID: r.GID, Mode: r.Mode})
		}
	}
	return out
}

// withoutSecretEnv hides the env secrets' values from inspect, as podman
// does.
func withoutSecretEnv(env []string, refs []define.SecretRef) []string {
	out := make([]string, 0, len(env))
	for _, e := range env {
		key, _, _ := strings.Cut(e, "=")
		if !slices.ContainsFunc(refs, func(r define.SecretRef) bool { return r.Type == "env" && r.Target == key }) {
			out = append(out, e)
		}
	}
	return out
}
