package network

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sort"

	"github.com/containernetworking/cni/libcni"
	cnitypes "github.com/containernetworking/cni/pkg/types"
	types100 "github.com/containernetworking/cni/pkg/types/100"

	"github.com/podlite/podlite/libpod/define"
)

// attachment is one network of a request, ready for libcni.
type attachment struct {
	name string
	list *libcni.NetworkConfigList
	rt   *libcni.RuntimeConf
}

// Setup implements Manager. The default network is created on first use
// here, whatever the command. Networks are added in name order; port
// mappings go to the first of them only (as in podman).
func (c *CNI) Setup(ctx context.Context, req Request) (_ Status, retErr error) {
	atts, unlock, err := c.prepare(req)
	for try := 1; err != nil && try < 3 && c.lostDefault(req, err); try++ {
		atts, unlock, err = c.prepare(req)
	}
	if err != nil {
		return nil, err
	}
	defer unlock()
	var added []attachment
	defer func() {
		if retErr == nil {
			return
		}
		// DEL must run even when ctx is what failed.
		delCtx := context.WithoutCancel(ctx)
		for i := len(added) - 1; i >= 0; i-- {
			if err := c.cni.DelNetworkList(delCtx, added[i].list, added[i].rt); err != nil {
				slog.Warn("undoing network setup", "container", req.ContainerID, "network", added[i].name, "error", err)
			}
		}
	}()
	status := make(Status, len(atts))
	for _, a := range atts {
		// A failed ADD can leave a veth or a lease behind: DEL it too.
		added = append(added, a)
		res, err := c.cni.AddNetworkList(ctx, a.list, a.rt)
		if err != nil {
			return nil, fmt.Errorf("setting up network %s for container %s: %w", a.name, req.ContainerID, classify(err))
		}
		st, err := statusFrom(res, a.rt)
		if err != nil {
			return nil, fmt.Errorf("setting up network %s for container %s: %w", a.name, req.ContainerID, err)
		}
		status[a.name] = st
	}
	return status, nil
}

// prepare creates the default network if req names it and it is
// missing, brings the firewall up to date, and plans req under the domain
// lock (lockForAdd), which it returns held.
func (c *CNI) prepare(req Request) ([]attachment, func(), error) {
	if _, ok := req.Networks[DefaultName]; ok {
		if _, err := c.EnsureDefault(); err != nil {
			return nil, nil, err
		}
	}
	// Bad requests fail before the firewall is touched; the plan is made
	// again under the lock, where the leases it checks cannot change.
	if _, err := c.plan(req, true); err != nil {
		return nil, nil, err
	}
	if err := c.ensureFirewall(); err != nil {
		return nil, nil, err
	}
	unlock, err := c.lockForAdd(req)
	if err != nil {
		return nil, nil, err
	}
	atts, err := c.plan(req, true)
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return atts, unlock, nil
}

// lostDefault reports whether err is the default network of req gone
// missing after prepare created it: another root's reset removed it
// before the lock was taken.
func (c *CNI) lostDefault(req Request, err error) bool {
	if _, ok := req.Networks[DefaultName]; !ok || !errors.Is(err, define.ErrNotFound) {
		return false
	}
	_, statErr := os.Stat(c.conflistPath(DefaultName))
	return errors.Is(statErr, os.ErrNotExist)
}

// lockForAdd takes the domain lock for a Setup: shared, unless the
// container still holds leases on the request's networks (addresses held
// for a restore, or left by a crash). Then it takes the lock exclusively
// and frees them, so that no other ADD takes an address between its
// release here and this container's ADD asking for it again.
func (c *CNI) lockForAdd(req Request) (func(), error) {
	names := make([]string, 0, len(req.Networks))
	for name := range req.Networks {
		names = append(names, name)
	}
	own, err := c.ownLeases(req.ContainerID, names)
	if err != nil || req.ContainerID == "" {
		return func() {}, err
	}
	unlock, err := c.lockDomain(len(own) > 0)
	if err != nil || len(own) == 0 {
		return unlock, err
	}
	if own, err = c.ownLeases(req.ContainerID, names); err != nil {
		unlock()
		return nil, err
	}
	for _, path := range own {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			unlock()
			return nil, fmt.Errorf("freeing the held address of container %s: %w", req.ContainerID, err)
		}
	}
	return unlock, nil
}

