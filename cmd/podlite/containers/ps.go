package containers

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/filter"
	"github.com/podlite/podlite/libpod/netconf"
)

// psFlags are `ps`'s flags.
type psFlags struct {
	opts                              libpod.ListOptions
	quiet, noTrunc, latest, noHeading bool
	pod, sync                         bool
	format                            string
	watch                             uint
}

// psHeaders are podman's column titles where they are not the field name
// spelled in capitals.
var psHeaders = map[string]string{
	"ID": "CONTAINER ID", "CreatedHuman": "CREATED", "RunningFor": "RUNNING FOR", "Pod": "POD ID", "PodName": "PODNAME",
	"Cgroup": "CGROUPNS", "User": "USERNS", "Created": "CREATED",
}

func newPsCommand(g *common.Globals) *cobra.Command {
	var f psFlags
	cmd := &cobra.Command{
		Use:               "ps [options]",
		Short:             "List containers",
		Args:              common.NoArgs,
		ValidArgsFunction: common.NoCompletion,
		Example: `  podlite ps -a
  podlite ps -a --filter status=exited --format '{{.Names}} {{.Status}}'
  podlite ps --size --sort names
  podlite ps --format json`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			list := func() ([]libpod.ListedContainer, error) { return rt.ListContainers(f.opts) }
			if f.watch > 0 {
				return f.watchLoop(os.Stdout, list)
			}
			ctrs, err := list()
			if err != nil {
				return err
			}
			return f.write(os.Stdout, ctrs)
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&f.opts.All, "all", "a", false, "Show all the containers, default is only running containers")
	fl.BoolVar(&f.opts.External, "external", false, "Show containers in storage without a podlite record (leftovers of interrupted commands, other tools' containers)")
	fl.StringArrayVarP(&f.opts.Filters, "filter", "f", nil, "Filter output based on conditions given ("+strings.Join(filter.ContainerKeys, ", ")+")")
	fl.StringVar(&f.format, "format", "", "Pretty-print containers to JSON or using a Go template")
	fl.IntVarP(&f.opts.Last, "last", "n", -1, "Print the n last created containers (all states)")
	fl.BoolVarP(&f.latest, "latest", "l", false, "Act on the latest container podlite is aware of")
	fl.BoolVar(&f.opts.Namespaces, "ns", false, "Display namespace information")
	fl.BoolVar(&f.noTrunc, "no-trunc", false, "Display the extended information")
	fl.BoolVarP(&f.pod, "pod", "p", false, "Print the ID and name of the pod the containers are associated with")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "Print the numeric IDs of the containers only")
	fl.BoolVar(&f.noHeading, "noheading", false, "Do not print headers")
	fl.BoolVarP(&f.opts.Size, "size", "s", false, "Display the total file sizes")
	fl.BoolVar(&f.sync, "sync", false, "Sync container state with the runtime (podlite always does)")
	fl.StringVar(&f.opts.Sort, "sort", "created", "Sort output by: "+strings.Join(libpod.SortKeys, ", "))
	fl.UintVarP(&f.watch, "watch", "w", 0, "Watch the ps output on an interval in seconds")
	return cmd
}

// check refuses podman's conflicting flags with its messages.
func (f *psFlags) check() error {
	bad := func(msg string) error { return fmt.Errorf("%s: %w", msg, define.ErrInvalidArg) }
	switch {
	case f.opts.Last >= 0 && f.latest:
		return bad("last and latest are mutually exclusive")
	case f.quiet && (f.opts.Size || f.opts.Namespaces):
		return bad("quiet conflicts with size and namespace")
	case f.opts.Size && f.opts.Namespaces:
		return bad("size and namespace options conflict")
	case f.watch > 0 && f.latest:
		return bad("the watch and latest flags cannot be used together")
	}
	if f.latest {
		f.opts.Last = 1
	}
	f.opts.Mounts = common.IsJSON(f.format) || strings.Contains(f.format, ".Mounts")
	return nil
}

// write prints containers as --format, --quiet and --noheading say.
func (f *psFlags) write(w io.Writer, ctrs []libpod.ListedContainer) error {
	switch {
	case common.IsJSON(f.format):
		return common.WriteJSON(w, psJSON(ctrs))
	case f.quiet && f.format == "":
		for _, c := range ctrs {
			fmt.Fprintln(w, psRow{c, f.noTrunc}.ID())
		}
		return nil
	}
	rows := make([]psRow, len(ctrs))
	for i, c := range ctrs {
		rows[i] = psRow{c, f.noTrunc}
	}
	format := strings.ReplaceAll(f.format, ".Namespaces.", ".")
	return common.WriteList(w, common.ListFlags{NoHeading: f.noHeading, Format: format}, nil, f.defaultTable(), rows, psHeaders)
}

// defaultTable is podman's table for the flags given.
func (f *psFlags) defaultTable() string {
	if f.opts.Namespaces {
		return "table {{.ID}}\t{{.Names}}\t{{.Pid}}\t{{.Cgroup}}\t{{.IPC}}\t{{.MNT}}\t{{.NET}}\t{{.PIDNS}}\t{{.User}}\t{{.UTS}}"
	}
	row := "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.CreatedHuman}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"
	if f.pod || strings.Contains(f.format, ".PodName") {
		row += "\t{{.Pod}}\t{{.PodName}}"
	}
	if f.opts.Size {
		row += "\t{{.Size}}"
	}
	return row
}

