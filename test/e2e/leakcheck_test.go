package e2e

import (
	"crypto/sha512"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// The leak checker: every Env records, before its test, the host state its
// podlite could leave behind, and fails the test when its cleanup's
// `rm -af` leaves more. Everything is scoped to the env — its root and
// runroot, the bridges and subnets of networks it created, the IDs of its
// containers — so that podlite runs elsewhere on the host are not
// reported. Kinds of leak:
//
//	mount     mount points under the root or runroot, overlays naming them
//	netns     namespace files under RUNROOT/netns (the rootless network
//	          namespace's, RUNROOT/netns/rootless-netns, among them)
//	rootless-netns  what the rootless network namespace keeps in
//	          RUNROOT/rootless-netns besides its lock: pasta's PID file and
//	          log, published ports, the firewall marker
//	veth      veths on the env's bridges, or whose peer is in a namespace
//	          the env still holds
//	iptables  filter and nat chains and rules naming the env's bridges,
//	          subnets, containers or their CNI chains
//	lease     host-local leases under NetStateDir/ipam
//	lock      container lock files (RUNROOT/locks/ID)
//	cgroup    cgroup (v1) directories named after a container
//	dir       per-container directories: ROOT/containers/ID,
//	          RUNROOT/containers/ID, RUNROOT/runtime/ID and
//	          containers/storage's ROOT/storage/*-containers/ID
//	process   processes whose command line, cwd, root or cgroup names the
//	          root, the runroot or a container; for a rootless env, its
//	          pause process too once the env has stopped it
//
// A rootless env's mounts are looked for in its pause process's mount
// namespace as well as the host's.

// leakSettle is how long a leak may take to go: a container's exit
// command may still be finishing when rm -af returns.
const leakSettle = 5 * time.Second

// idPattern matches container (and image) IDs in podlite's output.
var idPattern = regexp.MustCompile(`\b[0-9a-f]{64}\b`)

// leakCheck is one env's record for the checker.
type leakCheck struct {
	env *Env
	dir string // the env's temp dir, parent of root and runroot
	// sharedConflists are the conflists the env's network directory held
	// before the test, when that directory is not the env's own: they,
	// their bridges and subnets belong to others.
	sharedConflists map[string]bool
	// before is the host-wide state (iptables, veths) before the test.
	before leakSet
	// ids and networks (by conflist path) are what the env made, gathered
	// after each command, since the networks may be gone by cleanup time.
	ids      map[string]bool
	networks map[string]envNetwork
	// gone is the part of networks whose conflist no longer exists when
	// check runs: their network-wide rules must be gone too, while those
	// of networks still configured stay with them.
	gone map[string]bool
	// shared holds bridges and subnets (CIDR) that networks outside the
	// env declare too.
	shared map[string]bool
	// allowPause lets a rootless env's pause process live: it is checked
	// before the env stops it, and again after.
	allowPause bool
	// mu guards ids and networks while observe runs: a test may run
	// commands from several goroutines at once.
	mu sync.Mutex
}

// envNetwork is what the checker needs of one of the env's networks.
type envNetwork struct {
	bridge  string // "" unless the bridge driver
	subnets []*net.IPNet
}

// leakSet maps "kind: item" to true.
type leakSet map[string]bool

func newLeakCheck(e *Env) *leakCheck {
	l := &leakCheck{
		env: e, dir: filepath.Dir(e.Root), sharedConflists: map[string]bool{},
		ids: map[string]bool{}, networks: map[string]envNetwork{}, gone: map[string]bool{}, shared: map[string]bool{},
	}
	if e.XDG != "" {
		l.dir = e.XDG
	}
	if !l.ownsPath(e.NetConfigDir) {
		files, _ := filepath.Glob(filepath.Join(e.NetConfigDir, "*.conflist"))
		for _, f := range files {
			l.sharedConflists[f] = true
		}
	}
	l.before = l.hostState()
	return l
}

// ownsPath reports whether p is the env's dir or inside it.
func (l *leakCheck) ownsPath(p string) bool {
	return p == l.dir || strings.HasPrefix(p, l.dir+"/")
}

// observe records the container IDs a command printed and the networks
// the env has made so far. It is called after every podlite command.
func (l *leakCheck) observe(stdout string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range idPattern.FindAllString(stdout, -1) {
		l.ids[id] = true
	}
	for _, f := range l.conflists() {
		l.noteConflist(f)
	}
}

// conflists lists the network configurations the env created: those of
// its network directory it did not find there, and any in its own dir.
func (l *leakCheck) conflists() []string {
	var out []string
	files, _ := filepath.Glob(filepath.Join(l.env.NetConfigDir, "*.conflist"))
	for _, f := range files {
		if !l.sharedConflists[f] {
			out = append(out, f)
		}
	}
	for _, pattern := range []string{"*/*.conflist", "*/*/*.conflist"} {
		own, _ := filepath.Glob(filepath.Join(l.dir, pattern))
		for _, f := range own {
			if !strings.HasPrefix(f, l.env.Root+"/") && !strings.HasPrefix(f, l.env.RunRoot+"/") && !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// noteConflist records a conflist's bridge and subnets.
func (l *leakCheck) noteConflist(path string) {
	if n, ok := readEnvNetwork(path); ok {
		l.networks[path] = n
	}
}

// readEnvNetwork reads a conflist's bridge and subnets from its "podlite"
// key.
func readEnvNetwork(path string) (envNetwork, bool) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return envNetwork{}, false // removed meanwhile
	}
	var c struct {
		Podlite *struct {
			Driver           string `json:"driver"`
			NetworkInterface string `json:"network_interface"`
			Subnets          []struct {
				Subnet string `json:"subnet"`
			} `json:"subnets"`
		} `json:"podlite"`
	}
	if json.Unmarshal(raw, &c) != nil || c.Podlite == nil {
		return envNetwork{}, false
	}
	var n envNetwork
	if c.Podlite.Driver == "bridge" {
		n.bridge = c.Podlite.NetworkInterface
	}
	for _, s := range c.Podlite.Subnets {
		if _, sn, err := net.ParseCIDR(s.Subnet); err == nil {
			n.subnets = append(n.subnets, sn)
		}
	}
	return n, true
}

// markGone records which of the env's networks no longer exist, and
// which bridges and subnets they share with networks of others (the
// default network's podlite0 and 10.90.0.0/16, declared in the host's
// directory too): those say nothing about who left a veth or a rule.
func (l *leakCheck) markGone() {
	live := l.conflists()
	for path := range l.networks {
		l.gone[path] = !slices.Contains(live, path)
	}
	if l.ownsPath(l.env.NetConfigDir) {
		return
	}
	files, _ := filepath.Glob(filepath.Join(l.env.NetConfigDir, "*.conflist"))
	for _, f := range files {
		if _, mine := l.networks[f]; mine {
			continue
		}
		if n, ok := readEnvNetwork(f); ok {
			l.shared[n.bridge] = true
			for _, sn := range n.subnets {
				l.shared[sn.String()] = true
			}
		}
	}
}

// isBridge reports whether name is the bridge of one of the env's
// networks; with goneOnly, of one that no longer exists.
func (l *leakCheck) isBridge(name string, goneOnly bool) bool {
	for path, n := range l.networks {
		if n.bridge != "" && n.bridge == name && !l.shared[name] && (!goneOnly || l.gone[path]) {
			return true
		}
	}
	return false
}

// inSubnet reports whether the address or network a names lies in a
// subnet of one of the env's networks; with goneOnly, of one that no
// longer exists.
func (l *leakCheck) inSubnet(a *net.IPNet, goneOnly bool) bool {
	for path, n := range l.networks {
		for _, sn := range n.subnets {
			if sn.Contains(a.IP) && !l.shared[sn.String()] && (!goneOnly || l.gone[path]) {
				return true
			}
		}
	}
	return false
}

// containerIDs records the full IDs of the env's containers; cleanup calls
// it before rm -af.
func (l *leakCheck) containerIDs() {
	r := l.env.Podlite("ps", "-a", "--no-trunc", "--format", "{{.ID}}")
	l.observe(r.Stdout)
}

// check fails the test with every leak that is still there after
// leakSettle.
func (l *leakCheck) check() {
	t := l.env.T
	t.Helper()
	l.observe("")
	l.noteIDsOnDisk()
	l.markGone()
	leaks := l.leaks()
	for deadline := time.Now().Add(leakSettle); len(leaks) > 0 && time.Now().Before(deadline); {
		time.Sleep(250 * time.Millisecond)
		now := l.leaks()
		for k := range leaks {
			if !now[k] {
				delete(leaks, k)
			}
		}
	}
	if len(leaks) == 0 {
		return
	}
	items := make([]string, 0, len(leaks))
	for k := range leaks {
		items = append(items, k)
	}
	sort.Strings(items)
	t.Errorf("leak check: after rm -af the env left %d item(s):\n  %s", len(items), strings.Join(items, "\n  "))
}

// noteIDsOnDisk adds the IDs named by container directories and locks the
// env still has, for containers the test removed without printing their
// ID.
func (l *leakCheck) noteIDsOnDisk() {
	for _, d := range []string{
		filepath.Join(l.env.Root, "containers"), filepath.Join(l.env.RunRoot, "containers"),
		filepath.Join(l.env.RunRoot, "runtime"), filepath.Join(l.env.RunRoot, "locks"),
	} {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if idPattern.MatchString(e.Name()) && len(e.Name()) == 64 {
				l.ids[e.Name()] = true
			}
		}
	}
}

// leaks returns what the env holds now and did not before.
func (l *leakCheck) leaks() leakSet {
	out := leakSet{}
	for k := range l.hostState() {
		if !l.before[k] && l.mine(k) {
			out[k] = true
		}
	}
	for _, f := range []func() []string{l.mounts, l.netnsFiles, l.leases, l.locks, l.cgroups, l.processes, l.danglingVeths, l.containerDirs, l.rootlessNetNSFiles} {
		for _, k := range f() {
			out[k] = true
		}
	}
	return out
}

// hostState returns the host-wide items (veths, iptables) whose owner is
// only known at the end: leaks() filters them through mine.
func (l *leakCheck) hostState() leakSet {
	s := leakSet{}
	for _, v := range vethLinks() {
		s["veth: "+v] = true
	}
	for _, r := range iptablesLines() {
		s["iptables: "+r] = true
	}
	return s
}

// mine reports whether a host-wide item belongs to the env.
func (l *leakCheck) mine(item string) bool {
	switch {
	case strings.HasPrefix(item, "veth: "):
		// "NAME master BRIDGE" or "NAME nomaster". A veth without a
		// bridge may be anyone's (another test may have deleted the bridge
		// under its containers): danglingVeths finds the env's by their
		// peers. So does a veth on a bridge that other envs of the
		// domain still use.
		f := strings.Fields(strings.TrimPrefix(item, "veth: "))
		return len(f) == 3 && l.isBridge(f[2], false) && !l.env.sharesDomain()
	case strings.HasPrefix(item, "iptables: "):
		return l.namesMine(strings.TrimPrefix(item, "iptables: "))
	}
	return false
}

// namesMine reports whether an iptables line names one of the env's
// containers, the CNI chains the bridge and portmap plugins derive from a
// container's ID, or a host address in one of its subnets (a container's),
// or — for a network the env no longer has — its bridge or subnet.
func (l *leakCheck) namesMine(line string) bool {
	for id := range l.ids {
		if strings.Contains(line, id) {
			return true
		}
	}
	for _, tok := range strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '"' || r == '!' }) {
		tok = strings.TrimPrefix(tok, ":") // a chain declaration
		if l.isBridge(strings.TrimSuffix(tok, "+"), true) {
			return true
		}
		if a := parseAddr(tok); a != nil {
			ones, bits := a.Mask.Size()
			if l.inSubnet(a, ones != bits) {
				return true
			}
		}
		if strings.HasPrefix(tok, "CNI-") && l.isContainerChain(tok) {
			return true
		}
	}
	return false
}

