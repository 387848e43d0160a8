package pods

import (
	"errors"
	"fmt"
	"slices"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

// selection is how a pod verb names its pods: by name or ID, --all,
// --latest or --pod-id-file, as podman's pod verbs do.
type selection struct {
	all, latest bool
	// idFiles are --pod-id-file; ignore (--ignore) skips missing pods
	// and files.
	idFiles []string
	ignore  bool
}

// addIDFile adds --pod-id-file and --ignore (pod start has no --ignore).
func (s *selection) addIDFile(fs *pflag.FlagSet, ignore bool) {
	fs.StringArrayVar(&s.idFiles, "pod-id-file", nil, "read the pod ID from this file (from pod create --pod-id-file)")
	if ignore {
		fs.BoolVarP(&s.ignore, "ignore", "i", false, "ignore pods and --pod-id-file files that do not exist")
	}
}

// addFlags adds --all/-a and --latest/-l.
func (s *selection) addFlags(fs *pflag.FlagSet, verb string) {
	fs.BoolVarP(&s.all, "all", "a", false, verb+" every pod")
	fs.BoolVarP(&s.latest, "latest", "l", false, verb+" the latest pod")
}

// names returns the pods to act on: the arguments, every pod's ID or the
// latest pod's.
func (s selection) names(rt *libpod.Runtime, args []string) ([]string, error) {
	ids, err := libpod.ReadCIDFiles(s.idFiles, s.ignore)
	if err != nil {
		return nil, err
	}
	args = append(slices.Clone(args), ids...)
	switch {
	case s.all && s.latest:
		return nil, fmt.Errorf("--all and --latest cannot be used together: %w", define.ErrInvalidArg)
	case (s.all || s.latest) && len(args) > 0:
		// podman's words.
		return nil, fmt.Errorf("--all, --latest, or a pod name must be given, not both: %w", define.ErrInvalidArg)
	case s.all:
		pods, err := rt.Pods()
		return common.Names(pods, (*libpod.Pod).ID), err
	case s.latest:
		p, err := rt.LatestPod()
		if err != nil {
			return nil, err
		}
		return []string{p.ID()}, nil
	case len(args) == 0 && len(s.idFiles) > 0:
		return nil, nil // --ignore skipped every file
	case len(args) == 0:
		return nil, fmt.Errorf("you must provide at least one name or id: %w", define.ErrInvalidArg)
	}
	return args, nil
}

// eachPod runs verb on every selected pod, printing the ID of each that
// succeeded and reporting every failure.
func eachPod(cmd *cobra.Command, g *common.Globals, sel selection, args []string, verb func(*libpod.Runtime, string) (*libpod.Pod, error)) error {
	rt, err := g.Runtime()
	if err != nil {
		return err
	}
	names, err := sel.names(rt, args)
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range names {
		p, err := verb(rt, name)
		if sel.ignore && errors.Is(err, define.ErrNotFound) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintln(cmd.OutOrStdout(), p.ID())
	}
	return common.ReportEach(cmd.ErrOrStderr(), errs)
}

// onePod resolves a single pod by name or ID, or the latest (top, logs).
func onePod(rt *libpod.Runtime, name string, latest bool) (*libpod.Pod, error) {
	if latest {
		if name != "" {
			return nil, fmt.Errorf("--latest takes no pod name: %w", define.ErrInvalidArg)
		}
		return rt.LatestPod()
	}
	return rt.LookupPod(name)
}
