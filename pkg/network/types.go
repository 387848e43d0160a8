package network

import (
	"context"
	"encoding/json"
	"net"
	"time"
)

// DefaultName is the network containers join when they ask for none in
// particular ("bridge"). It is created on first use.
const DefaultName = "podlite"

// Network is a CNI network podlite manages, stored as a conflist.
type Network struct {
	Name   string `json:"name"`
	ID     string `json:"id"`
	Driver string `json:"driver"` // "bridge" or "macvlan"
	// NetworkInterface is the bridge (or, for macvlan, the parent) device.
	NetworkInterface string   `json:"network_interface"`
	Subnets          []Subnet `json:"subnets"`
	Internal         bool     `json:"internal"`
	// Routes are static routes added in every container (--route).
	Routes  []Route           `json:"routes,omitempty"`
	Labels  map[string]string `json:"labels,omitempty"`
	Options map[string]string `json:"options,omitempty"`
	Created time.Time         `json:"created"`
}

// Subnet is one address range of a network.
type Subnet struct {
	Subnet  string `json:"subnet"`            // CIDR, e.g. 10.90.0.0/16
	Gateway string `json:"gateway,omitempty"` // e.g. 10.90.0.1
	// RangeStart and RangeEnd restrict the addresses handed out (--ip-range).
	RangeStart string `json:"range_start,omitempty"`
	RangeEnd   string `json:"range_end,omitempty"`
}

// PortMapping publishes a container port on the host (-p).
type PortMapping struct {
	HostIP        string `json:"host_ip,omitempty"`
	HostPort      uint16 `json:"host_port"`
	ContainerPort uint16 `json:"container_port"`
	Protocol      string `json:"protocol"` // "tcp" or "udp"
	// Range is how many consecutive ports the mapping covers (1 or more).
	Range uint16 `json:"range,omitempty"`
}

// Attachment is how a container joins one network.
type Attachment struct {
	// InterfaceName inside the container: eth0, eth1, ...
	InterfaceName string   `json:"interface_name"`
	StaticIPs     []net.IP `json:"static_ips,omitempty"`
	StaticMAC     string   `json:"static_mac,omitempty"`
	Aliases       []string `json:"aliases,omitempty"`
}

// Request is one container's networking: what Setup and Teardown act on.
// libpod builds it from the container's config (and, on restore, the IPs
// and MACs saved in its Status).
type Request struct {
	ContainerID   string
	ContainerName string
	// NetNS is the path of the container's network namespace.
	NetNS    string
	Networks map[string]Attachment
	Ports    []PortMapping
}

// Status is the saved result of Setup (network.status beside checkpoints,
// NetworkSettings in inspect), keyed by network name.
type Status map[string]NetworkStatus

// NetworkStatus is one network's part of Status. Its JSON is podman's
// network.status shape (status_json.go).
type NetworkStatus struct {
	Interface string
	MAC       string
	Addresses []Address
	// CNIResult is the plugin chain's result, as returned by CNI ADD.
	CNIResult json.RawMessage
}

// Address is one IP a container got on a network.
type Address struct {
	IP      string `json:"ip"` // CIDR form, 10.90.0.5/16
	Gateway string `json:"gateway,omitempty"`
}

// Manager sets up container networking through CNI and keeps the network
// configurations.
//
// Contract: Setup either succeeds for every network of the request or
// undoes what it did (CNI DEL of the networks already added) and returns
// the error; requested static IPs that are taken or outside the subnet fail
// before anything is added. Teardown is idempotent: it runs CNI DEL for
// every network of the request and ignores networks already torn down.
// Network configuration calls are safe across processes (the domain lock
// file in the configuration directory, which every ADD takes shared);
// Setup and Teardown rely on the caller holding the container's lock.
// Setup creates the default network when the request names it and it is
// missing, and first frees the leases the container still has on the
// request's networks (held addresses), in one step with its ADD. Errors wrap define classes: unknown
// network ErrNotFound, bad input ErrInvalidArg, clashes ErrExists.
type Manager interface {
	Setup(ctx context.Context, req Request) (Status, error)
	Teardown(ctx context.Context, req Request) error

	// CreateNetwork validates n, fills in defaults (free subnet, gateway,
	// bridge name, ID) and writes its conflist.
	CreateNetwork(n Network) (*Network, error)
	// EnsureDefault creates the default network if it is missing; racing
	// processes all succeed and write it once.
	EnsureDefault() (*Network, error)
	Network(name string) (*Network, error)
	Networks() ([]*Network, error)
	// RemoveNetwork removes a network the caller's containers do not
	// use; one on which a container holds an address (of another root of
	// the domain) is ErrInvalidState.
	RemoveNetwork(name string) error
	// Hold keeps the addresses of a container leased to it past its
	// teardown (a checkpointed container; called before the teardown);
	// Release gives them up again.
	Hold(containerID string, st Status) error
	Release(containerID string, st Status) error
	// Leases maps the addresses leased on a network to the containers
	// holding them, across every root of the domain.
	Leases(name string) (map[string]string, error)
	// RemoveUnused removes every network, the default one included, on
	// which no container holds an address, with its leases, bridge and
	// firewall rules (`system reset`, once the root's own containers are
	// gone), and returns the names of the networks it left in place.
	RemoveUnused() (inUse []string, err error)
	// ReloadFirewall rewrites the networks' firewall chains whether or
	// not this boot already did (network reload, after a firewall flush).
	ReloadFirewall() error
}
