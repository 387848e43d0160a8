// Package slirp gives an ordinary user's container its network through
// slirp4netns (--network slirp4netns): a namespace made in the user's
// namespace, slirp4netns attached to it with podman's addresses
// (10.0.2.100, gateway 10.0.2.2, DNS 10.0.2.3), published ports added
// through its API socket (port_handler=slirp4netns: the container sees
// connections from the gateway, not their source). slirp4netns runs in a
// session of its own, so it outlives the command that started it; its PID
// file is how Stop finds it.
package slirp

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/network"
)

// Binary is slirp4netns's name, looked up in $PATH.
const Binary = "slirp4netns"

// The container's addresses, slirp4netns's defaults (as podman's).
const (
	GuestAddr = "10.0.2.100"
	Gateway   = "10.0.2.2"
	prefix    = 24
)

// Options is what Start attaches to one namespace.
type Options struct {
	NetNS, PIDFile, APISocket, LogFile string
	Ports                              []network.PortMapping
	// Extra are podman's KEY=VALUE options (checked by libpod/netconf).
	Extra []string
}

// Args is slirp4netns's command line for o (without the binary); the
// ready pipe is fd 3.
func Args(o Options) []string {
	mtu, loopback, ipv6 := "65520", false, false
	for _, kv := range o.Extra {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "mtu":
			mtu = v
		case "allow_host_loopback":
			loopback, _ = strconv.ParseBool(v)
		case "enable_ipv6":
			ipv6, _ = strconv.ParseBool(v)
		}
	}
	args := []string{"--configure", "--mtu=" + mtu, "--ready-fd=3", "--api-socket", o.APISocket, "--netns-type=path"}
	if !loopback {
		args = append(args, "--disable-host-loopback")
	}
	if ipv6 {
		args = append(args, "--enable-ipv6")
	}
	return append(args, o.NetNS, "tap0")
}

// Start runs slirp4netns for o, waits until it has configured the
// namespace, writes its PID file and adds the port forwards. On an error
// nothing of it is left running.
func Start(o Options) (retErr error) {
	cmd, log, err := network.DaemonCommand(Binary, "slirp4netns", o.LogFile, Args(o)...)
	if err != nil {
		return err
	}
	defer log.Close()
	ready, readyW, err := os.Pipe()
	if err != nil {
		return err
	}
	defer ready.Close()
	cmd.ExtraFiles = []*os.File{readyW}
	err = cmd.Start()
	readyW.Close()
	if err != nil {
		return fmt.Errorf("starting slirp4netns: %w", err)
	}
	// Reaped here if it ends while this command lives; orphaned (and
	// reaped by init) once the command exits.
	go func() { _ = cmd.Wait() }()
	defer func() {
		if retErr != nil {
			_ = cmd.Process.Kill()
		}
	}()
	_ = ready.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(ready, make([]byte, 1)); err != nil {
		msg, _ := os.ReadFile(o.LogFile)
		return fmt.Errorf("slirp4netns did not configure %s: %v: %s", o.NetNS, err, strings.TrimSpace(string(msg)))
	}
	if err := os.WriteFile(o.PIDFile, []byte(strconv.Itoa(cmd.Process.Pid)), 0o600); err != nil {
		return err
	}
	for _, p := range o.Ports {
		if err := forward(o.APISocket, p); err != nil {
			_ = os.Remove(o.PIDFile)
			return err
		}
	}
	return nil
}

// forward adds p's host ports through slirp4netns's API (add_hostfwd).
func forward(socket string, p network.PortMapping) error {
	hostAddr := p.HostIP
	if hostAddr == "" {
		hostAddr = "0.0.0.0"
	}
	for i := range max(p.Range, 1) {
		req := map[string]any{"execute": "add_hostfwd", "arguments": map[string]any{
			"proto": p.Protocol, "host_addr": hostAddr, "host_port": p.HostPort + i,
			"guest_addr": GuestAddr, "guest_port": p.ContainerPort + i}}
		if err := call(socket, req); err != nil {
			return fmt.Errorf("publishing port %d/%s through slirp4netns: %w", p.HostPort+i, p.Protocol, err)
		}
	}
	return nil
}

// call sends one request on the API socket and reads its answer.
func call(socket string, req any) error {
	conn, err := net.DialTimeout("unix", socket, 5*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if err := json.NewEncoder(conn).Encode(req); err != nil {
		return err
	}
	_ = conn.(*net.UnixConn).CloseWrite()
	var resp struct {
		Error *struct {
			Desc string `json:"desc"`
		} `json:"error"`
	}
	if err := json.NewDecoder(conn).Decode(&resp); err != nil {
		return fmt.Errorf("reading slirp4netns's answer: %w", err)
	}
	if resp.Error != nil {
		return fmt.Errorf("slirp4netns: %s: %w", resp.Error.Desc, define.ErrUnavailable)
	}
	return nil
}

// Stop ends the slirp4netns named by pidFile and removes the file.
func Stop(pidFile string) error { return network.StopDaemon(pidFile, Binary) }

// Status is what the container sees: podman's slirp4netns address and
// gateway (the gateway reaches the host's loopback only with
// allow_host_loopback=true).
func Status() network.Status {
	return network.Status{Binary: {Interface: "tap0",
		Addresses: []network.Address{{IP: fmt.Sprintf("%s/%d", GuestAddr, prefix), Gateway: Gateway}}}}
}
