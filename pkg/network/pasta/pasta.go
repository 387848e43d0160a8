package pasta

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/network"
	"github.com/podlite/podlite/pkg/pidfile"
)

// Binary is pasta's name, looked up in $PATH.
const Binary = "pasta"

// Options is what Start attaches to one namespace.
type Options struct {
	// NetNS is the path of the network namespace (a bind mount).
	NetNS string
	// PIDFile receives pasta's PID; Stop reads it.
	PIDFile string
	// LogFile receives what pasta prints before it goes to the background.
	LogFile string
	// Ports are the published ports (-p), host side as pasta binds them.
	Ports []network.PortMapping
	// Extra are the user's options from --network pasta:OPT,OPT.
	Extra []string
}

// Args is pasta's command line for o (without the binary).
func Args(o Options) []string {
	args := []string{"--config-net", "--quiet", "--netns", o.NetNS, "--pid", o.PIDFile}
	var tcp, udp []string
	for _, p := range o.Ports {
		spec := portSpec(p)
		if p.Protocol == "udp" {
			udp = append(udp, spec)
		} else {
			tcp = append(tcp, spec)
		}
	}
	// pasta forwards nothing by default, but UDP follows TCP's port
	// numbers unless told: say "none" for what was not asked for.
	args = append(args, "-t", joinOr(tcp, "none"), "-u", joinOr(udp, "none"), "-T", "none", "-U", "none")
	return append(args, o.Extra...)
}

// portSpec is one -t/-u item: [ADDR/]HOST[-END]:CTR[-END].
func portSpec(p network.PortMapping) string {
	n := max(p.Range, 1)
	r := func(start uint16) string {
		if n == 1 {
			return strconv.Itoa(int(start))
		}
		return fmt.Sprintf("%d-%d", start, int(start)+int(n)-1)
	}
	s := r(p.HostPort) + ":" + r(p.ContainerPort)
	if p.HostIP != "" {
		s = p.HostIP + "/" + s
	}
	return s
}

func joinOr(items []string, empty string) string {
	if len(items) == 0 {
		return empty
	}
	return strings.Join(items, ",")
}

// Start runs pasta for o and returns once it has configured the namespace
// and gone to the background. pasta's own error is in the returned error.
func Start(o Options) error {
	cmd, log, err := network.DaemonCommand(Binary, "passt", o.LogFile, Args(o)...)
	if err != nil {
		return err
	}
	defer log.Close()
	if err := cmd.Run(); err != nil {
		msg, _ := os.ReadFile(o.LogFile)
		return fmt.Errorf("starting pasta: %v: %s: %w", err, firstLine(string(msg)), define.ErrUnavailable)
	}
	if _, err := pidfile.Read(o.PIDFile); err != nil {
		return fmt.Errorf("pasta for %s wrote no PID: %w", o.NetNS, err)
	}
	return nil
}

// firstLine is pasta's first message: with --quiet, the error (a usage
// error is followed by the whole usage text). pasta's complaints that it
// found no syslog to write to are not it.
func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !(strings.HasPrefix(line, "Failed to send") && strings.HasSuffix(line, "to syslog")) {
			return line
		}
	}
	return ""
}

// Stop ends the pasta named by pidFile and removes the file. A missing file
// or a PID that is no longer pasta (gone, or reused) is not an error.
func Stop(pidFile string) error {
	// Debian's passt re-executes its AVX2 build, passt.avx2.
	return network.StopDaemon(pidFile, "pasta", "passt")
}

// Status is what the container sees: the host's first global IPv4 address
// and its default gateway, which pasta copies into the namespace; the
// gateway reaches the host's loopback (host.containers.internal).
func Status() (network.Status, error) {
	gw, dev, err := defaultRoute()
	if err != nil {
		return nil, err
	}
	st := network.NetworkStatus{Interface: dev}
	iface, err := net.InterfaceByName(dev)
	if err != nil {
		return nil, fmt.Errorf("host interface %s: %w", dev, err)
	}
	addrs, err := iface.Addrs()
	if err != nil {
		return nil, fmt.Errorf("addresses of %s: %w", dev, err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && n.IP.IsGlobalUnicast() {
			st.Addresses = append(st.Addresses, network.Address{IP: n.String(), Gateway: gw.String()})
			break
		}
	}
	return network.Status{"pasta": st}, nil
}

// defaultRoute reads the host's IPv4 default route from /proc/net/route.
func defaultRoute() (net.IP, string, error) {
	b, err := os.ReadFile("/proc/net/route")
	if err != nil {
		return nil, "", err
	}
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 3 || f[1] != "00000000" {
			continue
		}
		v, err := strconv.ParseUint(f[2], 16, 32)
		if err != nil {
			continue
		}
		// /proc/net/route prints the address in host (little-endian) order.
		return net.IPv4(byte(v), byte(v>>8), byte(v>>16), byte(v>>24)), f[0], nil
	}
	return nil, "", fmt.Errorf("pasta copies the host's default route, and the host has none: %w", define.ErrUnavailable)
}

// UnprivilegedPortStartFile is the sysctl that bounds an ordinary user's ports.
const UnprivilegedPortStartFile = "/proc/sys/net/ipv4/ip_unprivileged_port_start"

// CheckPorts refuses host ports an ordinary user cannot bind, naming the
// sysctl that sets the bound.
func CheckPorts(ports []network.PortMapping) error {
	b, err := os.ReadFile(UnprivilegedPortStartFile)
	if err != nil {
		return fmt.Errorf("reading net.ipv4.ip_unprivileged_port_start: %w", err)
	}
	start, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return fmt.Errorf("net.ipv4.ip_unprivileged_port_start holds %q: %w", b, define.ErrInvalidState)
	}
	for _, p := range ports {
		if int(p.HostPort) < start {
			return fmt.Errorf("rootless port %d/%s is below net.ipv4.ip_unprivileged_port_start (%d): an ordinary user cannot bind it; publish a port >= %d or lower the sysctl: %w",
				p.HostPort, p.Protocol, start, start, define.ErrInvalidArg)
		}
	}
	return nil
}

// Running reports whether the PID pidFile names is pasta.
func Running(pidFile string) bool {
	return network.DaemonRunning(pidFile, "pasta", "passt")
}