// Teardown implements Manager. It prefers the configuration and runtime
// arguments libcni cached at ADD (so DEL sees the same port mappings,
// even if the network was changed or removed since), falling back to the
// current conflist. A missing network namespace is fine: the plugins
// release the lease and host-side rules without it.
func (c *CNI) Teardown(ctx context.Context, req Request) error {
	atts, err := c.plan(req, false)
	if err != nil {
		return err
	}
	var errs []error
	for _, a := range atts {
		if a.list == nil {
			continue // neither cached nor configured: nothing to do
		}
		if namespaceGone(a.rt.NetNS) {
			// Before DEL: DEL drops the cached result this needs.
			c.removeStaleMasquerade(a)
		}
		if err := c.cni.DelNetworkList(ctx, a.list, a.rt); err != nil {
			errs = append(errs, fmt.Errorf("tearing down network %s of container %s: %w", a.name, req.ContainerID, classify(err)))
		}
	}
	return errors.Join(errs...)
}

// plan builds the libcni calls of req in network name order. For Setup
// (add) it validates the request and static IPs; for Teardown it uses the
// cached configuration where there is one and leaves list nil for
// networks it knows nothing about.
func (c *CNI) plan(req Request, add bool) ([]attachment, error) {
	if req.ContainerID == "" {
		return nil, fmt.Errorf("network request without container ID: %w", define.ErrInvalidArg)
	}
	ports, err := expandPorts(req.Ports)
	if err != nil {
		return nil, fmt.Errorf("container %s: %w", req.ContainerID, err)
	}
	names := make([]string, 0, len(req.Networks))
	for name := range req.Networks {
		names = append(names, name)
	}
	sort.Strings(names)
	atts := make([]attachment, 0, len(names))
	for i, name := range names {
		att := req.Networks[name]
		rt, err := runtimeConf(req, att, i, ports)
		if err != nil {
			return nil, err
		}
		a := attachment{name: name, rt: rt}
		if !add {
			if cached, cachedRT, err := c.cni.GetNetworkListCachedConfig(&libcni.NetworkConfigList{Name: name}, rt); err == nil && cached != nil {
				if list, err := libcni.ConfListFromBytes(cached); err == nil {
					a.list = list
					if cachedRT != nil {
						cachedRT.NetNS = req.NetNS
						a.rt = cachedRT
					}
					atts = append(atts, a)
					continue
				}
			}
		}
		n, _, err := readConflist(c.conflistPath(name))
		if err != nil {
			if !add && errors.Is(err, define.ErrNotFound) {
				atts = append(atts, a)
				continue
			}
			return nil, err
		}
		if add {
			if err := checkStaticIPs(n, att.StaticIPs, req.ContainerID, c.ipamDir()); err != nil {
				return nil, err
			}
			if ips := staticIPArgs(n, att.StaticIPs); len(ips) > 0 {
				rt.CapabilityArgs["ips"] = ips
			}
		}
		// The chain comes from the network's record, not the file's
		// plugin list, so a network written by an older podlite gets
		// today's chain, and the domain's lease directory whatever
		// dataDir the file names.
		fresh, err := conflistFor(n, c.ipamDir())
		if err != nil {
			return nil, err
		}
		fresh.setTuningDir(c.opts.TuningDir)
		data, err := json.Marshal(fresh)
		if err != nil {
			return nil, err
		}
		if add {
			if data, err = trimChain(data, rt.CapabilityArgs); err != nil {
				return nil, fmt.Errorf("network %s: %w: %w", name, define.ErrInvalidArg, err)
			}
		}
		if a.list, err = libcni.ConfListFromBytes(data); err != nil {
			return nil, fmt.Errorf("network %s: %w: %w", name, define.ErrInvalidArg, err)
		}
		atts = append(atts, a)
	}
	return atts, nil
}

// runtimeConf is the per-call part of a CNI invocation: CNI_ARGS (the
// first static IPv4 as IP=, for host-local) and the capability arguments
// portMappings (first network only), mac and, added by plan, ips.
func runtimeConf(req Request, att Attachment, index int, ports []portMapEntry) (*libcni.RuntimeConf, error) {
	ifname := att.InterfaceName
	if ifname == "" {
		ifname = fmt.Sprintf("eth%d", index)
	}
	rt := &libcni.RuntimeConf{
		ContainerID:    req.ContainerID,
		NetNS:          req.NetNS,
		IfName:         ifname,
		Args:           [][2]string{{"IgnoreUnknown", "1"}},
		CapabilityArgs: map[string]any{},
	}
	for _, ip := range att.StaticIPs {
		if ip.To4() != nil {
			rt.Args = append(rt.Args, [2]string{"IP", ip.String()})
			break
		}
	}
	if index == 0 && len(ports) > 0 {
		rt.CapabilityArgs["portMappings"] = ports
	}
	if att.StaticMAC != "" {
		mac, err := net.ParseMAC(att.StaticMAC)
		if err != nil {
			return nil, fmt.Errorf("container %s: mac address %q: %w", req.ContainerID, att.StaticMAC, define.ErrInvalidArg)
		}
		rt.CapabilityArgs["mac"] = mac.String()
	}
	return rt, nil
}

