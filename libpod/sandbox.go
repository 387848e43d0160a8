package libpod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/netconf"
	"github.com/podlite/podlite/pkg/crashpoint"
	"github.com/podlite/podlite/pkg/network"
)

// sandbox is a network namespace joined to CNI networks, with what hangs on
// it: the published ports, the CNI result saved as network.status in its
// owner's directory (kept by a checkpoint, asked for again by a restore,
// its addresses held meanwhile) and the owner's /etc/hosts with those
// addresses. A container owns one today; a pod's infra container owns the
// pod's, which the pod's other containers join by path.
//
// A sandbox is a view over its owner's config and state, made for each use:
// it keeps nothing of its own, and setup and teardown record the namespace
// and status in the owner's state, which the owner saves under its lock.
type sandbox struct {
	rt *Runtime
	// id and name are the owner's, as CNI and the IPAM leases know it.
	id, name string
	// dir is the owner's persistent directory: network.status, hosts.base,
	// hosts.
	dir      string
	hostname string
	networks map[string]define.NetworkAttachment
	ports    []define.PortMapping
	// state is the owner's networking state, changed in place.
	state *define.NetworkState
}

// sandbox is the container's own network sandbox.
func (c *Container) sandbox() *sandbox {
	sb := &sandbox{rt: c.rt, id: c.config.ID, name: c.config.Name, dir: c.userDir(),
		networks: c.networks(), ports: c.config.Network.Ports}
	if c.config.Spec != nil {
		sb.hostname = c.config.Spec.Hostname
	}
	if c.state != nil {
		sb.state = &c.state.Network
	}
	return sb
}

// request is the sandbox's CNI request for the namespace netns.
func (sb *sandbox) request(netns string) network.Request {
	req := network.Request{ContainerID: sb.id, ContainerName: sb.name, NetNS: netns,
		Networks: map[string]network.Attachment{}}
	for name, a := range sb.networks {
		req.Networks[name] = toAttachment(a)
	}
	req.Ports = networkPorts(sb.ports)
	return req
}

func toAttachment(a define.NetworkAttachment) network.Attachment {
	att := network.Attachment{InterfaceName: a.InterfaceName, StaticMAC: a.StaticMAC, Aliases: a.Aliases}
	for _, ip := range a.StaticIPs {
		att.StaticIPs = append(att.StaticIPs, net.ParseIP(ip))
	}
	return att
}

// withSavedAddresses asks each network of req for the address and MAC a
// checkpointed sandbox had there (restore --ignore-static-ip/mac clear
// them from saved beforehand).
func withSavedAddresses(req network.Request, saved network.Status) {
	for name, att := range req.Networks {
		st, ok := saved[name]
		if !ok {
			continue
		}
		if len(att.StaticIPs) == 0 {
			for _, a := range st.Addresses {
				if ip, _, err := net.ParseCIDR(a.IP); err == nil {
					att.StaticIPs = append(att.StaticIPs, ip)
				}
			}
		}
		if att.StaticMAC == "" {
			att.StaticMAC = st.MAC
		}
		req.Networks[name] = att
	}
}

// setup makes a new namespace, joins it to the sandbox's networks (asking
// for the addresses of restore when given), saves the result and writes
// the addresses into hosts. It returns the namespace's path.
func (sb *sandbox) setup(ctx context.Context, restore *network.Status) (string, error) {
	mgr, err := sb.rt.Network()
	if err != nil {
		return "", err
	}
	ns, err := network.NewNamespace(sb.rt.netnsDir(), sb.id)
	if err != nil {
		return "", err
	}
	req := sb.request(ns)
	if restore != nil {
		withSavedAddresses(req, *restore)
	}
	status, err := mgr.Setup(ctx, req)
	if err != nil {
		if rmErr := network.RemoveNamespace(ns); rmErr != nil {
			err = errors.Join(err, rmErr)
		}
		return "", fmt.Errorf("connecting container %s to its networks: %w", sb.name, err)
	}
	raw, _ := json.Marshal(status)
	*sb.state = define.NetworkState{NetNS: ns, Status: raw}
	if err := writeFileAtomic(filepath.Join(sb.dir, networkStatus), raw); err != nil {
		return "", err
	}
	if err := sb.writeHosts(status); err != nil {
		return "", err
	}
	crashpoint.Hit(crashpoint.StartNetworkAdded)
	return ns, nil
}

// teardown disconnects the sandbox from its networks (CNI DEL) and removes
// its namespace; once done, it does nothing. The saved network.status
// stays for a later restore.
func (sb *sandbox) teardown(ctx context.Context) error {
	st := *sb.state
	if st.NetNS == "" && len(st.Status) == 0 {
		return nil
	}
	mgr, err := sb.rt.Network()
	if err != nil {
		return err
	}
	if err := mgr.Teardown(ctx, sb.request(st.NetNS)); err != nil {
		return fmt.Errorf("disconnecting container %s from its networks: %w", sb.name, err)
	}
	if st.NetNS != "" {
		if err := network.RemoveNamespace(st.NetNS); err != nil {
			return err
		}
	}
	*sb.state = define.NetworkState{}
	return nil
}

// status is the sandbox's current CNI status (empty when not connected).
func (sb *sandbox) status() (network.Status, error) {
	if sb.state == nil || len(sb.state.Status) == 0 {
		return network.Status{}, nil
	}
	var st network.Status
	if err := json.Unmarshal(sb.state.Status, &st); err != nil {
		return nil, fmt.Errorf("reading the network status of %s: %w", sb.name, err)
	}
	return st, nil
}

// savedStatus reads the network.status saved by the last setup, which a
// checkpoint keeps beside its images (nil when there is none).
func (sb *sandbox) savedStatus() (network.Status, error) {
	b, err := os.ReadFile(filepath.Join(sb.dir, networkStatus))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st network.Status
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("reading the saved network status of %s: %w", sb.name, err)
	}
	return st, nil
}

// holdSaved keeps the saved addresses from other sandboxes until a restore
// asks for them again (or a removal frees them).
func (sb *sandbox) holdSaved() error {
	saved, err := sb.savedStatus()
	// pasta's and slirp4netns's status holds no CNI lease.
	if err != nil || len(saved) == 0 || len(sb.networks) == 0 {
		return err
	}
	mgr, err := sb.rt.Network()
	if err != nil {
		return err
	}
	return mgr.Hold(sb.id, saved)
}

// recordLeftovers puts into the state the namespace and status an
// interrupted setup made before its owner could save them (the namespace's
// path is fixed by the ID).
func (sb *sandbox) recordLeftovers() {
	if len(sb.networks) == 0 || sb.state.NetNS != "" {
		return
	}
	ns := filepath.Join(sb.rt.netnsDir(), sb.id)
	if _, err := os.Stat(ns); err != nil {
		return
	}
	sb.state.NetNS = ns
	if raw, err := os.ReadFile(filepath.Join(sb.dir, networkStatus)); err == nil {
		sb.state.Status = raw
	}
}

// writeHosts adds the sandbox's own addresses and the host's address on its
// first network (host.containers.internal) to hosts.base, into hosts, before
// its owner starts.
func (sb *sandbox) writeHosts(status network.Status) error {
	base, err := os.ReadFile(filepath.Join(sb.dir, "hosts.base"))
	if err != nil {
		return err
	}
	hosts := netconf.HostsWithAddresses(string(base), sb.hostname, sb.name, status)
	return os.WriteFile(filepath.Join(sb.dir, "hosts"), []byte(hosts), 0o644)
}
