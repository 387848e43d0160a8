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
	fs.StringVar(&f.sdNotify, "sdnotify", define.SdNotifyIgnore, "how readiness reaches $NOTIFY_SOCKET: conmon (the supervisor, once the container runs), container (the container's own socket) or ignore")
}

// mode returns the --sdnotify mode for the create options. healthy needs
// the health check's first pass to reach the unit, which podlite does not
// do yet.
func (f *systemdFlags) mode() (string, error) {
	switch f.sdNotify {
	case define.SdNotifyIgnore, define.SdNotifyConmon, define.SdNotifyContainer:
		return f.sdNotify, nil
	case "healthy":
		return "", fmt.Errorf("--sdnotify=healthy: podlite does not send readiness when the health check first passes yet; use conmon or container: %w", define.ErrNotSupported)
	}
	return "", fmt.Errorf("--sdnotify %q: must be container, conmon, healthy or ignore: %w", f.sdNotify, define.ErrInvalidArg)
}
