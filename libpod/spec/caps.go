package spec

import (
	"fmt"
	"strings"

	"github.com/moby/sys/capability"

	"github.com/podlite/podlite/libpod/define"
)

// allCaps lists what --privileged and --cap-add=all grant: every
// capability the kernel supports that podlite itself may pass on (its
// bounding set). A capability podlite lacks cannot be given to a container
// (here CAP_SYS_RESOURCE is missing), and asking for it fails the start.
func allCaps() []string {
	supported, err := capability.ListSupported()
	if err != nil {
		supported = capability.ListKnown()
	}
	own, err := capability.NewPid2(0)
	if err == nil {
		err = own.Load()
	}
	out := make([]string, 0, len(supported))
	for _, c := range supported {
		if err == nil && !own.Get(capability.BOUNDING, c) {
			continue
		}
		out = append(out, "CAP_"+strings.ToUpper(c.String()))
	}
	return out
}

// capName normalises "net_admin", "NET_ADMIN" and "CAP_NET_ADMIN" to the
// last form and rejects unknown names.
func capName(c string) (string, error) {
	name := strings.ToUpper(c)
	if !strings.HasPrefix(name, "CAP_") {
		name = "CAP_" + name
	}
	for _, k := range capability.ListKnown() {
		if "CAP_"+strings.ToUpper(k.String()) == name {
			return name, nil
		}
	}
	return "", fmt.Errorf("unknown capability %q: %w", c, define.ErrInvalidArg)
}
