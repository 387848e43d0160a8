package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Container networking: traffic between containers, from containers to the
// host, to published ports; none and host modes; isolated user networks;
// static addresses; /etc/hosts and resolv.conf; bad input; leases and
// namespaces across stop, restart and a reboot.
//
// Tests on the default network ("podlite") use the env's own bridge and
// subnet (Env.DefaultBridge, Env.DefaultSubnet) and remove their
// containers (newNetEnv's cleanup). Networks they create use 10.215.0.0/16 and
// bridges named pltest*. Traffic goes only to loopback and to those
// bridges and the containers on them.

// ntInspect returns one inspect --format field of a container.
func (n *netEnv) ntInspect(ctr, format string) string {
	n.T.Helper()
	return strings.TrimSpace(n.MustPodlite("inspect", "--format", format, ctr).Stdout)
}

// ntIP returns a container's address on its first network.
func (n *netEnv) ntIP(ctr string) string {
	n.T.Helper()
	ip := n.ntInspect(ctr, "{{.NetworkSettings.IPAddress}}")
	if net.ParseIP(ip) == nil {
		n.T.Fatalf("container %s has no IP address: inspect printed %q", ctr, ip)
	}
	return ip
}

// ntLeases returns the IPs host-local has leased on network in the env's
// network domain (NETSTATEDIR/ipam/NETWORK/IP), ignoring its lock and
// bookkeeping.
func (n *netEnv) ntLeases(network string) []string {
	n.T.Helper()
	entries, err := os.ReadDir(filepath.Join(n.NetStateDir, "ipam", network))
	if err != nil && !os.IsNotExist(err) {
		n.T.Fatal(err)
	}
	var ips []string
	for _, e := range entries {
		if net.ParseIP(e.Name()) != nil {
			ips = append(ips, e.Name())
		}
	}
	return ips
}

// ntNetnsFiles returns the namespace files under RUNROOT/netns (not its
// dot files, such as its lock).
func (n *netEnv) ntNetnsFiles() []string {
	n.T.Helper()
	entries, err := os.ReadDir(filepath.Join(n.RunRoot, "netns"))
	if err != nil && !os.IsNotExist(err) {
		n.T.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	return names
}

// ntExpectNothingLeft fails unless the env has no containers, no leases on
// network and no namespace files.
func (n *netEnv) ntExpectNothingLeft(network string) {
	n.T.Helper()
	if got := n.MustPodlite("ps", "-aq").Stdout; got != "" {
		n.T.Errorf("containers left: %q", got)
	}
	if got := n.ntLeases(network); len(got) != 0 {
		n.T.Errorf("leases left on %s: %v", network, got)
	}
	if got := n.ntNetnsFiles(); len(got) != 0 {
		n.T.Errorf("namespace files left: %v", got)
	}
}

// ntFreePort returns a TCP port free on every host address at the time.
func ntFreePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// ntWebRoot returns a host directory holding index.html with body, for
// `-v DIR:/www` and `httpd -f -p 80 -h /www`.
func ntWebRoot(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "index.html"), body)
	return dir
}