// parseAddr parses an address ("10.0.0.2", a host) or a network in CIDR
// notation, or returns nil.
func parseAddr(tok string) *net.IPNet {
	if ip := net.ParseIP(tok); ip != nil {
		bits := 8 * len(ip.To4())
		if bits == 0 {
			bits = 128
		}
		return &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)}
	}
	ip, n, err := net.ParseCIDR(tok)
	if err != nil {
		return nil
	}
	return &net.IPNet{IP: ip, Mask: n.Mask}
}

// isContainerChain reports whether chain is the masquerade (CNI-…) or DNAT
// (CNI-DN-…) chain of an env container on any network: the plugins name
// them from a hash of network name and container ID.
func (l *leakCheck) isContainerChain(chain string) bool {
	names := l.networkNames()
	for id := range l.ids {
		for _, n := range names {
			if chain == cniChainName(n, id, "") || chain == cniChainName(n, id, "DN-") {
				return true
			}
		}
	}
	return false
}

// networkNames lists every network name the env's podlite could use:
// those in its network directory now, and the ones it created, removed
// or not.
func (l *leakCheck) networkNames() []string {
	names := []string{"podlite"}
	files, _ := filepath.Glob(filepath.Join(l.env.NetConfigDir, "*.conflist"))
	for f := range l.networks { // removed ones too
		files = append(files, f)
	}
	for _, f := range files {
		n := strings.TrimSuffix(filepath.Base(f), ".conflist")
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// mounts lists mount points under the root or runroot, and mounts whose
// options name them (overlay lowerdir/upperdir).
func (l *leakCheck) mounts() []string {
	raw, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		l.env.T.Errorf("leak check: %v", err)
		return nil
	}
	if pid := pausePID(l.env.RunRoot); l.env.User != nil && pid != 0 {
		// The user's namespace: gone with its pause process, so ignore
		// a read failure then.
		if ns, err := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", pid)); err == nil {
			raw = append(raw, ns...)
		}
	}
	if pid := l.env.MountPID; pid != 0 {
		// A private mount namespace's mounts count as the env's too.
		if ns, err := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", pid)); err == nil {
			raw = append(raw, ns...)
		}
	}
	netnsDir := filepath.Join(l.env.RunRoot, "netns")
	var out []string
	for _, line := range strings.Split(string(raw), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 5 {
			continue
		}
		mp := unescapeMountPath(fields[4])
		opts := ""
		if i := strings.Index(line, " - "); i >= 0 {
			opts = line[i+3:]
		}
		if mp == netnsDir {
			continue // pkg/network's shared bind mount of the directory itself stays
		}
		if l.underRoots(mp) || strings.Contains(opts, l.env.Root+"/") || strings.Contains(opts, l.env.RunRoot+"/") {
			out = append(out, "mount: "+mp+" ("+opts+")")
		}
	}
	return out
}