// staticIPArgs renders the requested IPs in CIDR form with the prefix of
// the subnet they are in (checkStaticIPs has made sure there is one).
func staticIPArgs(n *Network, ips []net.IP) []string {
	var out []string
	for _, ip := range ips {
		for _, s := range n.Subnets {
			if _, ipnet, err := net.ParseCIDR(s.Subnet); err == nil && ipnet.Contains(ip) {
				out = append(out, (&net.IPNet{IP: ip, Mask: ipnet.Mask}).String())
				break
			}
		}
	}
	return out
}

// statusFrom converts a plugin chain's result to the current result type
// and picks the container's interface (the one in rt.NetNS named
// rt.IfName) and its addresses.
func statusFrom(res cnitypes.Result, rt *libcni.RuntimeConf) (NetworkStatus, error) {
	r, err := types100.NewResultFromResult(res)
	if err != nil {
		return NetworkStatus{}, fmt.Errorf("converting CNI result: %w", err)
	}
	st := NetworkStatus{Interface: rt.IfName}
	idx := -1
	for i, iface := range r.Interfaces {
		if iface.Sandbox != "" && iface.Sandbox == rt.NetNS && iface.Name == rt.IfName {
			idx = i
			break
		}
		if iface.Sandbox != "" && idx < 0 {
			idx = i
		}
	}
	if idx >= 0 {
		st.MAC = r.Interfaces[idx].Mac
	}
	for _, ip := range r.IPs {
		if ip.Interface != nil && *ip.Interface != idx {
			continue
		}
		a := Address{IP: ip.Address.String()}
		if ip.Gateway != nil {
			a.Gateway = ip.Gateway.String()
		}
		st.Addresses = append(st.Addresses, a)
	}
	if st.CNIResult, err = json.Marshal(r); err != nil {
		return NetworkStatus{}, fmt.Errorf("encoding CNI result: %w", err)
	}
	return st, nil
}

// classify wraps a libcni or plugin error in a define class: bad
// configuration or arguments are ErrInvalidArg, anything else (a plugin
// that failed or is missing) ErrUnavailable.
func classify(err error) error {
	var cniErr *cnitypes.Error
	if errors.As(err, &cniErr) {
		switch cniErr.Code {
		case cnitypes.ErrIncompatibleCNIVersion, cnitypes.ErrUnsupportedField, cnitypes.ErrInvalidEnvironmentVariables,
			cnitypes.ErrDecodingFailure, cnitypes.ErrInvalidNetworkConfig:
			return fmt.Errorf("%w: %w", define.ErrInvalidArg, err)
		}
		return fmt.Errorf("%w: %w", define.ErrUnavailable, err)
	}
	return fmt.Errorf("%w: %w", define.ErrUnavailable, err)
}

// optionalPlugins are chain members that only act on a capability: a
// container without published ports or a static MAC skips them. Each
// plugin run is a process start and, for portmap, several iptables calls
// on ADD and on DEL; libcni caches the trimmed chain, so DEL runs exactly
// what ADD ran.
var optionalPlugins = map[string]string{"portmap": "portMappings", "tuning": "mac"}

// trimChain drops the optional plugins whose capability the call does not
// use from a conflist.
func trimChain(conflist []byte, caps map[string]any) ([]byte, error) {
	var raw map[string]any
	if err := json.Unmarshal(conflist, &raw); err != nil {
		return nil, err
	}
	plugins, _ := raw["plugins"].([]any)
	kept := plugins[:0]
	for _, p := range plugins {
		typ, _ := p.(map[string]any)["type"].(string)
		if capName, optional := optionalPlugins[typ]; optional {
			if _, used := caps[capName]; !used {
				continue
			}
		}
		kept = append(kept, p)
	}
	raw["plugins"] = kept
	return json.Marshal(raw)
}