// ntHTTPGet fetches url from the host until it answers 200 or 15 seconds
// pass, and returns the body.
func ntHTTPGet(t *testing.T, url string) string {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := client.Get(url)
		if err == nil {
			body, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			if rerr == nil && resp.StatusCode == http.StatusOK {
				return string(body)
			}
			err = fmt.Errorf("status %d, read error %v", resp.StatusCode, rerr)
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s from the host: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Busybox 1.35's wget (Debian 12's busybox-static) dies of SIGSEGV when
// given -T, so commands are bounded with the timeout applet instead.

// ntRetryScript is a shell command that runs cmd up to 50 times, 0.2s
// apart, until it succeeds: servers in other containers need a moment to
// listen.
func ntRetryScript(cmd string) string {
	return "for i in $(seq 50); do " + cmd + " && exit 0; sleep 0.2; done; exit 1"
}

// ntFetch runs a throwaway container with netArgs that fetches
// http://ip/index.html, retrying until the server answers, and returns the
// body.
func (n *netEnv) ntFetch(img, ip string, netArgs ...string) string {
	n.T.Helper()
	args := append([]string{"run", "--rm"}, netArgs...)
	args = append(args, img, "sh", "-c", ntRetryScript("timeout 3 wget -q -O - http://"+ip+"/index.html"))
	return n.MustPodlite(args...).Stdout
}

// ntUnreachable fails the test if a container with netArgs can open a TCP
// connection to ip:80 within a few seconds.
func (n *netEnv) ntUnreachable(img, ip string, netArgs ...string) {
	n.T.Helper()
	args := append([]string{"run", "--rm"}, netArgs...)
	args = append(args, img, "timeout", "4", "wget", "-q", "-O", "-", "http://"+ip+"/index.html")
	start := time.Now()
	r := n.Podlite(args...)
	if r.ExitCode == 0 {
		n.T.Errorf("container with %v reached %s: %q", netArgs, ip, r.Stdout)
	}
	if d := time.Since(start); d > 30*time.Second {
		n.T.Errorf("the failed connection to %s took %s", ip, d)
	}
}

// ntServeWeb runs a detached httpd container serving body on port 80 with
// extra run flags, and returns its name.
func (n *netEnv) ntServeWeb(img, name, body string, flags ...string) string {
	n.T.Helper()
	args := append([]string{"run", "-d", "--name", name, "-v", ntWebRoot(n.T, body) + ":/www"}, flags...)
	n.MustPodlite(append(args, img, "httpd", "-f", "-p", "80", "-h", "/www")...)
	return name
}

// ntDevices returns the interface names in a container's /proc/net/dev.
func (n *netEnv) ntDevices(img string, netArgs ...string) []string {
	n.T.Helper()
	args := append(append([]string{"run", "--rm"}, netArgs...), img, "cat", "/proc/net/dev")
	out := n.MustPodlite(args...).Stdout
	var names []string
	for _, l := range strings.Split(out, "\n") {
		if name, _, ok := strings.Cut(l, ":"); ok && !strings.Contains(name, "|") {
			names = append(names, strings.TrimSpace(name))
		}
	}
	slices.Sort(names)
	return names
}

func TestNetContainersReachEachOther(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()

	// nc: a listener in one container, a client in another.
	n.MustPodlite("run", "-d", "--name", "listener", img, "nc", "-l", "-p", "5000")
	ip := n.ntIP("listener")
	if _, sn, _ := net.ParseCIDR(n.DefaultSubnet); !sn.Contains(net.ParseIP(ip)) {
		t.Errorf("container on the default network got %s, want an address in %s", ip, n.DefaultSubnet)
	}
	if gw := n.ntInspect("listener", "{{.NetworkSettings.Gateway}}"); gw != n.Gateway() {
		t.Errorf("gateway %q, want %s", gw, n.Gateway())
	}
	if got := n.ntInspect("listener", "{{.NetworkSettings.Networks.podlite.IPAddress}}"); got != ip {
		t.Errorf(".NetworkSettings.Networks.podlite.IPAddress = %q, want %s", got, ip)
	}
	n.MustPodlite("run", "--rm", img, "sh", "-c", ntRetryScript("echo hi-over-tcp | nc "+ip+" 5000"))
	waitFor(t, func() bool { return strings.Contains(n.MustPodlite("logs", "listener").Stdout, "hi-over-tcp") })

	// httpd and wget, both on the default network, the client named
	// explicitly with --network bridge.
	n.ntServeWeb(img, "web", "hello from web\n")
	webIP := n.ntIP("web")
	if webIP == ip {
		t.Errorf("two running containers share the address %s", ip)
	}
	if got := n.ntFetch(img, webIP, "--network", "bridge"); got != "hello from web\n" {
		t.Errorf("fetched %q from web", got)
	}
	n.MustPodlite("rm", "-f", "listener", "web")
	n.ntExpectNothingLeft("podlite")
}

func TestNetContainerReachesHost(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	// The gateway address exists on the bridge once a container is on it.
	n.MustPodlite("run", "-d", "--name", "anchor", img, "sleep", "1000")

	l, err := net.Listen("tcp", n.Gateway()+":0")
	if err != nil {
		t.Fatalf("listening on the default network's gateway: %v", err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "host saw %s\n", strings.Split(r.RemoteAddr, ":")[0])
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)

	n.MustPodlite("run", "-d", "--name", "client", img, "sleep", "1000")
	clientIP := n.ntIP("client")
	r := n.MustPodlite("exec", "client", "timeout", "5", "wget", "-q", "-O", "-", "http://"+n.Gateway()+":"+port+"/")
	// Container-to-host traffic on the bridge is not masqueraded.
	if want := "host saw " + clientIP + "\n"; r.Stdout != want {
		t.Errorf("container fetched %q from the host, want %q", r.Stdout, want)
	}
	// By name too: host.containers.internal is the gateway.
	r = n.MustPodlite("exec", "client", "timeout", "5", "wget", "-q", "-O", "-", "http://host.containers.internal:"+port+"/")
	if !strings.HasPrefix(r.Stdout, "host saw ") {
		t.Errorf("container fetched %q from host.containers.internal", r.Stdout)
	}
	n.MustPodlite("rm", "-f", "anchor", "client")
	n.ntExpectNothingLeft("podlite")
}

func TestNetPublishedPorts(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	port := ntFreePort(t)
	hp := strconv.Itoa(port)
	n.ntServeWeb(img, "web", "published\n", "-p", hp+":80")

	for _, host := range []string{"127.0.0.1", n.Gateway()} {
		if got := ntHTTPGet(t, "http://"+host+":"+hp+"/index.html"); got != "published\n" {
			t.Errorf("GET %s:%s from the host = %q", host, hp, got)
		}
	}
	if got := n.MustPodlite("port", "web").Stdout; got != "80/tcp -> 0.0.0.0:"+hp+"\n" {
		t.Errorf("podlite port web printed %q", got)
	}
	if got := n.MustPodlite("port", "web", "80").Stdout; got != "0.0.0.0:"+hp+"\n" {
		t.Errorf("podlite port web 80 printed %q", got)
	}
	if got := n.MustPodlite("ps", "--format", "{{.Names}} {{.Ports}}").Stdout; got != "web 0.0.0.0:"+hp+"->80/tcp\n" {
		t.Errorf("ps shows %q", got)
	}
	if got := n.MustPodlite("ps").Stdout; !strings.Contains(got, "0.0.0.0:"+hp+"->80/tcp") {
		t.Errorf("ps table does not show the mapping:\n%s", got)
	}

	// -P with --expose: a random host port that works.
	n.ntServeWeb(img, "random", "random port\n", "-P", "--expose", "80")
	addr := strings.TrimSpace(n.MustPodlite("port", "random", "80/tcp").Stdout)
	m := regexp.MustCompile(`^0\.0\.0\.0:(\d+)$`).FindStringSubmatch(addr)
	if m == nil {
		t.Fatalf("podlite port random 80/tcp printed %q", addr)
	}
	if m[1] == hp || m[1] == "80" {
		t.Errorf("-P chose host port %s", m[1])
	}
	if got := ntHTTPGet(t, "http://127.0.0.1:"+m[1]+"/index.html"); got != "random port\n" {
		t.Errorf("GET on the -P port = %q", got)
	}

	// Removing the container unpublishes the port.
	n.MustPodlite("rm", "-f", "web", "random")
	c := &http.Client{Timeout: 2 * time.Second}
	if resp, err := c.Get("http://127.0.0.1:" + hp + "/index.html"); err == nil {
		resp.Body.Close()
		t.Errorf("port %s still answers after rm: %s", hp, resp.Status)
	}
	n.ntExpectNothingLeft("podlite")
}

func TestNetNoneAndHost(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	if got := n.ntDevices(img, "--network", "none"); !slices.Equal(got, []string{"lo"}) {
		t.Errorf("--network none: interfaces %v, want only lo", got)
	}
	if got := n.ntInspect(mustCreate(n, img, "--network", "none"), "{{.NetworkSettings.IPAddress}}"); got != "" {
		t.Errorf("--network none: IPAddress %q", got)
	}

	// The host's interfaces: every one that is up and not a veth (those
	// come and go with other containers).
	ifaces, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, i := range ifaces {
		if i.Flags&net.FlagUp != 0 && !strings.HasPrefix(i.Name, "veth") {
			want = append(want, i.Name)
		}
	}
	got := n.ntDevices(img, "--network", "host")
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("--network host: interfaces %v lack the host's %s", got, w)
		}
	}
	if len(got) < 2 {
		t.Errorf("--network host: only %v", got)
	}
	n.MustPodlite("rm", "-a", "-f")
	n.ntExpectNothingLeft("podlite")
}