func (l *leakCheck) underRoots(p string) bool {
	for _, r := range []string{l.env.Root, l.env.RunRoot} {
		if p == r || strings.HasPrefix(p, r+"/") {
			return true
		}
	}
	return false
}

// netnsFiles lists namespace files under RUNROOT/netns (not its lock).
func (l *leakCheck) netnsFiles() []string {
	entries, _ := os.ReadDir(filepath.Join(l.env.RunRoot, "netns"))
	var out []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			out = append(out, "netns: "+filepath.Join(l.env.RunRoot, "netns", e.Name()))
		}
	}
	return out
}

// leases lists host-local leases (files named as an IP) under
// NetStateDir/ipam: all of them when the directory is the env's own,
// else those naming one of its containers.
func (l *leakCheck) leases() []string {
	files, _ := filepath.Glob(filepath.Join(l.env.NetStateDir, "ipam", "*", "*"))
	var out []string
	for _, f := range files {
		if net.ParseIP(filepath.Base(f)) == nil {
			continue
		}
		content, _ := os.ReadFile(f)
		owner := strings.Fields(string(content))
		if l.ownsPath(f) || len(owner) > 0 && l.ids[owner[0]] {
			out = append(out, fmt.Sprintf("lease: %s (%s)", f, strings.Join(owner, " ")))
		}
	}
	return out
}

