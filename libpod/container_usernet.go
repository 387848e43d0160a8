package libpod

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/network"
	"github.com/podlite/podlite/pkg/network/pasta"
	"github.com/podlite/podlite/pkg/network/slirp"
)

// usesUserNet reports whether the container's network is its own
// namespace joined to the host's by a user-mode daemon, pasta or
// slirp4netns (rootless).
func (c *Container) usesUserNet() bool {
	return c.config.NetworkMode == define.NetworkPasta || c.config.NetworkMode == define.NetworkSlirp
}

// userNetPIDFile is the daemon's PID file in the run directory, named by
// the mode (pasta.pid, slirp4netns.pid).
func (c *Container) userNetPIDFile() string {
	return filepath.Join(c.runDir(), c.config.NetworkMode+".pid")
}

// slirpSocket is slirp4netns's API socket: under the runroot with a short
// name, as a socket path may not be longer than 107 bytes.
func (c *Container) slirpSocket() string {
	return filepath.Join(c.rt.cfg.RunRoot, "slirp4netns", c.config.ID[:12]+".sock")
}

// networkPorts converts -p mappings into pkg/network's form.
func networkPorts(ports []define.PortMapping) []network.PortMapping {
	var out []network.PortMapping
	for _, p := range ports {
		out = append(out, network.PortMapping{HostIP: p.HostIP, HostPort: p.HostPort,
			ContainerPort: p.ContainerPort, Protocol: p.Protocol, Range: max(p.Range, 1)})
	}
	return out
}

// setupUserNetLocked makes the container's network namespace (in the
// user's namespace, where podlite runs) and attaches pasta or slirp4netns
// to it, forwarding the published ports. It records the namespace and what
// the container sees as its status, and returns the namespace's path.
func (c *Container) setupUserNetLocked() (_ string, retErr error) {
	ns, err := network.NewNamespace(c.rt.netnsDir(), c.config.ID)
	if err != nil {
		return "", err
	}
	c.state.Network = define.NetworkState{NetNS: ns}
	defer func() {
		if retErr != nil {
			if err := c.teardownUserNetLocked(); err != nil {
				retErr = fmt.Errorf("%w (and undoing: %v)", retErr, err)
			}
		}
	}()
	status, err := c.startUserNet(ns)
	if err != nil {
		return "", fmt.Errorf("connecting container %s: %w", c.config.Name, err)
	}
	raw, err := json.Marshal(status)
	if err != nil {
		return "", err
	}
	c.state.Network.Status = raw
	return ns, c.sandbox().writeHosts(status)
}

// startUserNet starts the container's daemon on namespace ns.
func (c *Container) startUserNet(ns string) (network.Status, error) {
	ports, opts := networkPorts(c.config.Network.Ports), c.config.Network.NetworkOptions
	log := filepath.Join(c.runDir(), c.config.NetworkMode+".log")
	if c.config.NetworkMode == define.NetworkSlirp {
		if err := ensureDir(filepath.Dir(c.slirpSocket())); err != nil {
			return nil, err
		}
		return slirp.Status(), slirp.Start(slirp.Options{NetNS: ns, PIDFile: c.userNetPIDFile(),
			APISocket: c.slirpSocket(), LogFile: log, Ports: ports, Extra: opts})
	}
	status, err := pasta.Status()
	if err != nil {
		return nil, err
	}
	return status, pasta.Start(pasta.Options{NetNS: ns, PIDFile: c.userNetPIDFile(), LogFile: log, Ports: ports, Extra: opts})
}

// teardownUserNetLocked ends the container's pasta or slirp4netns and
// removes its network namespace; once done, it does nothing. It goes by
// the PID file and the namespace's fixed path, not the state: a start
// interrupted before the state was saved leaves both without a record.
func (c *Container) teardownUserNetLocked() error {
	stop := pasta.Stop
	if c.config.NetworkMode == define.NetworkSlirp {
		stop = slirp.Stop
	}
	if err := stop(c.userNetPIDFile()); err != nil {
		return fmt.Errorf("disconnecting container %s: %w", c.config.Name, err)
	}
	if c.config.NetworkMode == define.NetworkSlirp {
		if err := os.Remove(c.slirpSocket()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if err := network.RemoveNamespace(filepath.Join(c.rt.netnsDir(), c.config.ID)); err != nil {
		return err
	}
	c.state.Network = define.NetworkState{}
	return nil
}
