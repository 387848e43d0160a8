package libpod

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/filter"
)

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
		return nil, fmt.Errorf("invalid option for --sort, options are: created, id, name, number, or status: %w", define.ErrInvalidArg)
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