// containerDirs lists what is left of per-container directories: podlite's
// and containers/storage's (a storage container's rootfs layer).
func (l *leakCheck) containerDirs() []string {
	var out []string
	for _, pattern := range []string{
		filepath.Join(l.env.Root, "containers", "*"), filepath.Join(l.env.RunRoot, "containers", "*"),
		filepath.Join(l.env.RunRoot, "runtime", "*"), filepath.Join(l.env.Root, "storage", "*-containers", "*"),
	} {
		m, _ := filepath.Glob(pattern)
		for _, p := range m {
			if l.isContainerID(filepath.Base(p)) {
				out = append(out, "dir: "+p)
			}
		}
	}
	return out
}

// rootlessNetNSFiles lists RUNROOT/rootless-netns's files but its lock:
// they go with the namespace, once no container uses it.
func (l *leakCheck) rootlessNetNSFiles() []string {
	entries, _ := os.ReadDir(filepath.Join(l.env.RunRoot, "rootless-netns"))
	var out []string
	for _, e := range entries {
		if e.Name() != "lock" {
			out = append(out, "rootless-netns: "+filepath.Join(l.env.RunRoot, "rootless-netns", e.Name()))
		}
	}
	return out
}

// locks lists container lock files: RUNROOT/locks/ID (libpod/lock's
// FileManager, one per container; volumes and the runtime have named
// locks that may stay).
func (l *leakCheck) locks() []string {
	var out []string
	_ = filepath.WalkDir(l.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && p == filepath.Join(l.env.Root, "storage") {
			return filepath.SkipDir
		}
		if !d.IsDir() && filepath.Base(filepath.Dir(p)) == "locks" && l.isContainerID(d.Name()) {
			out = append(out, "lock: "+p)
		}
		return nil
	})
	return out
}