// mustCreate creates a container with flags and returns its ID.
func mustCreate(n *netEnv, img string, flags ...string) string {
	n.T.Helper()
	return strings.TrimSpace(n.MustPodlite(append(append([]string{"create"}, flags...), img, "true")...).Stdout)
}

func TestNetStaticIPAndMAC(t *testing.T) {
	n := newNetEnv(t, "pltestip0")
	img := n.LoadBusybox()
	n.MustPodlite("network", "create", "--subnet", "10.215.3.0/24", "--interface-name", "pltestip0", "static")

	const ip, mac = "10.215.3.50", "02:42:0a:d7:03:32"
	n.ntServeWeb(img, "first", "first\n", "--network", "static", "--ip", ip, "--mac-address", mac)
	firstID := n.ntInspect("first", "{{.Id}}")
	if got := n.ntIP("first"); got != ip {
		t.Errorf("--ip %s: inspect shows %s", ip, got)
	}
	if got := n.ntInspect("first", "{{.NetworkSettings.MacAddress}}"); got != mac {
		t.Errorf("--mac-address %s: inspect shows %q", mac, got)
	}
	inside := n.MustPodlite("exec", "first", "ip", "-o", "addr", "show", "eth0").Stdout
	if !strings.Contains(inside, "inet "+ip+"/24") {
		t.Errorf("inside, eth0 has:\n%s", inside)
	}
	if got := strings.TrimSpace(n.MustPodlite("exec", "first", "cat", "/sys/class/net/eth0/address").Stdout); got != mac {
		t.Errorf("inside, eth0's MAC is %q, want %s", got, mac)
	}
	if got := n.ntLeases("static"); !slices.Equal(got, []string{ip}) {
		t.Errorf("leases %v, want [%s]", got, ip)
	}

	// The per-network form: NAME:ip=…,mac=….
	const ip2, mac2 = "10.215.3.60", "02:42:0a:d7:03:3c"
	r := n.MustPodlite("run", "--rm", "--network", "static:ip="+ip2+",mac="+mac2, img,
		"sh", "-c", "ip -o -4 addr show eth0; cat /sys/class/net/eth0/address")
	if !strings.Contains(r.Stdout, "inet "+ip2+"/24") || !strings.Contains(r.Stdout, mac2) {
		t.Errorf("--network static:ip=%s,mac=%s: inside:\n%s", ip2, mac2, r.Stdout)
	}

	// A taken address fails at start and leaves the first container be.
	n.MustPodlite("create", "--name", "second", "--network", "static", "--ip", ip, img, "sleep", "1000")
	r = n.Podlite("start", "second")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, ip) {
		t.Errorf("error %q does not name the address", r.Stderr)
	}
	if got := n.ntInspect("second", "{{.State.Status}}"); got == "running" {
		t.Errorf("second is %s", got)
	}
	if got := n.ntInspect("first", "{{.State.Status}}"); got != "running" {
		t.Errorf("first is %s after second's failed start", got)
	}
	if got := n.ntIP("first"); got != ip {
		t.Errorf("first's address is %s after second's failed start", got)
	}
	if data, err := os.ReadFile(filepath.Join(n.NetStateDir, "ipam", "static", ip)); err != nil ||
		!strings.HasPrefix(string(data), firstID) {
		t.Errorf("lease of %s: %q, %v; want it held by %s", ip, data, err, firstID)
	}
	if got := n.ntNetnsFiles(); !slices.Equal(got, []string{firstID}) {
		t.Errorf("namespace files %v, want only first's", got)
	}
	if got := n.ntFetch(img, ip, "--network", "static"); got != "first\n" {
		t.Errorf("first serves %q after second's failed start", got)
	}

	// Outside the subnet, and the gateway: clear errors, nothing connected.
	for _, bad := range []string{"10.215.4.5", "10.215.3.1"} {
		r := n.Podlite("run", "--rm", "--network", "static", "--ip", bad, img, "true")
		expectOneLineError(t, r)
		if !strings.Contains(r.Stderr, bad) {
			t.Errorf("--ip %s: error %q does not name the address", bad, r.Stderr)
		}
	}
	if got := n.ntLeases("static"); !slices.Equal(got, []string{ip}) {
		t.Errorf("after the failures, leases %v, want [%s]", got, ip)
	}
	n.MustPodlite("rm", "-f", "first", "second")
	n.ntExpectNothingLeft("static")
}

