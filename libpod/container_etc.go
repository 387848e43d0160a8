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
// and reboots) and returns the bind mounts that place them.
func (c *Container) writeEtcFiles(netMode, hostname string) ([]specs.Mount, error) {
	if hostname == "" {
		hostname, _ = os.Hostname()
	}
	hosts := "127.0.0.1\tlocalhost localhost.localdomain\n::1\tlocalhost localhost.localdomain\n"
	if netMode == "host" {
		if b, err := os.ReadFile("/etc/hosts"); err == nil {
			hosts = string(b)
		}
	}
	hosts += fmt.Sprintf("127.0.1.1\t%s %s\n", hostname, c.config.Name)
	resolv, err := resolvConf(netMode == "host")
	if err != nil {
		return nil, err
	}
	files := []struct{ name, dest, content string }{
		{"hostname", "/etc/hostname", hostname + "\n"},
		{"hosts", "/etc/hosts", hosts},
		{"resolv.conf", "/etc/resolv.conf", resolv},
	}
	var mounts []specs.Mount
	for _, f := range files {
		path := filepath.Join(c.userDir(), f.name)
		if err := os.WriteFile(path, []byte(f.content), 0o644); err != nil {
			return nil, fmt.Errorf("writing %s of %s: %w", f.dest, c.config.Name, err)
		}
		mounts = append(mounts, specs.Mount{Destination: f.dest, Type: "bind", Source: path, Options: []string{"bind", "rprivate"}})
	}
	return mounts, nil
}

// resolvConf returns the host's resolv.conf; for a container with its own
// network namespace, loopback resolvers are dropped since they would point
// at the container itself.
func resolvConf(hostNetwork bool) (string, error) {
	b, err := os.ReadFile("/etc/resolv.conf")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", nil
		}
		return "", fmt.Errorf("reading the host's resolv.conf: %w", err)
	}
	if hostNetwork {
		return string(b), nil
	}
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) >= 2 && fields[0] == "nameserver" {
			if ip := net.ParseIP(fields[1]); ip != nil && ip.IsLoopback() {
				continue
			}
		}
		out.WriteString(line + "\n")
	}
	return out.String(), nil
}

// initMount bind-mounts the static init binary for --init.
func initMount(path string) (specs.Mount, error) {
	if _, err := os.Stat(path); err != nil {
		return specs.Mount{}, fmt.Errorf("--init needs the static init binary %s (Debian package tini): %w", path, define.ErrNotFound)
	}
	return specs.Mount{Destination: initTarget, Type: "bind", Source: path, Options: []string{"bind", "ro"}}, nil
}
