package define

import "encoding/json"

// Network modes of a container (ContainerConfig.NetworkMode); any other
// value names CNI networks.
const (
	NetworkNone   = "none"
	NetworkHost   = "host"
	NetworkBridge = "bridge" // the default CNI network
	// NetworkPasta is an ordinary user's own namespace joined to the
	// host's network by pasta (the rootless default).
	NetworkPasta = "pasta"
	// NetworkSlirp is an ordinary user's own namespace joined to the
	// host's network by slirp4netns.
	NetworkSlirp = "slirp4netns"
)

// NetworkAttachment is how a container asked to join one CNI network.
type NetworkAttachment struct {
	InterfaceName string   `json:"interfaceName"`
	StaticIPs     []string `json:"staticIPs,omitempty"`
	StaticMAC     string   `json:"staticMAC,omitempty"`
	Aliases       []string `json:"aliases,omitempty"`
}

// PortMapping publishes container ports on the host (-p).
type PortMapping struct {
	HostIP        string `json:"hostIP,omitempty"`
	HostPort      uint16 `json:"hostPort"`
	ContainerPort uint16 `json:"containerPort"`
	Protocol      string `json:"protocol"`
	// Range is the number of consecutive ports mapped (1 when unset).
	Range uint16 `json:"range,omitempty"`
}

// NetworkConfig is a container's networking as created.
type NetworkConfig struct {
	// Networks maps CNI network names to the container's requests; empty
	// for none, host and namespace-path modes.
	Networks map[string]NetworkAttachment `json:"networks,omitempty"`
	Ports    []PortMapping                `json:"ports,omitempty"`
	// NetworkOptions are the options of --network pasta:OPT,OPT (given to
	// pasta as they are) or slirp4netns:KEY=VALUE,KEY=VALUE.
	NetworkOptions []string `json:"networkOptions,omitempty"`
	// ExposedPorts are the exposed ports (--expose, the image's) that no
	// mapping publishes: port number to protocols, as podman keeps them.
	ExposedPorts map[uint16][]string `json:"exposedPorts,omitempty"`
	// DNS servers, search domains and options for resolv.conf.
	DNSServers []string `json:"dnsServers,omitempty"`
	DNSSearch  []string `json:"dnsSearch,omitempty"`
	DNSOptions []string `json:"dnsOptions,omitempty"`
	// HostAdd are extra /etc/hosts entries, "name:ip".
	HostAdd []string `json:"hostAdd,omitempty"`
}

// NetworkState is a running container's networking.
type NetworkState struct {
	// NetNS is the bind-mounted network namespace the container joins.
	NetNS string `json:"netns,omitempty"`
	// Status is the saved CNI result per network (pkg/network.Status),
	// kept so a restore can ask for the same addresses again.
	Status json.RawMessage `json:"status,omitempty"`
}