func TestNetHostsAndResolvConf(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	n.MustPodlite("run", "-d", "--name", "named", "--hostname", "myhost",
		"--add-host", "extra.test:10.215.9.9", "--dns", "10.215.9.53", "--dns-search", "example.test",
		"--dns-option", "ndots:3", img, "sleep", "1000")
	ip := n.ntIP("named")

	hosts := n.MustPodlite("exec", "named", "cat", "/etc/hosts").Stdout
	for _, want := range [][]string{
		{ip, "myhost", "named"},
		{n.Gateway(), "host.containers.internal"},
		{"10.215.9.9", "extra.test"},
		{"127.0.0.1", "localhost"},
	} {
		if !slices.ContainsFunc(strings.Split(hosts, "\n"), func(l string) bool {
			f := strings.Fields(l)
			return len(f) >= len(want) && f[0] == want[0] && len(slices.DeleteFunc(slices.Clone(want[1:]), func(name string) bool {
				return slices.Contains(f[1:], name)
			})) == 0
		}) {
			t.Errorf("/etc/hosts has no line %v:\n%s", want, hosts)
		}
	}
	if got := strings.TrimSpace(n.MustPodlite("exec", "named", "hostname").Stdout); got != "myhost" {
		t.Errorf("hostname %q", got)
	}

	resolv := n.MustPodlite("exec", "named", "cat", "/etc/resolv.conf").Stdout
	for _, want := range []string{"nameserver 10.215.9.53", "search example.test", "options ndots:3"} {
		if !slices.Contains(outputLines(resolv), want) {
			t.Errorf("/etc/resolv.conf lacks %q:\n%s", want, resolv)
		}
	}

	// Without --dns: the host's resolvers, minus loopback ones, which
	// mean nothing in the container's namespace. Default hostname: the
	// short ID.
	r := n.MustPodlite("run", "--name", "plain", img, "sh", "-c", "cat /etc/resolv.conf; echo ---; cat /etc/hosts; echo ---; hostname")
	parts := strings.Split(r.Stdout, "---\n")
	if len(parts) != 3 {
		t.Fatalf("output:\n%s", r.Stdout)
	}
	for _, l := range outputLines(parts[0]) {
		if f := strings.Fields(l); len(f) == 2 && f[0] == "nameserver" {
			if a := net.ParseIP(f[1]); a == nil || a.IsLoopback() {
				t.Errorf("resolv.conf has nameserver %s", f[1])
			}
		}
	}
	hostname := strings.TrimSpace(parts[2])
	id := n.ntInspect("plain", "{{.Id}}")
	if !strings.HasPrefix(id, hostname) || len(hostname) != 12 {
		t.Errorf("default hostname %q, want the short ID of %s", hostname, id)
	}
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(strings.TrimSuffix(n.DefaultSubnet, "0/24")) + `\d+\s+` + hostname + `\s+plain\s*$`).MatchString(parts[1]) {
		t.Errorf("/etc/hosts of plain has no line for its address, %s and plain:\n%s", hostname, parts[1])
	}
	n.MustPodlite("rm", "-f", "named", "plain")
	n.ntExpectNothingLeft("podlite")
}

