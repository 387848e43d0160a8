package containers

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/logs"
)

// logsFlags are the flags of `logs` that shape its output.
type logsFlags struct {
	latest, names, timestamps, color bool
	since, until                     string
}

// LogsCommand shapes a logs command: `logs` over containers, `pod logs`
// over a pod's.
type LogsCommand struct {
	Use, Short, Long, Example string
	// LatestHelp is --latest's help.
	LatestHelp string
	Complete   cobra.CompletionFunc
	// Flags adds the command's own flags.
	Flags func(*pflag.FlagSet)
	// Resolve returns the containers whose logs are read (latest is
	// --latest) and whether each line takes its container's prefix.
	Resolve func(rt *libpod.Runtime, args []string, latest bool) (ctrs []*libpod.Container, prefix bool, err error)
}

func newLogsCommand(g *common.Globals) *cobra.Command {
	return NewLogsCommand(g, LogsCommand{
		Use:        "logs [options] CONTAINER [CONTAINER...]",
		Short:      "Show the output of one or more containers",
		Example:    "  podlite logs web\n  podlite logs -f --tail 10 web\n  podlite logs --since 5m -t -n web db",
		Complete:   common.Complete(g, common.ContainerNames),
		Resolve:    namedContainers,
		LatestHelp: "act on the latest container",
	})
}

// NewLogsCommand builds a logs command with podman's logs flags (--follow,
// --timestamps, --names, --color, --tail, --since, --until, --latest).
func NewLogsCommand(g *common.Globals, lc LogsCommand) *cobra.Command {
	var f logsFlags
	opts := logs.Options{Tail: -1}
	cmd := &cobra.Command{
		Use:               lc.Use,
		Short:             lc.Short,
		Long:              lc.Long,
		Args:              cobra.ArbitraryArgs,
		Example:           lc.Example,
		ValidArgsFunction: lc.Complete,
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			ctrs, prefix, err := lc.Resolve(rt, args, f.latest)
			if err != nil {
				return err
			}
			if opts.Since, err = logs.ParseTime(f.since); err != nil {
				return fmt.Errorf("parsing --since %q: %w", f.since, err)
			}
			if opts.Until, err = logs.ParseTime(f.until); err != nil {
				return fmt.Errorf("parsing --until %q: %w", f.until, err)
			}
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			return libpod.ContainerLogs(ctx, ctrs, opts, func(i int, l logs.Line) error {
				return printLogLine(l, f.printOptions(ctrs, i, prefix))
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&opts.Follow, "follow", "f", false, "keep printing new output until the containers exit")
	fl.BoolVarP(&f.timestamps, "timestamps", "t", false, "show timestamps")
	fl.BoolVarP(&f.names, "names", "n", false, "prefix lines with the container's name instead of its ID (several containers)")
	fl.BoolVar(&f.color, "color", false, "print each container's lines in a color of its own")
	fl.IntVar(&opts.Tail, "tail", -1, "show only the last N lines of each container (-1: all)")
	fl.StringVar(&f.since, "since", "", "show output since a time (RFC 3339, Unix seconds, or a duration like 10m back from now)")
	fl.StringVar(&f.until, "until", "", "show output until a time (same forms as --since)")
	fl.BoolVarP(&f.latest, "latest", "l", false, lc.LatestHelp)
	if lc.Flags != nil {
		lc.Flags(fl)
	}
	return cmd
}

// namedContainers looks every named container up (or the latest) before
// any log is read, with podman's messages; several take prefixes.
func namedContainers(rt *libpod.Runtime, args []string, latest bool) ([]*libpod.Container, bool, error) {
	switch {
	case latest && len(args) > 0:
		return nil, false, fmt.Errorf("--latest and containers cannot be used together: %w", define.ErrInvalidArg)
	case !latest && len(args) == 0:
		return nil, false, fmt.Errorf("specify at least one container name or ID to log: %w", define.ErrInvalidArg)
	}
	if latest {
		c, err := rt.LatestContainer()
		return []*libpod.Container{c}, false, err
	}
	ctrs := make([]*libpod.Container, len(args))
	for i, a := range args {
		var err error
		if ctrs[i], err = rt.LookupContainer(a); err != nil {
			return nil, false, err
		}
	}
	return ctrs, len(ctrs) > 1, nil
}

// printOptions are podman's: with prefix, the short ID unless --names.
func (f logsFlags) printOptions(ctrs []*libpod.Container, i int, prefix bool) logs.PrintOptions {
	o := logs.PrintOptions{Timestamps: f.timestamps, Color: f.color, ColorIndex: i}
	if prefix {
		o.Prefix = ctrs[i].ID()[:12]
		if f.names {
			o.Prefix = ctrs[i].Name()
		}
	}
	return o
}

// printLogLine writes a line to stdout or stderr as it was written; a
// partial line (output without a final newline) gets none.
func printLogLine(l logs.Line, o logs.PrintOptions) error {
	out := common.ContainerStdout()
	if l.Stream == "stderr" {
		out = os.Stderr
	}
	nl := "\n"
	if l.Partial {
		nl = ""
	}
	_, err := fmt.Fprint(out, l.Format(o)+nl)
	return err
}
