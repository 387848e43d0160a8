package checkpoint

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	spec "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
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

// FromPodman builds a podlite container config from podman's config.dump
// and spec.dump. Paths still name podman's directories: AdoptPodmanSpec
// moves them once the container has its directory here.
func FromPodman(meta *criu.Metadata, path string) (*define.ContainerConfig, error) {
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
			cfg.Network.Networks[PodliteNetworkName(name)] = define.NetworkAttachment{
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

// PodliteNetworkName is the network here that stands for podman's
// network podmanName: the default network for podman's, the same name
// otherwise.
func PodliteNetworkName(podmanName string) string {
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

// PodmanCRIUConfig is the CRIU configuration of containers imported from
// podman. The modes of their files here may differ from those CRIU
// recorded (the rootfs directory of the same image is 0555 in podman's
// storage, for one), and CRIU refuses a mode mismatch unless told so.
const PodmanCRIUConfig = "criu.conf"

// AdoptPodmanSpec points podman's spec at this host: bind mounts of
// podman's own files and of named volumes at their podlite counterparts
// (the container's directory dir and the volumes' directory volumesDir),
// the cgroup at podlite's, and no hooks (they name podman's programs).
func AdoptPodmanSpec(cfg *define.ContainerConfig, dir, volumesDir string) {
	s := cfg.Spec
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
			s.Mounts[i].Source = filepath.Join(volumesDir, filepath.Base(rest), "_data")
		}
	}
	s.Hooks = nil
	if s.Annotations == nil {
		s.Annotations = map[string]string{}
	}
	s.Annotations[criuConfigAnnotation] = filepath.Join(dir, PodmanCRIUConfig)
	s.Linux.CgroupsPath = "/podlite/" + cfg.ID
	for i := range s.Linux.Namespaces {
		s.Linux.Namespaces[i].Path = ""
	}
	cfg.LogPath = filepath.Join(dir, "ctr.log")
}

// RenamePodmanNetworks reads podman's network.status with its network
// names mapped to podlite's (see PodliteNetworkName).
func RenamePodmanNetworks(raw []byte) (network.Status, error) {
	var in network.Status
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &in); err != nil {
			return nil, fmt.Errorf("reading podman's network.status: %v: %w", err, define.ErrInvalidArg)
		}
	}
	out := network.Status{}
	for name, st := range in {
		out[PodliteNetworkName(name)] = st
	}
	return out, nil
}