func TestNetBadInputLeavesNothing(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	// Warm up: the default network exists, so a failure cannot be blamed
	// on its creation.
	n.MustPodlite("run", "--rm", img, "true")
	port := strconv.Itoa(ntFreePort(t))

	tests := []struct {
		name    string
		args    []string
		runOnly bool // create may accept it: the check needs the network
	}{
		{"unknown network", []string{"--network", "nosuchnet"}, false},
		{"unknown second network", []string{"--network", "podlite,nosuchnet"}, false},
		{"port not a number", []string{"-p", "abc"}, false},
		{"too many port fields", []string{"-p", "1:2:3:4"}, false},
		{"port out of range", []string{"-p", "70000:80"}, false},
		{"bad protocol", []string{"-p", "8080:80/icmp"}, false},
		{"ip with network none", []string{"--network", "none", "--ip", "10.90.7.7"}, false},
		{"ip with network host", []string{"--network", "host", "--ip", "10.90.7.7"}, false},
		{"mac with network none", []string{"--network", "none", "--mac-address", "02:00:00:00:00:01"}, false},
		{"malformed ip", []string{"--ip", "10.90.7"}, false},
		{"malformed mac", []string{"--mac-address", "02:00"}, false},
		{"ip outside the subnet", []string{"--ip", "10.215.200.1"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, cmd := range []string{"run", "create"} {
				if cmd == "create" && tc.runOnly {
					continue
				}
				args := append(append([]string{cmd}, tc.args...), img, "true")
				if cmd == "run" {
					args = append([]string{cmd, "--rm"}, args[1:]...)
				}
				expectOneLineError(t, n.Podlite(args...))
				n.ntExpectNothingLeft("podlite")
			}
		})
	}

	t.Run("port published by another container", func(t *testing.T) {
		n.ntServeWeb(img, "owner", "owner\n", "-p", port+":80")
		for _, cmd := range []string{"run", "create"} {
			r := n.Podlite(cmd, "--name", "thief", "-p", port+":80", img, "true")
			expectOneLineError(t, r)
			if !strings.Contains(r.Stderr, port) {
				t.Errorf("error %q does not name the port", r.Stderr)
			}
		}
		if got := n.MustPodlite("ps", "-a", "--format", "{{.Names}}").Stdout; got != "owner\n" {
			t.Errorf("ps -a shows %q, want only owner", got)
		}
		if got := ntHTTPGet(t, "http://127.0.0.1:"+port+"/index.html"); got != "owner\n" {
			t.Errorf("the published port serves %q", got)
		}
		n.MustPodlite("rm", "-f", "owner")
		n.ntExpectNothingLeft("podlite")
	})
}