func (l *leakCheck) isContainerID(name string) bool {
	return len(name) == 64 && idPattern.MatchString(name)
}

// cgroups lists cgroup v1 directories, up to three levels below each
// controller, whose name contains one of the env's container IDs.
func (l *leakCheck) cgroups() []string {
	if len(l.ids) == 0 {
		return nil
	}
	var out []string
	controllers, _ := filepath.Glob("/sys/fs/cgroup/*")
	for _, c := range controllers {
		_ = filepath.WalkDir(c, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil
			}
			if strings.Count(strings.TrimPrefix(p, c), "/") > 3 {
				return filepath.SkipDir
			}
			if l.namesID(d.Name()) {
				out = append(out, "cgroup: "+p)
				return filepath.SkipDir
			}
			return nil
		})
	}
	return out
}

func (l *leakCheck) namesID(s string) bool {
	for id := range l.ids {
		if strings.Contains(s, id) {
			return true
		}
	}
	return false
}

// processes lists processes whose command line, working directory or
// root is under the env's dir or names one of its containers, or whose
// cgroup names one: supervisors, exit commands, container processes.
func (l *leakCheck) processes() []string {
	var out []string
	for _, p := range l.envProcesses() {
		out = append(out, "process: "+p.String())
	}
	return out
}

// envProcess is a process that belongs to the env.
type envProcess struct {
	dir                string // /proc/PID
	cmdline, cwd, root string
}

func (p envProcess) String() string {
	return fmt.Sprintf("%s %q (cwd %s, root %s)", filepath.Base(p.dir), p.cmdline, p.cwd, p.root)
}

func (l *leakCheck) envProcesses() []envProcess {
	procs, _ := filepath.Glob("/proc/[0-9]*")
	self := fmt.Sprint(os.Getpid())
	pause := ""
	if l.allowPause {
		pause = fmt.Sprint(pausePID(l.env.RunRoot))
	}
	var out []envProcess
	for _, p := range procs {
		if filepath.Base(p) == self || filepath.Base(p) == pause {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(p, "cmdline"))
		if err != nil {
			continue // gone
		}
		e := envProcess{dir: p, cmdline: strings.TrimSpace(strings.ReplaceAll(string(raw), "\x00", " "))}
		e.cwd, _ = os.Readlink(filepath.Join(p, "cwd"))
		e.root, _ = os.Readlink(filepath.Join(p, "root"))
		cgroup, _ := os.ReadFile(filepath.Join(p, "cgroup"))
		if strings.Contains(e.cmdline, l.dir+"/") || l.ownsPath(e.cwd) || l.ownsPath(e.root) ||
			l.namesID(e.cmdline) || l.namesID(string(cgroup)) {
			out = append(out, e)
		}
	}
	return out
}

