package libpod

import (
	"maps"
	"slices"
	"time"
)

// PodListReport is a pod as `pod ps --format json` shows it: podman's
// ListPodsReport, whose JSON keys are its Go field names.
type PodListReport struct {
	Cgroup     string
	Containers []PodListContainer
	Created    time.Time
	Id         string //nolint:revive // podman's key
	InfraId    string //nolint:revive // podman's key
	Name       string
	Namespace  string
	Networks   []string
	Status     string
	Labels     map[string]string
}

// PodListContainer is one container of a PodListReport.
type PodListContainer struct {
	Id           string //nolint:revive // podman's key
	Names        string
	Status       string
	RestartCount uint
}

// PodInspectReport is `pod inspect`'s record of a pod in podman's shape,
// for the fields podlite has.
type PodInspectReport struct {
	ID               string            `json:"Id"`
	Name             string            `json:"Name"`
	Created          time.Time         `json:"Created"`
	CreateCommand    []string          `json:"CreateCommand,omitempty"`
	ExitPolicy       string            `json:"ExitPolicy"`
	State            string            `json:"State"`
	Hostname         string            `json:"Hostname"`
	Labels           map[string]string `json:"Labels"`
	CreateInfra      bool              `json:"CreateInfra"`
	InfraContainerID string            `json:"InfraContainerID,omitempty"`
	InfraConfig      *PodInfraConfig   `json:"InfraConfig,omitempty"`
	SharedNamespaces []string          `json:"SharedNamespaces,omitempty"`
	NumContainers    uint              `json:"NumContainers"`
	Containers       []PodInspectCtr   `json:"Containers"`
	// Checkpointed is podlite's: the pod waits for pod restore.
	Checkpointed bool `json:"Checkpointed"`
}

// PodInfraConfig is the part of PodInspectReport about the infra
// container's network, as podman names it.
type PodInfraConfig struct {
	PortBindings map[string][]InspectHostPort `json:"PortBindings"`
	HostNetwork  bool                         `json:"HostNetwork"`
	Networks     []string                     `json:"Networks"`
}

// PodInspectCtr is one container of a PodInspectReport.
type PodInspectCtr struct {
	ID    string `json:"Id"`
	Name  string `json:"Name"`
	State string `json:"State"`
}

// ListReport is the pod's `pod ps` entry.
func (p *Pod) ListReport() (PodListReport, error) {
	ctrs, err := p.Containers()
	if err != nil {
		return PodListReport{}, err
	}
	rep := PodListReport{Created: p.config.CreatedAt, Id: p.config.ID, InfraId: p.state.InfraID,
		Name: p.config.Name, Status: PodStatus(ctrs), Labels: p.config.Labels,
		Containers: []PodListContainer{}, Networks: []string{}}
	if rep.Labels == nil {
		rep.Labels = map[string]string{}
	}
	for _, c := range ctrs {
		rep.Containers = append(rep.Containers, PodListContainer{Id: c.config.ID, Names: c.config.Name,
			Status: c.state.Status.String(), RestartCount: c.state.RestartCount})
		if c.config.ID == p.state.InfraID {
			rep.Networks = slices.Sorted(maps.Keys(c.networks()))
		}
	}
	return rep, nil
}

// Inspect is the pod's `pod inspect` record.
func (p *Pod) Inspect() (*PodInspectReport, error) {
	ctrs, err := p.Containers()
	if err != nil {
		return nil, err
	}
	rep := &PodInspectReport{ID: p.config.ID, Name: p.config.Name, Created: p.config.CreatedAt,
		CreateCommand: p.config.CreateCommand, ExitPolicy: p.config.ExitPolicy, State: PodStatus(ctrs),
		Hostname: p.config.Hostname, Labels: p.config.Labels, CreateInfra: p.config.Infra,
		InfraContainerID: p.state.InfraID, SharedNamespaces: p.config.Share,
		NumContainers: uint(len(ctrs)), Containers: []PodInspectCtr{}, Checkpointed: p.isCheckpointed(ctrs)}
	if rep.Labels == nil {
		rep.Labels = map[string]string{}
	}
	for _, c := range ctrs {
		rep.Containers = append(rep.Containers, PodInspectCtr{ID: c.config.ID, Name: c.config.Name, State: c.state.Status.String()})
		if c.config.ID == p.state.InfraID {
			rep.InfraConfig = &PodInfraConfig{PortBindings: c.inspectNetwork().Ports,
				HostNetwork: c.config.NetworkMode == "host", Networks: slices.Sorted(maps.Keys(c.networks()))}
		}
	}
	return rep, nil
}