func TestNetRestartStopAndReboot(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	hp := strconv.Itoa(ntFreePort(t))
	n.ntServeWeb(img, "web", "still here\n", "-p", hp+":80")
	id := n.ntInspect("web", "{{.Id}}")
	ntHTTPGet(t, "http://127.0.0.1:"+hp+"/index.html")

	// restart: reachable again, by address and by published port; one
	// lease, one namespace.
	n.MustPodlite("restart", "-t", "0", "web")
	ip := n.ntIP("web")
	if got := n.ntFetch(img, ip); got != "still here\n" {
		t.Errorf("after restart, web serves %q", got)
	}
	if got := ntHTTPGet(t, "http://127.0.0.1:"+hp+"/index.html"); got != "still here\n" {
		t.Errorf("after restart, the published port serves %q", got)
	}
	if got := n.ntLeases("podlite"); !slices.Equal(got, []string{ip}) {
		t.Errorf("after restart, leases %v, want [%s]", got, ip)
	}
	if got := n.ntNetnsFiles(); !slices.Equal(got, []string{id}) {
		t.Errorf("after restart, namespace files %v, want [%s]", got, id)
	}

	// stop: lease, namespace and rules released.
	n.MustPodlite("stop", "-t", "0", "web")
	if got := n.ntLeases("podlite"); len(got) != 0 {
		t.Errorf("after stop, leases %v", got)
	}
	if got := n.ntNetnsFiles(); len(got) != 0 {
		t.Errorf("after stop, namespace files %v", got)
	}
	if got := n.ntInspect("web", "{{.NetworkSettings.IPAddress}}"); got != "" {
		t.Errorf("after stop, inspect shows address %q", got)
	}
	if rules := ntRulesMentioning(t, id); len(rules) != 0 {
		t.Errorf("after stop, iptables rules name the container:\n%s", strings.Join(rules, "\n"))
	}

	// Simulated reboot of a running container: processes killed,
	// mounts gone, runroot deleted. The next command releases its lease.
	n.MustPodlite("start", "web")
	ip = n.ntIP("web")
	ntHTTPGet(t, "http://127.0.0.1:"+hp+"/index.html")
	n.simulateReboot("web")
	if got := n.ntLeases("podlite"); !slices.Equal(got, []string{ip}) {
		t.Fatalf("before any command after the reboot, leases %v, want [%s]", got, ip)
	}
	if got := n.MustPodlite("ps", "-a", "--format", "{{.Names}} {{.State}}").Stdout; got != "web exited\n" {
		t.Errorf("after the reboot, ps -a shows %q", got)
	}
	if got := n.ntLeases("podlite"); len(got) != 0 {
		t.Errorf("after the reboot and ps, the dead container's leases remain: %v", got)
	}
	if rules := ntRulesMentioning(t, id); len(rules) != 0 {
		t.Errorf("after the reboot and ps, iptables rules name the container:\n%s", strings.Join(rules, "\n"))
	}
	n.MustPodlite("start", "web")
	ip = n.ntIP("web")
	if got := n.ntFetch(img, ip); got != "still here\n" {
		t.Errorf("after the reboot and start, web serves %q", got)
	}
	if got := ntHTTPGet(t, "http://127.0.0.1:"+hp+"/index.html"); got != "still here\n" {
		t.Errorf("after the reboot and start, the published port serves %q", got)
	}
	if got := n.ntLeases("podlite"); !slices.Equal(got, []string{ip}) {
		t.Errorf("after the reboot and start, leases %v, want [%s]", got, ip)
	}
	n.MustPodlite("rm", "-f", "web")
	n.ntExpectNothingLeft("podlite")
	if rules := ntRulesMentioning(t, id); len(rules) != 0 {
		t.Errorf("after rm, iptables rules name the container:\n%s", strings.Join(rules, "\n"))
	}
}

