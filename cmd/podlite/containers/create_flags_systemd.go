package containers

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/podlite/podlite/libpod/define"
)

// systemdFlags are the run/create flags about the systemd that runs
// podlite (not --systemd, which is about a systemd inside the container).
type systemdFlags struct {
	sdNotify string
}

func (f *systemdFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.sdNotify, "sdnotify", define.SdNotifyIgnore, "how readiness reaches $NOTIFY_SOCKET: conmon (the supervisor, once the container runs), container (the container's own socket), healthy (the health check's first pass) or ignore")
}

// mode returns the --sdnotify mode for the create options.
func (f *systemdFlags) mode() (string, error) {
	switch f.sdNotify {
	case define.SdNotifyIgnore, define.SdNotifyConmon, define.SdNotifyContainer, define.SdNotifyHealthy:
		return f.sdNotify, nil
	}
	return "", fmt.Errorf("--sdnotify %q: must be container, conmon, healthy or ignore: %w", f.sdNotify, define.ErrInvalidArg)
}
