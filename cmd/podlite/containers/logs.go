package containers

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

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

func newLogsCommand(g *common.Globals) *cobra.Command {
	var f logsFlags
	opts := logs.Options{Tail: -1}
	cmd := &cobra.Command{
		Use:               "logs [options] CONTAINER [CONTAINER...]",
		Short:             "Show the output of one or more containers",
		Args:              cobra.ArbitraryArgs,
		Example:           "  podlite logs web\n  podlite logs -f --tail 10 web\n  podlite logs --since 5m -t -n web db",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctrs, err := f.containers(g, args)
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
				return printLogLine(l, f.printOptions(ctrs, i))
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
	fl.BoolVarP(&f.latest, "latest", "l", false, "act on the latest container")
	return cmd
}

// containers looks every named container up (or the latest) before any
// log is read, with podman's messages.
func (f logsFlags) containers(g *common.Globals, args []string) ([]*libpod.Container, error) {
	switch {
	case f.latest && len(args) > 0:
		return nil, fmt.Errorf("--latest and containers cannot be used together: %w", define.ErrInvalidArg)
	case !f.latest && len(args) == 0:
		return nil, fmt.Errorf("specify at least one container name or ID to log: %w", define.ErrInvalidArg)
	}
	rt, err := g.Runtime()
	if err != nil {
		return nil, err
	}
	if f.latest {
		c, err := rt.LatestContainer()
		return []*libpod.Container{c}, err
	}
	ctrs := make([]*libpod.Container, len(args))
	for i, a := range args {
		if ctrs[i], err = rt.LookupContainer(a); err != nil {
			return nil, err
		}
	}
	return ctrs, nil
}

// printOptions are podman's: a prefix only when several containers are
// read, the short ID unless --names.
func (f logsFlags) printOptions(ctrs []*libpod.Container, i int) logs.PrintOptions {
	o := logs.PrintOptions{Timestamps: f.timestamps, Color: f.color, ColorIndex: i}
	if len(ctrs) > 1 {
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