// ntRulesMentioning returns the iptables rules (not chain declarations) of
// every table that contain s, such as a container ID in a CNI comment.
func ntRulesMentioning(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	for _, l := range ntIptablesRules(t) {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return out
}

// ntIptablesRules returns iptables-save's rule lines ("-A …").
func ntIptablesRules(t *testing.T) []string {
	t.Helper()
	raw, err := exec.Command("iptables-save").Output()
	if err != nil {
		t.Fatalf("iptables-save: %v", err)
	}
	var rules []string
	for _, l := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(l, "-A ") {
			rules = append(rules, l)
		}
	}
	return rules
}

func TestNetExitReleasesWithoutCommand(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	hp := strconv.Itoa(ntFreePort(t))
	// The container exits on its own; its supervisor disconnects it with
	// no podlite command run meanwhile.
	n.MustPodlite("run", "-d", "--name", "brief", "-p", hp+":80", img, "sh", "-c", "sleep 2")
	id := n.ntInspect("brief", "{{.Id}}")
	if got := n.ntLeases("podlite"); len(got) != 1 {
		t.Fatalf("while running, leases %v", got)
	}
	waitFor(t, func() bool {
		return len(n.ntLeases("podlite")) == 0 && len(n.ntNetnsFiles()) == 0 && len(ntRulesMentioning(t, id)) == 0
	})
	if got := n.ntInspect("brief", "{{.State.Status}}"); got != "exited" {
		t.Errorf("state %q, want exited", got)
	}
	// Started again, it is connected again.
	n.MustPodlite("start", "brief")
	if ip := n.ntInspect("brief", "{{.NetworkSettings.IPAddress}}"); net.ParseIP(ip) == nil {
		t.Errorf("after start, address %q", ip)
	}
	n.MustPodlite("rm", "-f", "brief")
	n.ntExpectNothingLeft("podlite")
}

