package system

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/events"
)

type eventsFlags struct {
	filters      []string
	format       string
	since, until string
	stream       bool
	noTrunc      bool
}

func newEventsCommand(g *common.Globals) *cobra.Command {
	var f eventsFlags
	cmd := &cobra.Command{
		Use:   "events [options]",
		Short: "Show podlite events",
		Long: "Monitor podlite events. By default new events are printed as they occur until interrupted;\n" +
			"--since and --until read past events, --stream=false prints the events logged and exits.",
		Args:              common.NoArgs,
		Example:           "  podlite events\n  podlite events --filter event=create --stream=false\n  podlite events --format '{{.Image}}'\n  podlite events --since 1h30s",
		ValidArgsFunction: common.NoCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runEvents(g, f)
		},
	}
	flags := cmd.Flags()
	flags.StringArrayVarP(&f.filters, "filter", "f", nil, "filter output (container, event, image, label, network, pod, type, volume)")
	flags.StringVar(&f.format, "format", "", "format the output as json or with a Go template")
	flags.BoolVar(&f.stream, "stream", true, "stream events and do not exit when returning the last known event")
	flags.StringVar(&f.since, "since", "", "show all events created since timestamp")
	flags.StringVar(&f.until, "until", "", "show all events created until timestamp")
	flags.BoolVar(&f.noTrunc, "no-trunc", true, "do not truncate the output")
	return cmd
}

func runEvents(g *common.Globals, f eventsFlags) error {
	var opts events.ReadOptions
	var err error
	if opts.Filter, err = events.NewFilter(f.filters); err != nil {
		return err
	}
	if f.since != "" {
		if opts.Since, err = events.ParseTime(f.since, true); err != nil {
			return fmt.Errorf("--since: %w", err)
		}
	}
	if f.until != "" {
		if opts.Until, err = events.ParseTime(f.until, false); err != nil {
			return fmt.Errorf("--until: %w", err)
		}
	}
	opts.Stream = f.stream
	printEvent, err := eventPrinter(os.Stdout, f)
	if err != nil {
		return err
	}
	rt, err := g.Runtime()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return rt.Events(ctx, opts, printEvent)
}

// eventPrinter returns what prints one event: podman's line, JSON, or the
// --format template (checked before any event is read).
func eventPrinter(w io.Writer, f eventsFlags) (func(*events.Event) error, error) {
	switch {
	case f.format == "":
		return func(e *events.Event) error {
			_, err := fmt.Fprintln(w, e.HumanReadable(!f.noTrunc))
			return err
		}, nil
	case common.IsJSON(f.format):
		return func(e *events.Event) error {
			line, err := e.JSON()
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(w, line)
			return err
		}, nil
	}
	if err := common.Write(io.Discard, f.format, "", []events.Formatted{}, nil); err != nil {
		return nil, err
	}
	return func(e *events.Event) error {
		return common.Write(w, f.format, "", []events.Formatted{e.Formatted()}, nil)
	}, nil
}
