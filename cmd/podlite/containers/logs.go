package containers

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/logs"
)

func newLogsCommand(g *common.Globals) *cobra.Command {
	var follow, timestamps, latest bool
	var tail int
	var since, until string
	cmd := &cobra.Command{
		Use:               "logs [options] CONTAINER",
		Short:             "Show a container's output",
		Args:              common.RangeArgs(0, 1),
		Example:           "  podlite logs web\n  podlite logs -f --tail 10 web\n  podlite logs --since 5m -t web",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctrs, _, err := selection{latest: latest}.resolve(g, args)
			if err != nil {
				return err
			}
			if len(ctrs) != 1 || ctrs[0] == nil {
				rt, _ := g.Runtime()
				_, err := rt.LookupContainer(args[0])
				return err
			}
			c := ctrs[0]
			opts := logs.Options{Tail: tail, Follow: follow}
			if opts.Since, err = parseTime(since); err != nil {
				return err
			}
			if opts.Until, err = parseTime(until); err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			return c.Logs(ctx, opts, func(l logs.Line) error {
				out := common.ContainerStdout()
				if l.Stream == "stderr" {
					out = os.Stderr
				}
				nl := "\n"
				if l.Partial {
					nl = ""
				}
				if timestamps {
					_, err := fmt.Fprintf(out, "%s %s%s", l.Time.Format(logs.TimeFormat), l.Text, nl)
					return err
				}
				_, err := fmt.Fprintf(out, "%s%s", l.Text, nl)
				return err
			})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&follow, "follow", "f", false, "keep printing new output until the container exits")
	f.BoolVarP(&timestamps, "timestamps", "t", false, "show timestamps")
	f.IntVar(&tail, "tail", -1, "show only the last N lines")
	f.StringVar(&since, "since", "", "show output since a time (RFC 3339, Unix seconds, or a duration like 10m)")
	f.StringVar(&until, "until", "", "show output until a time")
	f.BoolVarP(&latest, "latest", "l", false, "act on the latest container")
	return cmd
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return time.Now().Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	var secs int64
	if _, err := fmt.Sscanf(s, "%d", &secs); err == nil {
		return time.Unix(secs, 0), nil
	}
	return time.Time{}, fmt.Errorf("invalid time %q: %w", s, define.ErrInvalidArg)
}
