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
	fs.StringVar(&f.sdNotify, "sdnotify", "ignore", "how readiness reaches $NOTIFY_SOCKET: ignore (container, conmon and healthy: not yet)")
}

// check accepts what podlite does today: nothing is sent to systemd's
// notify socket and the container gets none. The other modes need the
// systemd units work.
func (f *systemdFlags) check() error {
	switch f.sdNotify {
	case "ignore":
		return nil
	case "container", "conmon", "healthy":
		return fmt.Errorf("--sdnotify=%s: podlite does not pass readiness to systemd's notify socket yet; use --sdnotify=ignore: %w", f.sdNotify, define.ErrNotSupported)
	}
	return fmt.Errorf("--sdnotify %q: must be container, conmon, healthy or ignore: %w", f.sdNotify, define.ErrInvalidArg)
}
