package pods

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/cmd/podlite/containers"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

func newCheckpointCommand(g *common.Globals) *cobra.Command {
	var o libpod.PodCheckpointOptions
	var printStats bool
	cmd := &cobra.Command{
		Use:   "checkpoint [options] POD [POD...]",
		Short: "Checkpoint pods with CRIU",
		Long: `Checkpoint each pod's running containers, the infra included, as one: every
container's cgroup is frozen before the first dump, each is dumped while all
stay frozen, and only then are they stopped. A failed dump leaves the pod
running. --export writes an archive that pod restore --import takes on
another root: pod.options and pod.dump, then each container's own archive
(NAME.tar, which checkpointctl shows once extracted). The pod's address stays held for it, across reboots too, until
pod restore brings it back or pod rm removes it. Pods whose containers share
the pid or cgroup namespace are refused.`,
		Args:              common.MinArgs(1),
		ValidArgsFunction: completePods(g),
		Example:           "  podlite pod checkpoint app\n  podlite pod checkpoint --tcp-established --export app.tar app",
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Export != "" && len(args) != 1 {
				return fmt.Errorf("--export takes exactly one pod: %w", define.ErrInvalidArg)
			}
			return eachCR(cmd, g, args, printStats, "checkpoint_duration", func(rt *libpod.Runtime, name string) (*libpod.PodCRReport, error) {
				return rt.CheckpointPod(cmd.Context(), name, o)
			})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.Keep, "keep", "k", false, "keep CRIU's logs and statistics")
	f.BoolVarP(&o.LeaveRunning, "leave-running", "R", false, "leave the pod running after the checkpoint")
	f.BoolVar(&o.TCPEstablished, "tcp-established", false, "checkpoint established TCP connections")
	f.BoolVar(&printStats, "print-stats", false, "print CRIU's statistics and the durations as JSON")
	f.StringVarP(&o.Export, "export", "e", "", "also write the pod's checkpoint to this archive")
	f.StringVarP((*string)(&o.Compression), "compress", "c", "zstd", "compression of each container's archive in it: zstd, gzip or none")
	return cmd
}

func newRestoreCommand(g *common.Globals) *cobra.Command {
	var o libpod.PodRestoreOptions
	var printStats bool
	cmd := &cobra.Command{
		Use:   "restore [options] POD | --import FILE",
		Short: "Restore a checkpointed pod",
		Long: `Restore a pod checkpointed by pod checkpoint: the infra first, with the pod's
address and MAC, then every other container into its namespaces. If one
fails, those restored before are stopped again and the pod stays
checkpointed, to be restored later.`,
		Args:              common.RangeArgs(0, 1),
		ValidArgsFunction: completePods(g),
		Example:           "  podlite pod restore app\n  podlite pod restore --tcp-established app\n  podlite pod restore --import app.tar",
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case o.Import != "" && len(args) > 0:
				return fmt.Errorf("--import takes no pod name: the pod is the archive's: %w", define.ErrInvalidArg)
			case o.Import != "":
				args = []string{""}
			case len(args) == 0:
				return fmt.Errorf("you must provide a pod name or --import: %w", define.ErrInvalidArg)
			}
			return eachCR(cmd, g, args, printStats, "restore_duration", func(rt *libpod.Runtime, name string) (*libpod.PodCRReport, error) {
				return rt.RestorePod(cmd.Context(), name, o)
			})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.Keep, "keep", "k", false, "keep the checkpoint, to restore the pod again later")
	f.BoolVar(&o.TCPEstablished, "tcp-established", false, "restore established TCP connections")
	f.StringVarP(&o.Import, "import", "i", "", "create the pod from this archive (pod checkpoint --export), then restore it")
	f.BoolVar(&printStats, "print-stats", false, "print CRIU's statistics and the durations as JSON")
	return cmd
}

// eachCR runs a pod checkpoint or restore on every named pod, printing
// each pod's ID, or with printStats one JSON object with every
// container's statistics as container checkpoint prints them.
func eachCR(cmd *cobra.Command, g *common.Globals, names []string, printStats bool, durationKey string, verb func(*libpod.Runtime, string) (*libpod.PodCRReport, error)) error {
	rt, err := g.Runtime()
	if err != nil {
		return err
	}
	return containers.WithStats(printStats, durationKey, func(collect func(*libpod.CRReport, error) error) error {
		var errs []error
		for _, name := range names {
			rep, err := verb(rt, name)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			for _, r := range rep.Containers {
				_ = collect(r, nil) // returns the nil it is given
			}
			if !printStats {
				fmt.Fprintln(cmd.OutOrStdout(), rep.ID)
			}
		}
		return common.ReportEach(cmd.ErrOrStderr(), errs)
	})
}
