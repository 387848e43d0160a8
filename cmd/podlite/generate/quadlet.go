package generate

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/quadlet"
	"github.com/podlite/podlite/pkg/rootless"
	"github.com/podlite/podlite/pkg/systemd"
)

// GeneratorNames are the names the podlite binary answers to as a systemd
// generator (a symlink in /usr/lib/systemd/{system,user}-generators/),
// and whether each is the user manager's.
var GeneratorNames = map[string]bool{"podlite-system-generator": false, "podlite-user-generator": true}

// GeneratorArgs is the command line a generator invocation stands for:
// systemd passes NORMAL_DIR [EARLY_DIR LATE_DIR]; units go to NORMAL_DIR.
func GeneratorArgs(user bool, args []string) []string {
	out := []string{"systemd", "generate"}
	if user {
		out = append(out, "--user")
	}
	if len(args) > 0 {
		out = append(out, args[0])
	}
	return out
}

// registerSystemd adds `podlite systemd generate` and the hidden
// `podlite systemd start-or-restore` of checkpointing units.
func registerSystemd(root *cobra.Command, g *common.Globals) {
	parent := &cobra.Command{
		Use:               "systemd",
		Short:             "Make systemd units from Quadlet files",
		Args:              common.NoArgs,
		ValidArgsFunction: common.NoCompletion,
		Example:           "  podlite systemd generate --dryrun --user",
		RunE:              func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	parent.AddCommand(newQuadletCommand(), newStartOrRestoreCommand(g))
	root.AddCommand(parent)
}

func newQuadletCommand() *cobra.Command {
	var dryrun, user bool
	cmd := &cobra.Command{
		Use:   "generate [options] {--dryrun|DIR}",
		Short: "Translate Quadlet files into systemd units",
		Long: `Read the Quadlet files (.container, .network, .volume, .pod and their
NAME.TYPE.d/*.conf drop-ins) of the system's or, with --user, the user's
search directories and write the .service units they make into DIR, or
with --dryrun print them. This is what podlite does as the systemd
generator podlite-system-generator or podlite-user-generator. Unknown
keys are warnings on stderr naming the file and line (docs/systemd.md).`,
		Args:              common.RangeArgs(0, 1),
		ValidArgsFunction: common.NoCompletion,
		Annotations:       map[string]string{common.NoNamespace: "true"},
		Example: `  podlite systemd generate --dryrun --user
  podlite systemd generate /run/systemd/generator`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if dryrun == (len(args) == 1) {
				return fmt.Errorf("give either --dryrun or an output directory: %w", define.ErrInvalidArg)
			}
			var o systemd.Options
			if err := unitContext(cmd, &o); err != nil {
				return err
			}
			c := &quadlet.Context{Executable: o.Executable, Version: o.Version, Systemd: o,
				CheckpointPossible: func() error { return libpod.CheckpointUnitsPossible(rootless.IsRootless()) }}
			units, err := quadlet.Generate(quadlet.UnitDirs(user), c)
			if err != nil {
				return fmt.Errorf("%w: %w", err, define.ErrInvalidArg)
			}
			printUnits(cmd, units, dryrun)
			if dryrun {
				return nil
			}
			return quadlet.WriteUnits(units, args[0])
		},
	}
	f := cmd.Flags()
	f.BoolVar(&dryrun, "dryrun", false, "print the units instead of writing them")
	f.BoolVar(&user, "user", false, "read the user's search directories, for the user manager")
	return cmd
}

// printUnits prints each unit's warnings on stderr and, for --dryrun,
// the units on stdout.
func printUnits(cmd *cobra.Command, units []*quadlet.Unit, dryrun bool) {
	for i, u := range units {
		for _, w := range u.Warnings {
			fmt.Fprintln(cmd.ErrOrStderr(), "Warning:", w)
		}
		if !dryrun {
			continue
		}
		out := cmd.OutOrStdout()
		if i > 0 {
			fmt.Fprintln(out)
		}
		fmt.Fprintf(out, "---%s---\n", u.Name)
		_, _ = io.WriteString(out, u.Text)
	}
}
