package containers

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/filter"
)

// psRow is one line of `ps`; the fields are podman's template names.
type psRow struct {
	ID         string            `json:"-"` // as shown: 12 digits unless --no-trunc
	FullID     string            `json:"Id"`
	Image      string            `json:"Image"`
	ImageID    string            `json:"ImageID"`
	Command    string            `json:"-"`
	CommandArr []string          `json:"Command"`
	CreatedAt  string            `json:"CreatedAt"`
	Created    string            `json:"-"`
	CreatedTS  int64             `json:"Created"`
	Status     string            `json:"Status"`
	State      string            `json:"State"`
	Ports      string            `json:"-"`
	Names      string            `json:"-"`
	NamesArr   []string          `json:"Names"`
	Labels     map[string]string `json:"Labels"`
	ExitCode   int               `json:"ExitCode"`
	Exited     bool              `json:"Exited"`
	Pid        int               `json:"Pid"`
	AutoRemove bool              `json:"AutoRemove"`
	// Checkpointed is set while a checkpoint waits to be restored.
	Checkpointed bool `json:"Checkpointed"`
}

const psTable = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.Created}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"

func newPsCommand(g *common.Globals) *cobra.Command {
	var all, quiet, noTrunc, latest bool
	var format string
	var filters []string
	cmd := &cobra.Command{
		Use:               "ps [options]",
		Short:             "List containers",
		Args:              common.NoArgs,
		ValidArgsFunction: common.NoCompletion,
		Example: `  podlite ps -a
  podlite ps -a --filter status=exited --format '{{.Names}} {{.Status}}'
  podlite ps --format json`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			ctrs, err := rt.Containers()
			if err != nil {
				return err
			}
			match, err := filter.Containers(filters)
			if err != nil {
				return err
			}
			rows := []psRow{}
			for _, c := range ctrs {
				if !all && c.State().Status != define.StatusRunning && c.State().Status != define.StatusPaused && len(filters) == 0 {
					continue
				}
				if !match(c.Config(), c.State()) {
					continue
				}
				rows = append(rows, newPsRow(c, noTrunc))
			}
			if latest && len(rows) > 1 {
				rows = rows[len(rows)-1:]
			}
			if quiet {
				for _, r := range rows {
					fmt.Println(r.ID)
				}
				return nil
			}
			// Newest first, as podman lists them.
			for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
				rows[i], rows[j] = rows[j], rows[i]
			}
			return common.Write(os.Stdout, format, psTable, rows, map[string]string{"ID": "CONTAINER ID", "Created": "CREATED"})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&all, "all", "a", false, "show all containers, not only running ones")
	f.BoolVarP(&quiet, "quiet", "q", false, "print only container IDs")
	f.BoolVar(&noTrunc, "no-trunc", false, "do not truncate IDs and commands")
	f.BoolVarP(&latest, "latest", "l", false, "show only the latest container")
	f.StringVar(&format, "format", "", "Go template, json, or 'table …'")
	f.StringArrayVarP(&filters, "filter", "f", nil, "filter: name=, id=, status=, label=KEY[=VALUE]")
	return cmd
}

func newPsRow(c *libpod.Container, noTrunc bool) psRow {
	cfg, st := c.Config(), c.State()
	r := psRow{
		ID: cfg.ID, FullID: cfg.ID, Image: cfg.ImageName, ImageID: cfg.ImageID, CommandArr: cfg.Command,
		Command: strings.Join(cfg.Command, " "), CreatedAt: cfg.CreatedAt.Format("2006-01-02 15:04:05.999999999 -0700 MST"),
		CreatedTS: cfg.CreatedAt.Unix(), Created: units.HumanDuration(time.Since(cfg.CreatedAt)) + " ago",
		State: st.Status.String(), Names: cfg.Name, NamesArr: []string{cfg.Name}, Labels: cfg.Labels,
		Ports:    psPorts(cfg.Network.Ports),
		ExitCode: st.ExitCode, Exited: st.Status == define.StatusExited, Pid: st.PID, AutoRemove: cfg.AutoRemove,
	}
	if !noTrunc {
		r.ID = r.ID[:12]
		if len(r.Command) > 20 {
			r.Command = r.Command[:17] + "..."
		}
	}
	switch st.Status {
	case define.StatusRunning:
		r.Status = "Up " + units.HumanDuration(time.Since(st.StartedAt))
	case define.StatusPaused:
		r.Status = "Up " + units.HumanDuration(time.Since(st.StartedAt)) + " (paused)"
	case define.StatusExited:
		r.Status = fmt.Sprintf("Exited (%d) %s ago", st.ExitCode, units.HumanDuration(time.Since(st.FinishedAt)))
		if st.Checkpointed {
			r.Status += " (checkpointed)"
		}
	default:
		r.Status = strings.ToUpper(st.Status.String()[:1]) + st.Status.String()[1:]
	}
	return r
}

// psPorts renders published ports as podman's ps does: 0.0.0.0:8080->80/tcp.
func psPorts(ports []define.PortMapping) string {
	var out []string
	for _, p := range ports {
		host := p.HostIP
		if host == "" {
			host = "0.0.0.0"
		}
		if n := max(p.Range, 1); n > 1 {
			out = append(out, fmt.Sprintf("%s:%d-%d->%d-%d/%s", host, p.HostPort, p.HostPort+n-1, p.ContainerPort, p.ContainerPort+n-1, p.Protocol))
			continue
		}
		out = append(out, fmt.Sprintf("%s:%d->%d/%s", host, p.HostPort, p.ContainerPort, p.Protocol))
	}
	return strings.Join(out, ", ")
}
