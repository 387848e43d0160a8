package containers

import (
	"fmt"
	"os"
	"strconv"
	"time"

	units "github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/stats"
)

type statsFlags struct {
	all, latest, noReset, noStream bool
	format                         string
	interval                       int
}

// statsTable is podman's default layout and headers.
const statsTable = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDS}}\t{{.UpTime}}\t{{.AVGCPU}}"

var statsHeaders = map[string]string{
	"ID": "ID", "Name": "NAME", "CPUPerc": "CPU %", "MemUsage": "MEM USAGE / LIMIT", "MemPerc": "MEM %",
	"NetIO": "NET IO", "BlockIO": "BLOCK IO", "PIDS": "PIDS", "PIDs": "PIDS", "UpTime": "CPU TIME", "AVGCPU": "AVG CPU %",
}

func newStatsCommand(g *common.Globals) *cobra.Command {
	var f statsFlags
	cmd := &cobra.Command{
		Use:               "stats [options] [CONTAINER...]",
		Short:             "Display a live stream of container resource usage statistics",
		Args:              common.MinArgs(0),
		Example:           "  podlite stats\n  podlite stats --no-stream web\n  podlite stats -a --no-stream --format json",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.interval < 1 {
				return fmt.Errorf("invalid interval %d: must be at least 1 second: %w", f.interval, define.ErrInvalidArg)
			}
			if f.latest && len(args) > 0 {
				return fmt.Errorf("--latest takes no container name: %w", define.ErrInvalidArg)
			}
			return runStats(g, f, args)
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&f.all, "all", "a", false, "show all containers; only running containers are shown by default")
	flags.StringVar(&f.format, "format", "", "pretty-print container statistics to JSON or using a Go template")
	flags.IntVarP(&f.interval, "interval", "i", 5, "time in seconds between stats reports")
	flags.BoolVarP(&f.latest, "latest", "l", false, "act on the latest container")
	flags.BoolVar(&f.noReset, "no-reset", false, "disable resetting the screen between intervals")
	flags.BoolVar(&f.noStream, "no-stream", false, "disable streaming stats and only pull the first result")
	return cmd
}

func runStats(g *common.Globals, f statsFlags, names []string) error {
	rt, err := g.Runtime()
	if err != nil {
		return err
	}
	prev := map[string]*stats.ContainerStats{}
	for {
		ctrs, err := statsContainers(rt, f, names)
		if err != nil {
			return err
		}
		reports := make([]StatsReport, 0, len(ctrs))
		for _, c := range ctrs {
			st, err := c.Stats(prev[c.ID()])
			if err != nil {
				return err
			}
			prev[c.ID()] = st
			reports = append(reports, StatsReport{*st})
		}
		if err := writeStats(f, reports); err != nil {
			return err
		}
		if f.noStream {
			return nil
		}
		time.Sleep(time.Duration(f.interval) * time.Second)
	}
}

// statsContainers are the named containers, the latest, or every running
// one (every one with --all), looked up again at each interval.
func statsContainers(rt *libpod.Runtime, f statsFlags, names []string) ([]*libpod.Container, error) {
	switch {
	case f.latest:
		c, err := rt.LatestContainer()
		if err != nil {
			return nil, err
		}
		return []*libpod.Container{c}, nil
	case len(names) > 0:
		var ctrs []*libpod.Container
		for _, n := range names {
			c, err := rt.LookupContainer(n)
			if err != nil {
				return nil, err
			}
			ctrs = append(ctrs, c)
		}
		return ctrs, nil
	}
	all, err := rt.Containers()
	if err != nil {
		return nil, err
	}
	var ctrs []*libpod.Container
	for _, c := range all {
		if f.all || c.IsRunning() {
			ctrs = append(ctrs, c)
		}
	}
	return ctrs, nil
}

func writeStats(f statsFlags, reports []StatsReport) error {
	if common.IsJSON(f.format) {
		list := make([]statsJSON, 0, len(reports))
		for _, r := range reports {
			list = append(list, r.json())
		}
		return common.WriteJSON(os.Stdout, list)
	}
	if f.format == "" && !f.noStream && !f.noReset {
		// podman clears the screen before each table of a stream.
		fmt.Print("\033[2J\033[1;1H")
	}
	return common.Write(os.Stdout, f.format, statsTable, reports, statsHeaders)
}

// StatsReport is a report with podman's template methods (pod stats
// builds on them), which shadow
// the raw fields of the same name (MemUsage, MemPerc) as in podman.
type StatsReport struct {
	stats.ContainerStats
}

// statsJSON is podman's `stats --format json` item.
type statsJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	CPUTime    string `json:"cpu_time"`
	CPUPercent string `json:"cpu_percent"`
	AverageCPU string `json:"avg_cpu"`
	MemUsage   string `json:"mem_usage"`
	MemPerc    string `json:"mem_percent"`
	NetIO      string `json:"net_io"`
	BlockIO    string `json:"block_io"`
	PIDs       string `json:"pids"`
}

func (r StatsReport) json() statsJSON {
	return statsJSON{
		ID: r.ID(), Name: r.Name, CPUTime: r.UpTime.String(), CPUPercent: r.CPUPerc(), AverageCPU: r.AVGCPU(),
		MemUsage: r.MemUsage(), MemPerc: r.MemPerc(), NetIO: r.NetIO(), BlockIO: r.BlockIO(), PIDs: r.PIDS(),
	}
}

func percent(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) + "%" }

func humanPair(a, b uint64) string {
	return units.HumanSize(float64(a)) + " / " + units.HumanSize(float64(b))
}

// ID is the short container ID.
func (r StatsReport) ID() string { return r.ContainerID[:min(12, len(r.ContainerID))] }

// CPUPerc is CPU as podman prints it ("12.34%").
func (r StatsReport) CPUPerc() string { return percent(r.CPU) }

// AVGCPU is AvgCPU as a percent.
func (r StatsReport) AVGCPU() string { return percent(r.AvgCPU) }

// Up is the CPU time used.
func (r StatsReport) Up() string { return r.UpTime.String() }

// MemPerc is the memory percent ("0.12%").
func (r StatsReport) MemPerc() string { return percent(r.ContainerStats.MemPerc) }

// MemUsage is "USAGE / LIMIT" in decimal units.
func (r StatsReport) MemUsage() string { return humanPair(r.ContainerStats.MemUsage, r.MemLimit) }

// MemUsageBytes is "USAGE / LIMIT" in binary units.
func (r StatsReport) MemUsageBytes() string {
	return units.BytesSize(float64(r.ContainerStats.MemUsage)) + " / " + units.BytesSize(float64(r.MemLimit))
}

// NetIO is "RECEIVED / SENT".
func (r StatsReport) NetIO() string { return humanPair(r.NetInput, r.NetOutput) }

// BlockIO is "READ / WRITTEN".
func (r StatsReport) BlockIO() string { return humanPair(r.BlockInput, r.BlockOutput) }

// PIDS is the process count.
func (r StatsReport) PIDS() string { return strconv.FormatUint(r.PIDs, 10) }
