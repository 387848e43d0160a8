package libpod

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/network"
	"github.com/podlite/podlite/pkg/network/pasta"
)

// usesPasta reports whether the container's network is its own namespace
// joined to the host's by pasta (rootless).
func (c *Container) usesPasta() bool { return c.config.NetworkMode == define.NetworkPasta }

func (c *Container) pastaPIDFile() string { return filepath.Join(c.runDir(), "pasta.pid") }

// networkPorts converts -p mappings into pkg/network's form.
func networkPorts(ports []define.PortMapping) []network.PortMapping {
	var out []network.PortMapping
	for _, p := range ports {
		out = append(out, network.PortMapping{HostIP: p.HostIP, HostPort: p.HostPort,
			ContainerPort: p.ContainerPort, Protocol: p.Protocol, Range: max(p.Range, 1)})
	}
	return out
}

// setupPastaLocked makes the container's network namespace (in the user's
// namespace, where podlite runs) and attaches pasta to it, forwarding the
// published ports. It records the namespace and what the container sees
// as its status, and returns the namespace's path.
func (c *Container) setupPastaLocked() (_ string, retErr error) {
	ns, err := network.NewNamespace(c.rt.netnsDir(), c.config.ID)
	if err != nil {
		return "", err
	}
	c.state.Network = define.NetworkState{NetNS: ns}
	defer func() {
		if retErr != nil {
			if err := c.teardownPastaLocked(); err != nil {
				retErr = fmt.Errorf("%w (and undoing: %v)", retErr, err)
			}
		}
	}()
	status, err := pasta.Status()
	if err != nil {
		return "", err
	}
	raw, err := json.Marshal(status)
	if err != nil {
		return "", err
	}
	c.state.Network.Status = raw
	err = pasta.Start(pasta.Options{NetNS: ns, PIDFile: c.pastaPIDFile(),
		LogFile: filepath.Join(c.runDir(), "pasta.log"),
		Ports:   networkPorts(c.config.Network.Ports), Extra: c.config.Network.PastaOptions})
	if err != nil {
		return "", fmt.Errorf("connecting container %s: %w", c.config.Name, err)
	}
	return ns, c.writeHostsWithIPs(status)
}

// teardownPastaLocked ends the container's pasta and removes its network
// namespace; once done, it does nothing. It goes by the PID file and the
// namespace's fixed path, not the state: a start interrupted before the
// state was saved leaves both without a record.
func (c *Container) teardownPastaLocked() error {
	if err := pasta.Stop(c.pastaPIDFile()); err != nil {
		return fmt.Errorf("disconnecting container %s: %w", c.config.Name, err)
	}
	if err := network.RemoveNamespace(filepath.Join(c.rt.netnsDir(), c.config.ID)); err != nil {
		return err
	}
	c.state.Network = define.NetworkState{}
	return nil
}
