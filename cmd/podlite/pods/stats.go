package pods

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/cmd/podlite/containers"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/stats"
)

// podStatsTable is podman's default layout and headers.
const podStatsTable = "table {{.Pod}}\t{{.CID}}\t{{.Name}}\t{{.CPU}}\t{{.MemUsage}}\t{{.Mem}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDS}}"

var podStatsHeaders = map[string]string{
	"Pod": "POD", "CID": "CID", "Name": "NAME", "CPU": "CPU %", "MemUsage": "MEM USAGE/ LIMIT",
	"MemUsageBytes": "MEM USAGE/ LIMIT", "Mem": "MEM %", "NetIO": "NET IO", "BlockIO": "BLOCK IO", "PIDS": "PIDS",
}

type podStatsFlags struct {
	sel               selection
	noReset, noStream bool
	format            string
}

func newStatsCommand(g *common.Globals) *cobra.Command {
	var f podStatsFlags
	cmd := &cobra.Command{
		Use:   "stats [options] [POD...]",
		Short: "Display a live stream of resource usage statistics of the containers of pods",
		Long: `Show the resource usage of every running container of the named pods (of
every pod with a running container without names or with --all), one row
per container, refreshed each second unless --no-stream.`,
		Args:              common.MinArgs(0),
		ValidArgsFunction: completePods(g),
		Example:           "  podlite pod stats --no-stream app\n  podlite pod stats -a --no-stream --format json",
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			if len(args) == 0 && !f.sel.latest {
				f.sel.all = true
			}
			prev := map[string]*stats.ContainerStats{}
			for {
				if err := podStatsOnce(rt, f, args, prev); err != nil {
					return err
				}
				if f.noStream {
					return nil
				}
				time.Sleep(time.Second)
			}
		},
	}
	fs := cmd.Flags()
	f.sel.addFlags(fs, "show")
	fs.StringVar(&f.format, "format", "", "pretty-print the statistics to JSON or using a Go template")
	fs.BoolVar(&f.noReset, "no-reset", false, "disable resetting the screen between intervals")
	fs.BoolVar(&f.noStream, "no-stream", false, "disable streaming stats and only pull the first result")
	return cmd
}

// podStatsOnce prints one table (or JSON list) of the selected pods'
// containers, looked up again at each interval.
func podStatsOnce(rt *libpod.Runtime, f podStatsFlags, args []string, prev map[string]*stats.ContainerStats) error {
	names, err := f.sel.names(rt, args)
	if err != nil {
		return err
	}
	reports := []podStatsReport{}
	for _, name := range names {
		p, err := rt.LookupPod(name)
		if err != nil {
			return err
		}
		sts, err := p.Stats(prev)
		if err != nil {
			return err
		}
		for _, st := range sts {
			reports = append(reports, podStatsReport{StatsReport: containers.StatsReport{ContainerStats: *st}, pod: p.ID()})
		}
	}
	if common.IsJSON(f.format) {
		list := make([]podStatsJSON, 0, len(reports))
		for _, r := range reports {
			list = append(list, r.json())
		}
		return common.WriteJSON(os.Stdout, list)
	}
	if f.format == "" && !f.noStream && !f.noReset {
		fmt.Print("\033[2J\033[1;1H") // podman clears the screen before each table
	}
	return common.Write(os.Stdout, f.format, podStatsTable, reports, podStatsHeaders)
}

// podStatsReport is one container's row, with podman's pod stats fields.
type podStatsReport struct {
	containers.StatsReport
	pod string
}

// Pod and CID are the short pod and container IDs.
func (r podStatsReport) Pod() string { return r.pod[:12] }
func (r podStatsReport) CID() string { return r.ID() }

// CPU and Mem are the percentages as podman prints them.
func (r podStatsReport) CPU() string { return r.CPUPerc() }
func (r podStatsReport) Mem() string { return r.MemPerc() }

// podStatsJSON is podman's PodStatsReport.
type podStatsJSON struct {
	CPU, MemUsage, MemUsageBytes, Mem, NetIO, BlockIO, PIDS, Pod, CID, Name string
}

func (r podStatsReport) json() podStatsJSON {
	return podStatsJSON{CPU: r.CPU(), MemUsage: r.MemUsage(), MemUsageBytes: r.MemUsageBytes(), Mem: r.Mem(),
		NetIO: r.NetIO(), BlockIO: r.BlockIO(), PIDS: r.PIDS(), Pod: r.Pod(), CID: r.CID(), Name: r.Name}
}
