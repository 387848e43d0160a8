package network

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
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
		data, err := os.ReadFile(filepath.Join(ipamDir, n.Name, ip.String()))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("reading lease of %s on network %s: %w", ip, n.Name, err)
		}
		owner, _, _ := bytes.Cut(data, []byte("\r\n"))
		if string(bytes.TrimSpace(owner)) != containerID {
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

// Hold keeps the addresses in st leased to the container after its
// networks were torn down, so that a checkpointed container gets them back
// on restore (also after a reboot) and no other container takes them.
// The lease files are written in host-local's own format.
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
			data := []byte(containerID + "\r\n" + ns.Interface)
			if err := os.WriteFile(filepath.Join(dir, ip.String()), data, 0o644); err != nil {
				return fmt.Errorf("holding %s on network %s for container %s: %w", ip, name, containerID, err)
			}
		}
	}
	return nil
}

// Release gives up the addresses Hold kept: before a restore asks for them
// again (host-local refuses an address its owner already holds), or when
// the checkpointed container is removed. Leases of other owners stay.
func (c *CNI) Release(containerID string, st Status) error {
	for name, ns := range st {
		for _, a := range ns.Addresses {
			ip, _, err := net.ParseCIDR(a.IP)
			if err != nil {
				continue
			}
			path := filepath.Join(c.ipamDir(), name, ip.String())
			data, err := os.ReadFile(path)
			if err != nil {
				continue
			}
			if owner, _, _ := bytes.Cut(data, []byte("\r\n")); string(bytes.TrimSpace(owner)) == containerID {
				if err := os.Remove(path); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
