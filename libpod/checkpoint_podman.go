package libpod

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	spec "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/storage"
	"github.com/podlite/podlite/pkg/criu"
	"github.com/podlite/podlite/pkg/network"
)

// Importing podman's checkpoint archives: podman's config.dump is its own
// container config; podlite takes what it needs from it and from
// spec.dump, maps podman's default network onto its own, and points the
// spec's bind mounts at files of its own.

// podmanDefaultNetwork is the name of podman's default network; an
// imported container joins podlite's default network in its place.
const podmanDefaultNetwork = "podman"

// podmanConfig is the part of podman's config.dump podlite reads.
type podmanConfig struct {
	ID              string                       `json:"id"`
	Name            string                       `json:"name"`
	RawImageName    string                       `json:"RawImageName"`
	RootfsImageID   string                       `json:"rootfsImageID"`
	RootfsImageName string                       `json:"rootfsImageName"`
	Command         []string                     `json:"command"`
	Entrypoint      []string                     `json:"entrypoint"`
	Labels          map[string]string            `json:"labels"`
	CreatedTime     time.Time                    `json:"createdTime"`
	CreateCommand   []string                     `json:"CreateCommand"`
	StopSignal      uint                         `json:"stopSignal"`
	StopTimeout     uint                         `json:"stopTimeout"`
	RestartPolicy   string                       `json:"restart_policy"`
	RestartRetries  uint                         `json:"restart_retries"`
	Stdin           bool                         `json:"stdin"`
	NetworkMode     string                       `json:"networkMode"`
	Networks        map[string]podmanNetworkOpts `json:"newNetworks"`
	PortMappings    []podmanPortMapping          `json:"newPortMappings"`
	NamedVolumes    []podmanNamedVolume          `json:"namedVolumes"`
	DNSServers      []string                     `json:"dnsServer"`
	DNSSearch       []string                     `json:"dnsSearch"`
	DNSOptions      []string                     `json:"dnsOption"`
	HostAdd         []string                     `json:"hostsAdd"`
}

type podmanNetworkOpts struct {
	InterfaceName string   `json:"interface_name"`
	StaticIPs     []string `json:"static_ips"`
	StaticMAC     string   `json:"static_mac"`
	Aliases       []string `json:"aliases"`
}

type podmanPortMapping struct {
	HostIP        string `json:"host_ip"`
	ContainerPort uint16 `json:"container_port"`
	HostPort      uint16 `json:"host_port"`
	Range         uint16 `json:"range"`
	Protocol      string `json:"protocol"`
}

type podmanNamedVolume struct {
	Name string `json:"volumeName"`
	Dest string `json:"dest"`
}

