package common

import (
	"fmt"
	"strings"

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
