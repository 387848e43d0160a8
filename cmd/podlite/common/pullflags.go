package common

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/storage"
)

// PullFlags are podman's flags of the commands that pull (pull, create,
// run): the platform to choose and the credentials to use.
type PullFlags struct {
	AuthFile, Arch, OS, Variant, Platform string
}

// Register adds --authfile, --arch, --os, --variant and --platform.
func (p *PullFlags) Register(fs *pflag.FlagSet) {
	fs.StringVar(&p.AuthFile, "authfile", "", "registry credentials file (default $REGISTRY_AUTH_FILE or $XDG_RUNTIME_DIR/containers/auth.json)")
	fs.StringVar(&p.Arch, "arch", "", "pull the image for this architecture instead of the host's")
	fs.StringVar(&p.OS, "os", "", "pull the image for this OS instead of the host's")
	fs.StringVar(&p.Variant, "variant", "", "pull the image for this architecture variant (arm: v7)")
	fs.StringVar(&p.Platform, "platform", "", "pull the image for this OS/ARCH[/VARIANT]")
}

// Apply sets the flags into o; --platform goes with neither --arch nor
// --os, as in podman.
func (p *PullFlags) Apply(o *storage.PullOptions) error {
	o.Auth.File, o.Arch, o.OS, o.Variant = p.AuthFile, p.Arch, p.OS, p.Variant
	if p.Platform == "" {
		return nil
	}
	if p.Arch != "" || p.OS != "" {
		return define.Worded(define.ErrInvalidArg, "--platform option can not be specified with --arch or --os")
	}
	parts := strings.Split(p.Platform, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return fmt.Errorf("invalid platform syntax for --platform=%q: use OS/ARCH[/VARIANT]: %w", p.Platform, define.ErrInvalidArg)
	}
	o.OS, o.Arch = parts[0], parts[1]
	if len(parts) == 3 {
		o.Variant = parts[2]
	}
	return nil
}

// RetryFlags are --retry and --retry-delay of the commands that pull or
// push (pull, push, create, run).
type RetryFlags struct {
	count uint
	delay string
}

// Register adds --retry and --retry-delay.
func (r *RetryFlags) Register(fs *pflag.FlagSet) {
	fs.UintVar(&r.count, "retry", 3, "times to retry a pull or push that failed on the network (default: the config's retry)")
	fs.StringVar(&r.delay, "retry-delay", "", "delay between retries (default: 2s, doubling)")
}

// Retry returns the flags as a storage.Retry; a Count of nil when
// --retry was not given, for the config's retry.
func (r *RetryFlags) Retry(fs *pflag.FlagSet) (storage.Retry, error) {
	var out storage.Retry
	if fs.Changed("retry") {
		out.Count = &r.count
	}
	if r.delay != "" {
		d, err := time.ParseDuration(r.delay)
		if err != nil || d < 0 {
			return out, fmt.Errorf("invalid --retry-delay %q: want a duration such as 500ms or 2s: %w", r.delay, define.ErrInvalidArg)
		}
		out.Delay = d
	}
	return out, nil
}

// RegistryFlags are pull's and push's flags about the connection to the
// registry and the image's trust: --cert-dir, --retry, --retry-delay,
// --disable-content-trust, and the signing and encryption flags podlite
// refuses.
type RegistryFlags struct {
	CertDir string
	Retry   RetryFlags
	trust   bool
	refused []string
}

// unsupportedRegistryFlags are the signing and encryption flags, by
// command: podlite is built without signing and encryption support.
var unsupportedRegistryFlags = map[string][]string{
	"pull": {"decryption-key"},
	"push": {"sign-by", "sign-by-sigstore", "sign-by-sigstore-private-key", "sign-passphrase-file", "encrypt-layer", "encryption-key"},
}

// Register adds the flags of the command named cmd (pull or push).
func (r *RegistryFlags) Register(fs *pflag.FlagSet, cmd string) {
	fs.StringVar(&r.CertDir, "cert-dir", "", "directory of the registry's CA and client certificates (*.crt, *.cert, *.key)")
	r.Retry.Register(fs)
	fs.BoolVar(&r.trust, "disable-content-trust", false, "a Docker option that podman and podlite accept and do nothing with")
	r.refused = unsupportedRegistryFlags[cmd]
	for _, name := range r.refused {
		fs.String(name, "", "not supported: podlite is built without image signing and encryption")
	}
}

// Check refuses the signing and encryption flags when given.
func (r *RegistryFlags) Check(fs *pflag.FlagSet) error {
	for _, name := range r.refused {
		if fs.Changed(name) {
			return fmt.Errorf("--%s is not supported: podlite is built without image signing and encryption: %w", name, define.ErrNotSupported)
		}
	}
	return nil
}