// fromPodman builds a podlite container config from podman's config.dump
// and spec.dump. Paths still name podman's directories: adoptPodmanSpec
// moves them once the container has its directory here.
func fromPodman(meta *criu.Metadata, path string) (*define.ContainerConfig, error) {
	var pc podmanConfig
	if err := json.Unmarshal(meta.Config, &pc); err != nil {
		return nil, fmt.Errorf("reading podman's container config in %s: %v: %w", path, err, define.ErrInvalidArg)
	}
	var s spec.Spec
	if err := json.Unmarshal(meta.Spec, &s); err != nil || s.Process == nil || s.Linux == nil {
		return nil, fmt.Errorf("reading podman's container spec in %s: %v: %w", path, err, define.ErrInvalidArg)
	}
	if pc.ID == "" || pc.Name == "" {
		return nil, fmt.Errorf("podman's container config in %s names no container: %w", path, define.ErrInvalidArg)
	}
	cfg := &define.ContainerConfig{
		ID: pc.ID, Name: pc.Name, ImageName: pc.RootfsImageName, ImageID: pc.RootfsImageID,
		Command: pc.Command, Entrypoint: pc.Entrypoint, Labels: pc.Labels, CreatedAt: pc.CreatedTime,
		Spec: &s, StopSignal: int(pc.StopSignal), StopTimeout: pc.StopTimeout,
		RestartPolicy: define.RestartPolicy{Name: pc.RestartPolicy, MaxRetries: pc.RestartRetries},
		Interactive:   pc.Stdin, Terminal: s.Process.Terminal, LogDriver: "k8s-file",
		CreateCommand: pc.CreateCommand,
		Network: define.NetworkConfig{DNSServers: pc.DNSServers, DNSSearch: pc.DNSSearch,
			DNSOptions: pc.DNSOptions, HostAdd: pc.HostAdd},
	}
	if cfg.ImageName == "" {
		cfg.ImageName = pc.RawImageName
	}
	if cfg.RestartPolicy.Name == "" {
		cfg.RestartPolicy.Name = "no"
	}
	switch pc.NetworkMode {
	case "", define.NetworkBridge:
		cfg.NetworkMode = define.NetworkBridge
		cfg.Network.Networks = map[string]define.NetworkAttachment{}
		for name, o := range pc.Networks {
			cfg.Network.Networks[podliteNetworkName(name)] = define.NetworkAttachment{
				InterfaceName: o.InterfaceName, StaticIPs: o.StaticIPs, StaticMAC: o.StaticMAC, Aliases: o.Aliases}
		}
	case define.NetworkNone, define.NetworkHost:
		cfg.NetworkMode = pc.NetworkMode
	default:
		return nil, fmt.Errorf("podman's container %s uses network mode %q, which podlite cannot restore: %w", pc.Name, pc.NetworkMode, define.ErrNotSupported)
	}
	for _, p := range pc.PortMappings {
		cfg.Network.Ports = append(cfg.Network.Ports, define.PortMapping{HostIP: p.HostIP, HostPort: p.HostPort,
			ContainerPort: p.ContainerPort, Protocol: p.Protocol, Range: p.Range})
	}
	for _, v := range pc.NamedVolumes {
		cfg.Volumes = append(cfg.Volumes, v.Name)
	}
	return cfg, nil
}

func podliteNetworkName(podmanName string) string {
	if podmanName == podmanDefaultNetwork {
		return network.DefaultName
	}
	return podmanName
}

// Files podman bind-mounts into a container, which an imported container
// gets from its own directory here.
var podmanBindFiles = map[string]string{
	"/etc/hostname":      "hostname",
	"/etc/hosts":         "hosts",
	"/etc/resolv.conf":   "resolv.conf",
	"/run/.containerenv": ".containerenv",
	"/dev/shm":           "shm",
}

// criuConfigAnnotation names, in a spec, a CRIU configuration file that
// libcontainer hands to CRIU.
const criuConfigAnnotation = "org.criu.config"

// podmanCRIUConfig is the CRIU configuration of containers imported from
// podman. The modes of their files here may differ from those CRIU
// recorded (the rootfs directory of the same image is 0555 in podman's
// storage, for one), and CRIU refuses a mode mismatch unless told so.
const podmanCRIUConfig = "criu.conf"

// adoptPodmanSpec points podman's spec at this host: bind mounts of
// podman's own files and of named volumes at their podlite counterparts,
// the cgroup at podlite's, and no hooks (they name podman's programs).
func (r *Runtime) adoptPodmanSpec(cfg *define.ContainerConfig) {
	s, dir := cfg.Spec, filepath.Join(r.cfg.Root, "containers", cfg.ID)
	volumes := map[string]bool{}
	for _, v := range cfg.Volumes {
		volumes[v] = true
	}
	for i, m := range s.Mounts {
		if m.Type != "bind" {
			continue
		}
		if name, ok := podmanBindFiles[m.Destination]; ok {
			s.Mounts[i].Source = filepath.Join(dir, name)
			continue
		}
		// podman's volumes live in …/volumes/NAME/_data.
		if rest, ok := strings.CutSuffix(m.Source, "/_data"); ok && volumes[filepath.Base(rest)] {
			s.Mounts[i].Source = filepath.Join(r.cfg.Volumes(), filepath.Base(rest), "_data")
		}
	}
	s.Hooks = nil
	if s.Annotations == nil {
		s.Annotations = map[string]string{}
	}
	s.Annotations[criuConfigAnnotation] = filepath.Join(dir, podmanCRIUConfig)
	s.Linux.CgroupsPath = "/podlite/" + cfg.ID
	for i := range s.Linux.Namespaces {
		s.Linux.Namespaces[i].Path = ""
	}
	cfg.LogPath = filepath.Join(dir, "ctr.log")
}