// danglingVeths lists host veths whose peer is in a network namespace the
// env still holds, through a process or a namespace file: whatever bridge
// they are on, or none.
func (l *leakCheck) danglingVeths() []string {
	var holders []string
	for _, p := range l.envProcesses() {
		holders = append(holders, filepath.Join(p.dir, "ns", "net"))
	}
	for _, f := range l.netnsFiles() {
		holders = append(holders, strings.TrimPrefix(f, "netns: "))
	}
	if len(holders) == 0 {
		return nil
	}
	host := map[int]string{}
	for _, v := range ipLinks("") {
		host[v.Index] = v.Name
	}
	var out []string
	for _, h := range holders {
		for _, v := range ipLinks(h) {
			// A peer in another namespace: link_index is its index there.
			if name, ok := host[v.LinkIndex]; ok && v.LinkNetnsID != nil {
				out = append(out, fmt.Sprintf("veth: %s (peer %s in %s)", name, v.Name, h))
			}
		}
	}
	return out
}

// ipLink is what the checker reads of `ip -j link`.
type ipLink struct {
	Name        string `json:"ifname"`
	Index       int    `json:"ifindex"`
	Master      string `json:"master"`
	LinkIndex   int    `json:"link_index"`
	LinkNetnsID *int   `json:"link_netnsid"`
}

// ipLinks lists the veths of the network namespace netns (a file), or of
// the host's for "".
func ipLinks(netns string) []ipLink {
	argv := []string{"ip", "-j", "link", "show", "type", "veth"}
	if netns != "" {
		argv = append([]string{"nsenter", "--net=" + netns}, argv...)
	}
	raw, err := exec.Command(argv[0], argv[1:]...).Output()
	if err != nil {
		return nil // the namespace is gone
	}
	var links []ipLink
	_ = json.Unmarshal(raw, &links)
	return links
}

// vethLinks lists the host's veths as "NAME master BRIDGE" or
// "NAME nomaster".
func vethLinks() []string {
	links := ipLinks("")
	out := make([]string, 0, len(links))
	for _, v := range links {
		if v.Master == "" {
			out = append(out, v.Name+" nomaster")
		} else {
			out = append(out, v.Name+" master "+v.Master)
		}
	}
	return out
}

// counters matches iptables-save's packet and byte counters ("[0:0]").
var counters = regexp.MustCompile(`\s*\[\d+:\d+\]`)

// iptablesLines returns the chain declarations and rules of the filter
// and nat tables, each prefixed with its table, counters stripped.
func iptablesLines() []string {
	var out []string
	for _, table := range []string{"filter", "nat"} {
		raw, err := exec.Command("iptables-save", "-t", table).Output()
		if err != nil {
			out = append(out, table+" iptables-save failed: "+err.Error())
			continue
		}
		for _, line := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(line, ":") || strings.HasPrefix(line, "-A ") {
				out = append(out, table+" "+counters.ReplaceAllString(line, ""))
			}
		}
	}
	return out
}

// cniChainName is the chain name the CNI plugins derive from a network
// name and a container ID (plugins/pkg/utils.MustFormatChainNameWithPrefix).
func cniChainName(network, id, prefix string) string {
	sum := sha512.Sum512([]byte(network + id))
	return fmt.Sprintf("CNI-%s%x", prefix, sum)[:28]
}

// added lists what after has and before has not.
func added(before, after []string) []string {
	var out []string
	for _, a := range after {
		if !slices.Contains(before, a) {
			out = append(out, a)
		}
	}
	return out
}