// Containers on a user network get addresses of its subnet and reach each
// other; two user networks are isolated from each other (and from the
// default network): a connection across fails at once.
func TestNetUserNetworksIsolated(t *testing.T) {
	n := newNetEnv(t, "pltestipa", "pltestipb")
	img := n.LoadBusybox()
	n.MustPodlite("network", "create", "--subnet", "10.215.11.0/24", "--interface-name", "pltestipa", "neta")
	n.MustPodlite("network", "create", "--subnet", "10.215.12.0/24", "--interface-name", "pltestipb", "netb")

	n.ntServeWeb(img, "a1", "on a\n", "--network", "neta")
	n.ntServeWeb(img, "b1", "on b\n", "--network", "netb")
	a1, b1 := n.ntIP("a1"), n.ntIP("b1")
	if !strings.HasPrefix(a1, "10.215.11.") || !strings.HasPrefix(b1, "10.215.12.") {
		t.Fatalf("addresses a1=%s b1=%s, want them in their networks' subnets", a1, b1)
	}
	if got := n.ntInspect("a1", "{{.NetworkSettings.Networks.neta.IPAddress}}"); got != a1 {
		t.Errorf(".NetworkSettings.Networks.neta.IPAddress = %q, want %s", got, a1)
	}
	// Same network: reachable.
	if got := n.ntFetch(img, a1, "--network", "neta"); got != "on a\n" {
		t.Errorf("from neta, a1 served %q", got)
	}
	if got := n.ntFetch(img, b1, "--network", "netb"); got != "on b\n" {
		t.Errorf("from netb, b1 served %q", got)
	}
	// Across networks: not.
	n.ntUnreachable(img, b1, "--network", "neta")
	n.ntUnreachable(img, a1, "--network", "netb")
	n.ntUnreachable(img, a1, "--network", "bridge")

	n.MustPodlite("rm", "-f", "a1", "b1")
	for _, net := range []string{"neta", "netb"} {
		if got := n.ntLeases(net); len(got) != 0 {
			t.Errorf("leases left on %s: %v", net, got)
		}
	}
	n.MustPodlite("network", "rm", "neta", "netb")
}
