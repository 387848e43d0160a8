package libpod

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/netconf"
	"github.com/podlite/podlite/pkg/network"
)

// checkNetworks makes sure the container's networks exist, creating the
// default network on first use.
func (r *Runtime) checkNetworks(nets map[string]define.NetworkAttachment) error {
	if len(nets) == 0 {
		return nil
	}
	mgr, err := r.Network()
	if err != nil {
		return err
	}
	for name := range nets {
		if name == network.DefaultName {
			if _, err := mgr.EnsureDefault(); err != nil {
				return err
			}
			continue
		}
		if _, err := mgr.Network(name); err != nil {
			return err
		}
	}
	return nil
}

// freeHostPort asks the kernel for an unused port for a mapping without one.
func freeHostPort(proto, hostIP string) (uint16, error) {
	addr := net.JoinHostPort(hostIP, "0")
	if proto == "udp" {
		c, err := net.ListenPacket("udp", addr)
		if err != nil {
			return 0, err
		}
		defer c.Close()
		return uint16(c.LocalAddr().(*net.UDPAddr).Port), nil
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return uint16(l.Addr().(*net.TCPAddr).Port), nil
}

// resolvePorts fills in random host ports and refuses a host port another
// container than replaced already publishes.
func (r *Runtime) resolvePorts(ports []define.PortMapping, replaced string) error {
	recs, err := r.store.AllContainers()
	if err != nil {
		return err
	}
	for i := range ports {
		p := &ports[i]
		if p.HostPort == 0 {
			if p.HostPort, err = freeHostPort(p.Protocol, p.HostIP); err != nil {
				return fmt.Errorf("choosing a host port for %d/%s: %w", p.ContainerPort, p.Protocol, err)
			}
			p.Range = 1
		}
		for _, rec := range recs {
			if rec.Config.ID == replaced {
				continue
			}
			for _, q := range rec.Config.Network.Ports {
				if netconf.PortsOverlap(*p, q) {
					return fmt.Errorf("host port %d/%s is already published by container %s: %w", p.HostPort, p.Protocol, rec.Config.Name, define.ErrExists)
				}
			}
		}
	}
	return nil
}

// networks is the container's current CNI network list.
func (c *Container) networks() map[string]define.NetworkAttachment {
	if c.state != nil && c.state.Networks != nil {
		return c.state.Networks
	}
	return c.config.Network.Networks
}

// usesCNI reports whether the container's networking goes through CNI.
func (c *Container) usesCNI() bool { return len(c.networks()) > 0 }

// request is the container's CNI request for a namespace.
func (c *Container) request(netns string) network.Request { return c.sandbox().request(netns) }

// setupNetworkLocked gives a starting container its network namespace:
// a new one joined to its CNI networks, another container's, or the path it
// was created with. It sets the spec's namespace path accordingly.
func (c *Container) setupNetworkLocked(ctx context.Context, s *specs.Spec, restore *network.Status) error {
	var path string
	switch {
	case c.usesCNI():
		ns, err := c.sandbox().setup(ctx, restore)
		if err != nil {
			return err
		}
		path = ns
	case c.usesUserNet():
		ns, err := c.setupUserNetLocked()
		if err != nil {
			return err
		}
		path = ns
	case strings.HasPrefix(c.config.NetworkMode, "container:"):
		other, err := c.rt.containerByID(strings.TrimPrefix(c.config.NetworkMode, "container:"))
		if err != nil {
			return fmt.Errorf("joining the network of another container: %w", err)
		}
		if other.state.Status != define.StatusRunning {
			return fmt.Errorf("container %s shares the network of %s, which is not running: %w", c.config.Name, other.config.Name, define.ErrInvalidState)
		}
		path = fmt.Sprintf("/proc/%d/ns/net", other.state.PID)
	case strings.HasPrefix(c.config.NetworkMode, "ns:"):
		path = strings.TrimPrefix(c.config.NetworkMode, "ns:")
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("network namespace %s of container %s: %w", path, c.config.Name, define.ErrNotFound)
		}
	default:
		return nil
	}
	for i, ns := range s.Linux.Namespaces {
		if ns.Type == specs.NetworkNamespace {
			s.Linux.Namespaces[i].Path = path
		}
	}
	return nil
}