// watchLoop reprints the list every --watch seconds until interrupted.
func (f *psFlags) watchLoop(w io.Writer, list func() ([]libpod.ListedContainer, error)) error {
	for {
		ctrs, err := list()
		if err != nil {
			return err
		}
		fmt.Fprint(w, "\033[H\033[2J") // clear the screen, as podman does
		if err := f.write(w, ctrs); err != nil {
			return err
		}
		time.Sleep(time.Duration(f.watch) * time.Second)
	}
}

// psJSONItem is podman's JSON of one container: Created in Unix seconds,
// CreatedAt and Status in words.
type psJSONItem struct {
	libpod.ListedContainer
	Created int64 `json:"Created"`
}

func psJSON(ctrs []libpod.ListedContainer) []psJSONItem {
	out := make([]psJSONItem, len(ctrs))
	for i, c := range ctrs {
		c.CreatedAt = psRow{ListedContainer: c}.CreatedHuman()
		c.Status = psRow{ListedContainer: c}.Status()
		out[i] = psJSONItem{ListedContainer: c, Created: c.Created.Unix()}
	}
	return out
}

// psRow is one container for --format templates: podman's fields and
// methods (.ID, .Status, .Label "key", .Size ...).
type psRow struct {
	libpod.ListedContainer
	noTrunc bool
}

func (r psRow) trunc(s string, n int) string {
	if r.noTrunc || len(s) <= n {
		return s
	}
	return s[:n]
}

// ID is the container's ID, 12 digits unless --no-trunc.
func (r psRow) ID() string { return r.trunc(r.ListedContainer.ID, 12) }

// ImageID is the image's ID, 12 digits unless --no-trunc.
func (r psRow) ImageID() string { return r.trunc(r.ListedContainer.ImageID, 12) }

// Pod is the pod's ID, 12 digits unless --no-trunc.
func (r psRow) Pod() string { return r.trunc(r.ListedContainer.Pod, 12) }

// Label is the value of label name.
func (r psRow) Label(name string) string { return r.Labels[name] }

// Names is the container's name.
func (r psRow) Names() string { return r.ListedContainer.Names[0] }

// Networks are the container's networks, comma-separated.
func (r psRow) Networks() string { return strings.Join(r.ListedContainer.Networks, ",") }

// Command is the command line, cut to 20 characters unless --no-trunc.
func (r psRow) Command() string {
	c := strings.Join(r.ListedContainer.Command, " ")
	if !r.noTrunc && len(c) > 17 {
		return c[:17] + "..."
	}
	return c
}

// CreatedAt is the creation time in Go's time format, as podman prints it.
func (r psRow) CreatedAt() string { return r.Created.String() }

// CreatedHuman is how long ago the container was created.
func (r psRow) CreatedHuman() string { return units.HumanDuration(time.Since(r.Created)) + " ago" }

// RunningFor is CreatedHuman, as in podman.
func (r psRow) RunningFor() string { return r.CreatedHuman() }

// Restarts counts the restarts the restart policy made.
func (r psRow) Restarts() string { return fmt.Sprint(r.ListedContainer.Restarts) }

// Status is the state in words: "Up 2 minutes", "Exited (0) 3 seconds ago".
func (r psRow) Status() string {
	var s string
	switch r.State {
	case "running":
		s = "Up " + units.HumanDuration(time.Since(time.Unix(r.StartedAt, 0)))
		if r.Health != "" {
			s += " (" + r.Health + ")"
		}
	case "exited":
		s = fmt.Sprintf("Exited (%d) %s ago", r.ExitCode, units.HumanDuration(time.Since(time.Unix(r.ExitedAt, 0))))
		if r.Checkpointed {
			s += " (checkpointed)"
		}
	default:
		s = strings.ToUpper(r.State[:1]) + r.State[1:]
	}
	return s
}

// Size is "RW (virtual ROOTFS)"; empty, with an error logged, without --size.
func (r psRow) Size() string {
	if r.ListedContainer.Size == nil {
		slog.Error("Size format requires --size option")
		return ""
	}
	virt := units.HumanSizeWithPrecision(float64(r.ListedContainer.Size.RootFsSize), 3)
	rw := units.HumanSizeWithPrecision(float64(r.ListedContainer.Size.RwSize), 3)
	return fmt.Sprintf("%s (virtual %s)", rw, virt)
}

// Ports are the published ports, then the exposed ones as podman 5 shows
// them: 0.0.0.0:8080->80/tcp, 0.0.0.0:9000-9001->90-91/udp, 443/tcp.
func (r psRow) Ports() string {
	out := make([]string, 0, len(r.ListedContainer.Ports))
	for _, p := range r.ListedContainer.Ports {
		host := p.HostIP
		if host == "" {
			host = "0.0.0.0"
		}
		if p.Range > 1 {
			out = append(out, fmt.Sprintf("%s:%d-%d->%d-%d/%s", host, p.HostPort, p.HostPort+p.Range-1, p.ContainerPort, p.ContainerPort+p.Range-1, p.Protocol))
			continue
		}
		out = append(out, fmt.Sprintf("%s:%d->%d/%s", host, p.HostPort, p.ContainerPort, p.Protocol))
	}
	out = append(out, netconf.ExposedString(r.ListedContainer.ExposedPorts)...)
	return strings.Join(out, ", ")
}

// The namespaces, by podman's column names (--ns).

func (r psRow) Cgroup() string { return r.Namespaces.Cgroup }
func (r psRow) IPC() string    { return r.Namespaces.IPC }
func (r psRow) MNT() string    { return r.Namespaces.MNT }
func (r psRow) NET() string    { return r.Namespaces.NET }
func (r psRow) PIDNS() string  { return r.Namespaces.PIDNS }
func (r psRow) User() string   { return r.Namespaces.User }
func (r psRow) UTS() string    { return r.Namespaces.UTS }
