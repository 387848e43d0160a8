package libpod

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"strconv"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/pkg/network"
)

// Connect joins the container to another network. A running container
// gets its new interface at once (CNI ADD in its namespace); a stopped one
// at its next start.
func (c *Container) Connect(ctx context.Context, name string, att define.NetworkAttachment) error {
	// The default network is created on first use, here as on start.
	n, err := c.rt.NetworkByName(name)
	if err != nil {
		return err
	}
	name = n.Name
	return c.withLock(func() error {
		if c.config.NetworkMode != define.NetworkBridge {
			return fmt.Errorf("container %s uses --network %s; only containers on CNI networks can connect to more: %w", c.config.Name, c.config.NetworkMode, define.ErrInvalidArg)
		}
		nets := maps.Clone(c.networks())
		if nets == nil {
			nets = map[string]define.NetworkAttachment{}
		}
		if _, ok := nets[name]; ok {
			return fmt.Errorf("container %s is already connected to network %s: %w", c.config.Name, name, define.ErrExists)
		}
		att.InterfaceName = freeInterfaceName(nets)
		if c.state.Status == define.StatusRunning || c.state.Status == define.StatusPaused {
			status, err := c.changeNetworkLocked(ctx, name, att, true)
			if err != nil {
				return err
			}
			c.state.Network.Status = status
		}
		nets[name] = att
		c.state.Networks = nets
		if err := c.saveLocked(); err != nil {
			return err
		}
		c.networkEvent(events.Connect, name)
		return nil
	})
}

// Disconnect removes the container from a network (CNI DEL at once when
// it runs).
func (c *Container) Disconnect(ctx context.Context, name string) error {
	return c.withLock(func() error {
		nets := maps.Clone(c.networks())
		att, ok := nets[name]
		if !ok {
			return fmt.Errorf("container %s is not connected to network %s: %w", c.config.Name, name, define.ErrNotFound)
		}
		if c.state.Network.NetNS != "" {
			status, err := c.changeNetworkLocked(ctx, name, att, false)
			if err != nil {
				return err
			}
			c.state.Network.Status = status
		}
		delete(nets, name)
		c.state.Networks = nets
		if err := c.saveLocked(); err != nil {
			return err
		}
		c.networkEvent(events.Disconnect, name)
		return nil
	})
}

// changeNetworkLocked adds or removes one network in the running
// container's namespace and returns its updated saved status.
func (c *Container) changeNetworkLocked(ctx context.Context, name string, att define.NetworkAttachment, add bool) (json.RawMessage, error) {
	mgr, err := c.rt.Network()
	if err != nil {
		return nil, err
	}
	req := c.request(c.state.Network.NetNS)
	req.Networks = map[string]network.Attachment{name: toAttachment(att)}
	req.Ports = nil // published ports stay on the first network
	status, err := c.NetworkStatus()
	if err != nil {
		return nil, err
	}
	if add {
		st, err := mgr.Setup(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("connecting container %s to network %s: %w", c.config.Name, name, err)
		}
		if status == nil {
			status = network.Status{}
		}
		status[name] = st[name]
	} else {
		if err := mgr.Teardown(ctx, req); err != nil {
			return nil, fmt.Errorf("disconnecting container %s from network %s: %w", c.config.Name, name, err)
		}
		delete(status, name)
	}
	return json.Marshal(status)
}

// freeInterfaceName returns the first ethN not in use.
func freeInterfaceName(nets map[string]define.NetworkAttachment) string {
	for i := 0; ; i++ {
		name := "eth" + strconv.Itoa(i)
		used := false
		for _, a := range nets {
			used = used || a.InterfaceName == name
		}
		if !used {
			return name
		}
	}
}

// ReloadNetwork re-applies the running container's networking, as podman's
// network reload: CNI DEL and ADD in its namespace with the addresses and
// MACs it has, which puts back the port forwards and per-container rules a
// firewall flush took. Its addresses are held across the two (as for a
// checkpoint), so that no other container takes them in between.
func (c *Container) ReloadNetwork(ctx context.Context) error {
	return c.withLock(func() error {
		// podman's two messages: a container that does not run, and one
		// whose network is not podlite's to set up.
		if c.state.Status != define.StatusRunning && c.state.Status != define.StatusPaused {
			return fmt.Errorf("container %s: cannot reload network unless container network has been configured: %w", c.config.Name, define.ErrInvalidState)
		}
		ns := c.state.Network.NetNS
		if !c.usesCNI() || ns == "" {
			return fmt.Errorf("container %s network is not configured, refusing to reload: %w", c.config.Name, define.ErrInvalidState)
		}
		mgr, err := c.rt.Network()
		if err != nil {
			return err
		}
		saved, err := c.NetworkStatus()
		if err != nil {
			return err
		}
		if err := mgr.Hold(c.config.ID, saved); err != nil {
			return err
		}
		req := c.request(ns)
		if err := mgr.Teardown(ctx, req); err != nil {
			return fmt.Errorf("reloading the network of container %s: %w", c.config.Name, err)
		}
		withSavedAddresses(req, saved)
		status, err := mgr.Setup(ctx, req)
		if err != nil {
			return fmt.Errorf("reloading the network of container %s: %w", c.config.Name, err)
		}
		raw, err := json.Marshal(status)
		if err != nil {
			return err
		}
		c.state.Network.Status = raw
		if err := writeFileAtomic(filepath.Join(c.userDir(), "network.status"), raw); err != nil {
			return err
		}
		return c.saveLocked()
	})
}

// ReloadFirewall rewrites the networks' own firewall chains (network
// reload, before the containers').
func (r *Runtime) ReloadFirewall() error {
	mgr, err := r.Network()
	if err != nil {
		return err
	}
	return mgr.ReloadFirewall()
}
