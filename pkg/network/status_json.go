package network

import (
	"encoding/json"
	"maps"
	"slices"
)

// A NetworkStatus is written in the shape of podman's network.status
// (netavark's StatusBlock): checkpointctl reads IPs and MACs from it, and
// podman's archives arrive in it.
//
//	{"interfaces": {"eth0": {"subnets": [{"ipnet": "10.90.0.5/16",
//	 "gateway": "10.90.0.1"}], "mac_address": "…"}}, "cni_result": {…}}
//
// The earlier shape, {"interface", "mac_address", "addresses": [{"ip",
// "gateway"}]}, is still read: container states and archives made before
// the change carry it.
type statusBlock struct {
	Interfaces map[string]statusInterface `json:"interfaces"`
	CNIResult  json.RawMessage            `json:"cni_result,omitempty"`
}

type statusInterface struct {
	Subnets []statusSubnet `json:"subnets"`
	MAC     string         `json:"mac_address"`
}

type statusSubnet struct {
	IPNet   string `json:"ipnet"`
	Gateway string `json:"gateway,omitempty"`
}

// legacyStatus is the earlier shape.
type legacyStatus struct {
	Interface string    `json:"interface"`
	MAC       string    `json:"mac_address"`
	Addresses []Address `json:"addresses"`
}

// MarshalJSON writes the podman shape.
func (s NetworkStatus) MarshalJSON() ([]byte, error) {
	iface := statusInterface{MAC: s.MAC, Subnets: []statusSubnet{}}
	for _, a := range s.Addresses {
		iface.Subnets = append(iface.Subnets, statusSubnet{IPNet: a.IP, Gateway: a.Gateway})
	}
	name := s.Interface
	if name == "" {
		name = "eth0"
	}
	return json.Marshal(statusBlock{Interfaces: map[string]statusInterface{name: iface}, CNIResult: s.CNIResult})
}

// UnmarshalJSON reads either shape. Of a podman block with several
// interfaces on one network (never written by podlite), the first by name
// is kept.
func (s *NetworkStatus) UnmarshalJSON(b []byte) error {
	var both struct {
		statusBlock
		legacyStatus
	}
	if err := json.Unmarshal(b, &both); err != nil {
		return err
	}
	*s = NetworkStatus{CNIResult: both.CNIResult}
	if len(both.Interfaces) == 0 {
		s.Interface, s.MAC, s.Addresses = both.Interface, both.legacyStatus.MAC, both.legacyStatus.Addresses
		return nil
	}
	name := slices.Sorted(maps.Keys(both.Interfaces))[0]
	iface := both.Interfaces[name]
	s.Interface, s.MAC = name, iface.MAC
	for _, sn := range iface.Subnets {
		s.Addresses = append(s.Addresses, Address{IP: sn.IPNet, Gateway: sn.Gateway})
	}
	return nil
}
