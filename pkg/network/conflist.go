package network

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/podlite/podlite/libpod/define"
)

// cniVersion is the CNI spec version of the conflists podlite writes: the
// newest that Debian's containernetworking-plugins 1.1.1 implement.
const cniVersion = "1.0.0"

// conflist is the file NAME.conflist in the configuration directory. The
// "podlite" key holds the Network as podlite sees it (ID, labels, options,
// creation time...): libcni reads only name, cniVersion, plugins and a few
// flags at the top level and ignores other keys, so one file is both the
// CNI configuration and podlite's record of the network.
//
//	{
//	  "cniVersion": "1.0.0",
//	  "name": "podlite",
//	  "plugins": [ {"type": "bridge", ...}, {"type": "portmap", ...},
//	               {"type": "tuning", ...} ],
//	  "podlite": { "name": "podlite", "id": "...", "driver": "bridge", ... }
//	}
type conflist struct {
	CNIVersion string           `json:"cniVersion"`
	Name       string           `json:"name"`
	Plugins    []map[string]any `json:"plugins"`
	Podlite    *Network         `json:"podlite"`
}

// conflistFor builds the plugin chain of n; ipamDir is host-local's
// dataDir (leases live in ipamDir/NAME/IP).
func conflistFor(n *Network, ipamDir string) (*conflist, error) {
	ipam, err := ipamFor(n, ipamDir)
	if err != nil {
		return nil, err
	}
	mtu, err := mtuOption(n)
	if err != nil {
		return nil, err
	}
	var plugins []map[string]any
	switch n.Driver {
	case DriverBridge:
		bridge := map[string]any{
			"type":      "bridge",
			"bridge":    n.NetworkInterface,
			"isGateway": true,
			// Masquerading and forwarding are per network (firewall.go),
			// not per container.
			"ipMasq":       false,
			"hairpinMode":  true,
			"capabilities": map[string]bool{"ips": true},
			"ipam":         ipam,
		}
		if mtu > 0 {
			bridge["mtu"] = mtu
		}
		plugins = append(plugins, bridge,
			map[string]any{"type": "portmap", "capabilities": map[string]bool{"portMappings": true}, "snat": true},
			map[string]any{"type": "tuning", "capabilities": map[string]bool{"mac": true}},
		)
	case DriverMacvlan:
		mv := map[string]any{
			"type":         "macvlan",
			"master":       n.NetworkInterface,
			"capabilities": map[string]bool{"ips": true},
			"ipam":         ipam,
		}
		if mode := n.Options["mode"]; mode != "" {
			mv["mode"] = mode
		}
		if mtu > 0 {
			mv["mtu"] = mtu
		}
		plugins = append(plugins, mv,
			map[string]any{"type": "tuning", "capabilities": map[string]bool{"mac": true}})
	default:
		return nil, fmt.Errorf("network %s: driver %q: %w", n.Name, n.Driver, define.ErrNotSupported)
	}
	return &conflist{CNIVersion: cniVersion, Name: n.Name, Plugins: plugins, Podlite: n}, nil
}

// setTuningDir points the tuning plugin at dir (its dataDir), if set.
func (cl *conflist) setTuningDir(dir string) {
	if dir == "" {
		return
	}
	for _, p := range cl.Plugins {
		if p["type"] == "tuning" {
			p["dataDir"] = dir
		}
	}
}

// ipamFor is the host-local section: one range set per subnet, a default
// route per address family unless the network is internal.
func ipamFor(n *Network, ipamDir string) (map[string]any, error) {
	var ranges [][]map[string]string
	var routes []map[string]string
	seenFamily := map[bool]bool{}
	for _, s := range n.Subnets {
		_, ipnet, err := net.ParseCIDR(s.Subnet)
		if err != nil {
			return nil, fmt.Errorf("network %s: subnet %q: %w", n.Name, s.Subnet, define.ErrInvalidArg)
		}
		r := map[string]string{"subnet": ipnet.String()}
		if s.Gateway != "" {
			r["gateway"] = s.Gateway
		}
		if s.RangeStart != "" {
			r["rangeStart"] = s.RangeStart
		}
		if s.RangeEnd != "" {
			r["rangeEnd"] = s.RangeEnd
		}
		ranges = append(ranges, []map[string]string{r})
		v4 := ipnet.IP.To4() != nil
		if !n.Internal && n.Driver == DriverBridge && !seenFamily[v4] {
			seenFamily[v4] = true
			dst := "::/0"
			if v4 {
				dst = "0.0.0.0/0"
			}
			routes = append(routes, map[string]string{"dst": dst})
		}
		if !n.Internal && n.Driver == DriverMacvlan && s.Gateway != "" && !seenFamily[v4] {
			seenFamily[v4] = true
			dst := "::/0"
			if v4 {
				dst = "0.0.0.0/0"
			}
			routes = append(routes, map[string]string{"dst": dst, "gw": s.Gateway})
		}
	}
	for _, r := range n.Routes {
		routes = append(routes, map[string]string{"dst": r.Destination, "gw": r.Gateway})
	}
	ipam := map[string]any{"type": "host-local", "ranges": ranges, "dataDir": ipamDir}
	if len(routes) > 0 {
		ipam["routes"] = routes
	}
	return ipam, nil
}

func mtuOption(n *Network) (int, error) {
	v, ok := n.Options["mtu"]
	if !ok {
		return 0, nil
	}
	mtu, err := strconv.Atoi(v)
	if err != nil || mtu < 68 || mtu > 65535 {
		return 0, fmt.Errorf("network %s: mtu %q: %w", n.Name, v, define.ErrInvalidArg)
	}
	return mtu, nil
}

// writeConflist writes c to dir/NAME.conflist atomically: a temp file in
// the same directory, fsync, rename, fsync of the directory.
func writeConflist(dir string, c *conflist) error {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding conflist of network %s: %w", c.Name, err)
	}
	return writeFileAtomic(filepath.Join(dir, c.Name+".conflist"), append(data, '\n'), 0o644)
}

func writeFileAtomic(path string, data []byte, perm os.FileMode) (retErr error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if retErr != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Chmod(perm); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("renaming %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// readConflist loads dir/NAME.conflist and the Network in its "podlite"
// key; a missing file is define.ErrNotFound.
func readConflist(path string) (*Network, []byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("network config %s: %w", path, define.ErrNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", path, err)
	}
	var c conflist
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, nil, fmt.Errorf("parsing %s: %w", path, define.ErrInvalidArg)
	}
	if c.Podlite == nil {
		return nil, nil, fmt.Errorf("%s has no podlite metadata: %w", path, define.ErrInvalidArg)
	}
	n := *c.Podlite
	n.Name = c.Name
	return &n, data, nil
}