// adoptPodmanFiles prepares what podman's archive left in the container's
// directory here: network.status under podlite's network names, without
// addresses those networks cannot give (another subnet), /dev/shm's
// contents and the .containerenv file podman mounts.
func (r *Runtime) adoptPodmanFiles(cfg *define.ContainerConfig, dir string) (notes []string, _ error) {
	st, err := r.podmanNetworkStatus(filepath.Join(dir, networkStatus))
	if err != nil {
		return nil, err
	}
	for name, ns := range st {
		kept, dropped := r.addressesInSubnet(name, ns.Addresses)
		for _, a := range dropped {
			notes = append(notes, fmt.Sprintf("address %s is outside network %s here: the container gets a new one", a.IP, name))
		}
		ns.Addresses = kept
		st[name] = ns
		if att, ok := cfg.Network.Networks[name]; ok && len(kept) == 0 {
			att.StaticIPs = nil
			cfg.Network.Networks[name] = att
		}
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	if err := writeFileAtomic(filepath.Join(dir, networkStatus), raw); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, podmanCRIUConfig), []byte("skip-file-rwx-check\n"), 0o600); err != nil {
		return nil, err
	}
	shm := filepath.Join(dir, "shm")
	if err := ensureDir(shm); err != nil {
		return nil, err
	}
	if f, err := os.Open(filepath.Join(dir, criu.MemberDevShm)); err == nil {
		err = storage.UntarDirectory(f, shm)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("restoring /dev/shm of %s: %w", cfg.Name, err)
		}
	}
	env := fmt.Sprintf("engine=\"podlite\"\nname=%q\nid=%q\nimage=%q\nimageid=%q\nrootless=0\n", cfg.Name, cfg.ID, cfg.ImageName, cfg.ImageID)
	if err := os.WriteFile(filepath.Join(dir, ".containerenv"), []byte(env), 0o644); err != nil {
		return nil, err
	}
	return notes, nil
}

// podmanNetworkStatus reads podman's network.status with its network names
// mapped to podlite's.
func (r *Runtime) podmanNetworkStatus(path string) (network.Status, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return network.Status{}, nil
	}
	if err != nil {
		return nil, err
	}
	return renamePodmanNetworks(b)
}

func renamePodmanNetworks(raw []byte) (network.Status, error) {
	var in network.Status
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &in); err != nil {
			return nil, fmt.Errorf("reading podman's network.status: %v: %w", err, define.ErrInvalidArg)
		}
	}
	out := network.Status{}
	for name, st := range in {
		out[podliteNetworkName(name)] = st
	}
	return out, nil
}

// addressesInSubnet splits addresses into those inside a subnet of the
// network name here and the others (all of them when the network does not
// exist; the default one is created on first use, as by a run).
func (r *Runtime) addressesInSubnet(name string, addrs []network.Address) (kept, dropped []network.Address) {
	var subnets []string
	if mgr, err := r.Network(); err == nil {
		n, err := mgr.Network(name)
		if err != nil && name == network.DefaultName {
			n, err = mgr.EnsureDefault()
		}
		if err == nil {
			for _, s := range n.Subnets {
				subnets = append(subnets, s.Subnet)
			}
		}
	}
	for _, a := range addrs {
		ip, _, err := net.ParseCIDR(a.IP)
		in := false
		for _, s := range subnets {
			if _, sn, perr := net.ParseCIDR(s); err == nil && perr == nil && sn.Contains(ip) {
				in = true
			}
		}
		if in {
			kept = append(kept, a)
		} else {
			dropped = append(dropped, a)
		}
	}
	return kept, dropped
}
