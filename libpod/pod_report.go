package libpod

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/filter"
	"github.com/podlite/podlite/libpod/pods"
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
	CgroupParent     string            `json:"CgroupParent,omitempty"`
	CgroupPath       string            `json:"CgroupPath,omitempty"`
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

// listReport is the `pod ps` entry of the pod with containers ctrs.
func (p *Pod) listReport(ctrs []*Container) PodListReport {
	rep := PodListReport{Created: p.config.CreatedAt, Id: p.config.ID, InfraId: p.state.InfraID,
		Name: p.config.Name, Status: PodStatus(ctrs), Labels: p.config.Labels,
		Containers: []PodListContainer{}, Networks: []string{}}
	if p.config.CgroupPath != "" {
		rep.Cgroup = pods.CgroupParent
	}
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
	return rep
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
	if p.config.CgroupPath != "" {
		rep.CgroupParent, rep.CgroupPath = pods.CgroupParent, p.config.CgroupPath
	}
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

// PodListOptions are `pod ps`'s selection flags.
type PodListOptions struct {
	// Filters are `--filter KEY=VALUE` strings (libpod/filter.Pods).
	Filters []string
	// Sort is --sort: created (the default, newest first), id, name,
	// number (of containers) or status, as podman's.
	Sort string
	// Latest keeps only the pod created last.
	Latest bool
}

// podSorts order `pod ps` rows for each --sort value.
var podSorts = map[string]func(a, b PodListReport) int{
	"created": func(a, b PodListReport) int { return b.Created.Compare(a.Created) },
	"id":      func(a, b PodListReport) int { return cmp.Compare(a.Id, b.Id) },
	"name":    func(a, b PodListReport) int { return cmp.Compare(a.Name, b.Name) },
	"number":  func(a, b PodListReport) int { return cmp.Compare(len(a.Containers), len(b.Containers)) },
	"status":  func(a, b PodListReport) int { return cmp.Compare(a.Status, b.Status) },
}

// ListPods returns the `pod ps` entries of the pods that pass opts'
// filters, sorted by opts.Sort. Bad filters or sort keys fail before
// anything is read.
func (r *Runtime) ListPods(opts PodListOptions) ([]PodListReport, error) {
	sortKey := cmp.Or(opts.Sort, "created")
	order, ok := podSorts[sortKey]
	if !ok {
		// podman's words.
		return nil, define.Worded(define.ErrInvalidArg, "invalid option for --sort, options are: created, id, name, number, or status")
	}
	match, err := filter.Pods(opts.Filters, lookups{r})
	if err != nil {
		return nil, err
	}
	pods, err := r.Pods()
	if err != nil {
		return nil, err
	}
	if opts.Latest && len(pods) > 0 {
		pods = pods[len(pods)-1:]
	}
	out := make([]PodListReport, 0, len(pods))
	for _, p := range pods {
		rep, entry, err := p.listEntry()
		if err != nil {
			return nil, err
		}
		if match(entry) {
			out = append(out, rep)
		}
	}
	slices.SortStableFunc(out, order)
	return out, nil
}

// listEntry is the pod's `pod ps` entry and what filters see of it.
func (p *Pod) listEntry() (PodListReport, *filter.PodEntry, error) {
	ctrs, err := p.Containers()
	if err != nil {
		return PodListReport{}, nil, err
	}
	rep := p.listReport(ctrs)
	entry := &filter.PodEntry{ID: rep.Id, Name: rep.Name, Status: rep.Status, Labels: rep.Labels,
		Created: rep.Created, Networks: rep.Networks}
	for _, c := range ctrs {
		entry.Containers = append(entry.Containers, filter.PodMember{ID: c.config.ID, Name: c.config.Name, Status: c.state.Status})
	}
	return rep, entry, nil
}