// teardownNetworkLocked disconnects the container from its networks (CNI
// DEL) and removes its namespace; once done, it does nothing. The saved
// network.status stays for a later restore.
func (c *Container) teardownNetworkLocked(ctx context.Context) error {
	if c.usesUserNet() {
		return c.teardownUserNetLocked()
	}
	return c.sandbox().teardown(ctx)
}

// NetworkStatus returns the container's current CNI status (empty when it
// is not connected).
func (c *Container) NetworkStatus() (network.Status, error) { return c.sandbox().status() }

// writeEtcFiles writes the container's /etc/hostname, /etc/hosts and
// /etc/resolv.conf into its persistent directory (so they survive restarts
// and reboots) and returns the bind mounts that place them. A container on
// CNI networks gets its own addresses added to /etc/hosts at each start,
// from hosts.base.
func (c *Container) writeEtcFiles(hostname string) ([]specs.Mount, error) {
	netCfg, host := c.config.Network, c.config.NetworkMode == define.NetworkHost
	if hostname == "" {
		hostname, _ = os.Hostname()
	}
	from := netconf.LoopbackHosts
	if host {
		if b, err := os.ReadFile("/etc/hosts"); err == nil {
			from = string(b)
		}
	}
	var err error
	if c.config.HostsFile == "image" {
		from, err = c.imageHostsFile()
	} else {
		from, err = hostsFileBase(c.config.HostsFile, from)
	}
	if err != nil {
		return nil, err
	}
	base := netconf.BaseHosts(from, netCfg.HostAdd)
	hosts := base
	if !c.usesCNI() {
		hosts = netconf.HostsWithOwnName(base, hostname, c.config.Name)
	}
	hostResolv, err := os.ReadFile("/etc/resolv.conf")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading the host's resolv.conf: %w", err)
	}
	files := []struct{ name, dest, content string }{
		{"hostname", "/etc/hostname", hostname + "\n"},
		{"hosts.base", "", base},
		{"hosts", "/etc/hosts", hosts},
		{"resolv.conf", "/etc/resolv.conf", netconf.ResolvConf(hostResolv, host, netCfg)},
	}
	var mounts []specs.Mount
	for _, f := range files {
		path := filepath.Join(c.userDir(), f.name)
		if err := os.WriteFile(path, []byte(f.content), 0o644); err != nil {
			return nil, fmt.Errorf("writing %s of %s: %w", f.name, c.config.Name, err)
		}
		if f.dest != "" {
			mounts = append(mounts, specs.Mount{Destination: f.dest, Type: "bind", Source: path, Options: []string{"bind", "rprivate"}})
		}
	}
	return mounts, nil
}

// finishNetworkConfig completes the network part of a new container's
// config with what needs the image or the system: -P's exposed ports,
// random host ports, the networks' existence and the other container of
// --network container:NAME.
func (r *Runtime) finishNetworkConfig(cfg *define.ContainerConfig, opts *CreateOptions, exposed []string) error {
	n := &cfg.Network
	allExposed, err := netconf.ParseExpose(append(slices.Clone(exposed), opts.Expose...))
	if err != nil {
		return err
	}
	if opts.PublishAll {
		for _, e := range append(append([]string{}, exposed...), opts.Expose...) {
			port, proto, _ := strings.Cut(e, "/")
			if proto == "" {
				proto = "tcp"
			}
			m, err := netconf.ParsePorts([]string{port + "/" + proto})
			if err != nil {
				return fmt.Errorf("exposed port %q: %w", e, err)
			}
			if !slices.ContainsFunc(n.Ports, func(p define.PortMapping) bool {
				return p.ContainerPort == m[0].ContainerPort && p.Protocol == m[0].Protocol
			}) {
				n.Ports = append(n.Ports, m[0])
			}
		}
	}
	if name, ok := strings.CutPrefix(cfg.NetworkMode, "container:"); ok {
		other, err := r.LookupContainer(name)
		if err != nil {
			return fmt.Errorf("--network container:%s: %w", name, err)
		}
		cfg.NetworkMode = "container:" + other.ID()
	}
	n.ExposedPorts = netconf.Unpublished(allExposed, n.Ports)
	if err := r.checkNetworks(n.Networks); err != nil {
		return err
	}
	return r.resolvePorts(n.Ports, opts.takesPortsOf)
}
