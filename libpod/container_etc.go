package libpod

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
)

// initTarget is where --init mounts the init binary.
const initTarget = "/run/podlite-init"

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
	base := "127.0.0.1\tlocalhost localhost.localdomain\n::1\tlocalhost localhost.localdomain\n"
	if host {
		if b, err := os.ReadFile("/etc/hosts"); err == nil {
			base = string(b)
		}
	}
	for _, h := range netCfg.HostAdd {
		name, ip, _ := strings.Cut(h, ":")
		base += fmt.Sprintf("%s\t%s\n", ip, name)
	}
	hosts := base
	if !c.usesCNI() {
		hosts += fmt.Sprintf("127.0.1.1\t%s %s\n", hostname, c.config.Name)
	}
	resolv, err := resolvConf(host, netCfg)
	if err != nil {
		return nil, err
	}
	files := []struct{ name, dest, content string }{
		{"hostname", "/etc/hostname", hostname + "\n"},
		{"hosts.base", "", base},
		{"hosts", "/etc/hosts", hosts},
		{"resolv.conf", "/etc/resolv.conf", resolv},
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

// resolvConf returns the container's resolv.conf: --dns, --dns-search and
// --dns-option where given, the host's file otherwise. For a container with
// its own network namespace, loopback resolvers are dropped: they would
// point at the container itself.
func resolvConf(hostNetwork bool, n define.NetworkConfig) (string, error) {
	b, err := os.ReadFile("/etc/resolv.conf")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("reading the host's resolv.conf: %w", err)
	}
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) >= 1 {
			switch fields[0] {
			case "nameserver":
				if len(n.DNSServers) > 0 {
					continue
				}
				if ip := net.ParseIP(fieldOr(fields, 1)); !hostNetwork && ip != nil && ip.IsLoopback() {
					continue
				}
			case "search", "domain":
				if len(n.DNSSearch) > 0 {
					continue
				}
			case "options":
				if len(n.DNSOptions) > 0 {
					continue
				}
			}
		}
		out.WriteString(line + "\n")
	}
	for _, s := range n.DNSServers {
		fmt.Fprintf(&out, "nameserver %s\n", s)
	}
	if len(n.DNSSearch) > 0 {
		fmt.Fprintf(&out, "search %s\n", strings.Join(n.DNSSearch, " "))
	}
	if len(n.DNSOptions) > 0 {
		fmt.Fprintf(&out, "options %s\n", strings.Join(n.DNSOptions, " "))
	}
	return out.String(), nil
}

func fieldOr(fields []string, i int) string {
	if i < len(fields) {
		return fields[i]
	}
	return ""
}

// initMount bind-mounts the static init binary for --init.
func initMount(path string) (specs.Mount, error) {
	if _, err := os.Stat(path); err != nil {
		return specs.Mount{}, fmt.Errorf("--init needs the static init binary %s (Debian package tini): %w", path, define.ErrNotFound)
	}
	return specs.Mount{Destination: initTarget, Type: "bind", Source: path, Options: []string{"bind", "ro"}}, nil
}
