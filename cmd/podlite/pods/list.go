package pods

import (
	"fmt"
	"strings"
	"time"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

var podsHeaders = map[string]string{"ID": "POD ID", "InfraID": "INFRA ID", "NumberOfContainers": "# OF CONTAINERS",
	"ContainerIds": "IDS", "ContainerNames": "NAMES", "ContainerStatuses": "STATUS", "Namespace": "NAMESPACES"}

// podRow is a pod as `pod ps` templates see it: podman's field names.
type podRow struct {
	r       libpod.PodListReport
	noTrunc bool
}

func (p podRow) trunc(s string) string {
	if p.noTrunc || len(s) <= 12 {
		return s
	}
	return s[:12]
}

// ID is the pod's ID, 12 digits unless --no-trunc.
func (p podRow) ID() string { return p.trunc(p.r.Id) }

// Name is the pod's name.
func (p podRow) Name() string { return p.r.Name }

// Status is the pod's status from its containers'.
func (p podRow) Status() string { return p.r.Status }

// Created is how long ago the pod was created.
func (p podRow) Created() string { return units.HumanDuration(time.Since(p.r.Created)) + " ago" }

// InfraID is the infra container's ID, 12 digits unless --no-trunc.
func (p podRow) InfraID() string { return p.trunc(p.r.InfraId) }

// NumberOfContainers counts the pod's containers, the infra included.
func (p podRow) NumberOfContainers() string { return fmt.Sprint(len(p.r.Containers)) }

// Cgroup is the parent of the pod's cgroup ("" without --share-parent).
func (p podRow) Cgroup() string { return p.r.Cgroup }

// Namespace is the pod's libpod namespace (podlite has none: "").
func (p podRow) Namespace() string { return p.r.Namespace }

// ContainerIds are the containers' IDs, comma-separated.
func (p podRow) ContainerIds() string {
	return p.join(func(c libpod.PodListContainer) string { return p.trunc(c.Id) })
}

// ContainerNames are the containers' names, comma-separated.
func (p podRow) ContainerNames() string {
	return p.join(func(c libpod.PodListContainer) string { return c.Names })
}

// ContainerStatuses are the containers' states, comma-separated.
func (p podRow) ContainerStatuses() string {
	return p.join(func(c libpod.PodListContainer) string { return c.Status })
}

// Networks are the infra's networks, comma-separated.
func (p podRow) Networks() string { return strings.Join(p.r.Networks, ",") }

// Labels are the pod's labels.
func (p podRow) Labels() map[string]string { return p.r.Labels }

// Label is the value of label name.
func (p podRow) Label(name string) string { return p.r.Labels[name] }

func (p podRow) join(f func(libpod.PodListContainer) string) string {
	out := make([]string, 0, len(p.r.Containers))
	for _, c := range p.r.Containers {
		out = append(out, f(c))
	}
	return strings.Join(out, ",")
}

// podsFormat is podman's default `pod ps` table with --ctr-ids,
// --ctr-names, --ctr-status (their columns replace the count) and --ns.
func podsFormat(f podListFlags) string {
	row := []string{"{{.ID}}", "{{.Name}}", "{{.Status}}", "{{.Created}}", "{{.InfraID}}"}
	for _, col := range []struct {
		on    bool
		field string
	}{{f.ctrIDs, "{{.ContainerIds}}"}, {f.ctrNames, "{{.ContainerNames}}"}, {f.status, "{{.ContainerStatuses}}"},
		{f.ns, "{{.Cgroup}}\t{{.Namespace}}"}} {
		if col.on {
			row = append(row, col.field)
		}
	}
	if !f.ctrIDs && !f.ctrNames && !f.status {
		row = append(row, "{{.NumberOfContainers}}")
	}
	return "table " + strings.Join(row, "\t")
}

// podListFlags are `pod ps`'s flags beyond the common list flags.
type podListFlags struct {
	opts                     libpod.PodListOptions
	noTrunc                  bool
	ctrIDs, ctrNames, status bool
	ns                       bool
}

func newListCommand(g *common.Globals) *cobra.Command {
	var lf common.ListFlags
	var pf podListFlags
	cmd := &cobra.Command{
		Use:     "ps [options]",
		Aliases: []string{"ls", "list"},
		Short:   "List pods",
		Long: `List pods, newest first (--sort created, podman's default; or id, name,
number, status). --filter takes podman's keys: id, name, label, label!,
status, network, ctr-names, ctr-ids, ctr-status, ctr-number, until.
Templates use podman's fields: .ID, .Name, .Status, .Created, .InfraID,
.NumberOfContainers, .ContainerIds, .ContainerNames, .ContainerStatuses,
.Networks, .Labels, .Cgroup, .Namespace (--ns adds the last two); json
prints podman's ListPodsReport (Id, InfraId, Containers, ...).`,
		Args:              common.NoArgs,
		ValidArgsFunction: common.NoCompletion,
		Example: `  podlite pod ps
  podlite pod ps --filter status=running --filter ctr-names=web --ctr-names
  podlite pod ps --sort name --format '{{.Name}} {{.Status}} {{.NumberOfContainers}}'
  podlite pod ps --format json`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := lf.Check(); err != nil {
				return err
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			reports, err := rt.ListPods(pf.opts)
			if err != nil {
				return err
			}
			if common.IsJSON(lf.Format) {
				return common.WriteJSON(cmd.OutOrStdout(), reports)
			}
			rows := make([]podRow, 0, len(reports))
			ids := make([]string, 0, len(reports))
			for _, r := range reports {
				rows = append(rows, podRow{r, pf.noTrunc})
				ids = append(ids, r.Id) // -q prints full IDs, as podman's
			}
			return common.WriteList(cmd.OutOrStdout(), lf, ids, podsFormat(pf), rows, podsHeaders)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&lf.Quiet, "quiet", "q", false, "print only the pods' full IDs")
	f.BoolVar(&pf.noTrunc, "no-trunc", false, "print full IDs")
	f.BoolVarP(&lf.NoHeading, "noheading", "n", false, "do not print the table's header row")
	f.StringVar(&lf.Format, "format", "", "Go template, json, or 'table …'")
	f.StringArrayVarP(&pf.opts.Filters, "filter", "f", nil, "show only pods that match (KEY=VALUE; podman's keys)")
	f.StringVar(&pf.opts.Sort, "sort", "created", "sort by created, id, name, number or status")
	f.BoolVarP(&pf.opts.Latest, "latest", "l", false, "show only the pod created last")
	f.BoolVar(&pf.ctrIDs, "ctr-ids", false, "show the IDs of each pod's containers")
	f.BoolVar(&pf.ctrNames, "ctr-names", false, "show the names of each pod's containers")
	f.BoolVar(&pf.status, "ctr-status", false, "show the status of each pod's containers")
	f.BoolVar(&pf.ns, "ns", false, "show each pod's cgroup parent and namespace columns")
	return cmd
}
