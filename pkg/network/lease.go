package network

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"

	"github.com/podlite/podlite/libpod/define"
)

// checkStaticIPs fails before anything is added when a requested address
// is outside the network's subnets (define.ErrInvalidArg), is a gateway
// or is leased by host-local to another container (define.ErrExists).
//
// host-local keeps a lease as the file ipamDir/NETWORK/IP holding
// "CONTAINERID\r\nIFNAME" (the format of containernetworking-plugins
// 0.8 to 1.x, plugins/ipam/host-local/backend/disk).
func checkStaticIPs(n *Network, ips []net.IP, containerID, ipamDir string) error {
	for _, ip := range ips {
		var in *Subnet
		for i := range n.Subnets {
			_, ipnet, err := net.ParseCIDR(n.Subnets[i].Subnet)
			if err == nil && ipnet.Contains(ip) {
				in = &n.Subnets[i]
				break
			}
		}
		if in == nil {
			return fmt.Errorf("ip %s is not in subnet %s of network %s: %w", ip, subnetList(n), n.Name, define.ErrInvalidArg)
		}
		if in.Gateway != "" && net.ParseIP(in.Gateway).Equal(ip) {
			return fmt.Errorf("ip %s is the gateway of network %s: %w", ip, n.Name, define.ErrExists)
		}
		owner, err := leaseOwner(filepath.Join(ipamDir, n.Name, ip.String()))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("reading lease of %s on network %s: %w", ip, n.Name, err)
		}
		if owner != containerID {
			return fmt.Errorf("ip %s is already in use on network %s: %w", ip, n.Name, define.ErrExists)
		}
	}
	return nil
}

func subnetList(n *Network) string {
	var b bytes.Buffer
	for i, s := range n.Subnets {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(s.Subnet)
	}
	return b.String()
}

// A held lease is host-local's lease file with a third line: host-local
// releases a lease on DEL only when the file reads exactly
// "CONTAINERID\r\nIFNAME", so a held address survives the DEL of the
// checkpoint that follows Hold, and is never free in between.
const heldMark = "\r\nheld"

// Hold keeps the addresses in st leased to the container after its
// networks are torn down, so that a checkpointed container gets them back
// on restore (also after a reboot) and no other container takes them.
// Called before the teardown, it turns the container's own leases into
// held ones; an address leased to another container is define.ErrExists.
func (c *CNI) Hold(containerID string, st Status) error {
	for name, ns := range st {
		dir := filepath.Join(c.ipamDir(), name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for _, a := range ns.Addresses {
			ip, _, err := net.ParseCIDR(a.IP)
			if err != nil {
				continue
			}
			data := []byte(containerID + "\r\n" + ns.Interface + heldMark)
			if err := holdLease(filepath.Join(dir, ip.String()), containerID, data); err != nil {
				return fmt.Errorf("holding %s on network %s for container %s: %w", ip, name, containerID, err)
			}
		}
	}
	return nil
}

// holdLease writes a held lease: a new file (O_EXCL, as host-local
// reserves), or the container's own lease rewritten in place, which no
// one else can take while it exists.
func holdLease(path, containerID string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		owner, rerr := leaseOwner(path)
		if rerr != nil {
			return rerr
		}
		if owner != containerID {
			return fmt.Errorf("the address is leased to container %.12s: %w", owner, define.ErrExists)
		}
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0o644)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// Release gives up the addresses Hold kept, when the checkpointed
// container is removed (a restore's Setup takes them back itself). Leases
// of other owners stay.
func (c *CNI) Release(containerID string, st Status) error {
	for name, ns := range st {
		for _, a := range ns.Addresses {
			ip, _, err := net.ParseCIDR(a.IP)
			if err != nil {
				continue
			}
			path := filepath.Join(c.ipamDir(), name, ip.String())
			if owner, err := leaseOwner(path); err == nil && owner == containerID {
				if err := os.Remove(path); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Leases implements Manager: the domain's leases on a network, IP to
// container ID, read from host-local's lease files.
func (c *CNI) Leases(name string) (map[string]string, error) {
	dir := filepath.Join(c.ipamDir(), name)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading leases of network %s: %w", name, err)
	}
	out := map[string]string{}
	for _, e := range entries {
		if net.ParseIP(e.Name()) == nil {
			continue // host-local's lock and last_reserved_ip.N
		}
		owner, err := leaseOwner(filepath.Join(dir, e.Name()))
		if errors.Is(err, fs.ErrNotExist) {
			continue // released since the listing
		}
		if err != nil {
			return nil, err
		}
		out[e.Name()] = owner
	}
	return out, nil
}

// leaseOwner is the container ID on a lease file's first line.
func leaseOwner(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	owner, _, _ := bytes.Cut(data, []byte("\r\n"))
	return string(bytes.TrimSpace(owner)), nil
}

// holders are the distinct container IDs of a lease map.
func holders(leases map[string]string) map[string]bool {
	out := map[string]bool{}
	for _, id := range leases {
		out[id] = true
	}
	return out
}

// ownLeases lists the lease files the container has on the networks:
// held addresses, or leases a crash left behind. Setup frees them under
// the exclusive domain lock before it adds the container again.
func (c *CNI) ownLeases(containerID string, networks []string) ([]string, error) {
	var paths []string
	for _, name := range networks {
		leases, err := c.Leases(name)
		if err != nil {
			return nil, err
		}
		for ip, owner := range leases {
			if owner == containerID {
				paths = append(paths, filepath.Join(c.ipamDir(), name, ip))
			}
		}
	}
	return paths, nil
}

// adoptLeases moves the lease files under dir (dir/NETWORK/IP, as an older
// podlite kept them per root) into the domain's lease directory and
// removes dir. An address the domain has leased to another container
// already is a conflict the move cannot mend: it is logged and dropped.
func (c *CNI) adoptLeases(dir string) error {
	nets, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the leases of this root: %w", err)
	}
	for _, n := range nets {
		files, err := os.ReadDir(filepath.Join(dir, n.Name()))
		if err != nil {
			continue
		}
		for _, f := range files {
			if net.ParseIP(f.Name()) == nil {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, n.Name(), f.Name()))
			if err != nil {
				return err
			}
			owner, _, _ := bytes.Cut(data, []byte("\r\n"))
			to := filepath.Join(c.ipamDir(), n.Name())
			if err := os.MkdirAll(to, 0o755); err != nil {
				return err
			}
			if err := holdLease(filepath.Join(to, f.Name()), string(bytes.TrimSpace(owner)), data); err != nil {
				slog.Warn("moving a lease into the network domain", "network", n.Name(), "ip", f.Name(), "error", err)
			}
		}
	}
	return os.RemoveAll(dir)
}
