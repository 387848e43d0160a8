package containers

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

func newAttachCommand(g *common.Globals) *cobra.Command {
	var noStdin, latest, sigProxy bool
	var detachKeys string
	cmd := &cobra.Command{
		Use:               "attach [options] CONTAINER",
		Short:             "Attach to a running container",
		Args:              common.RangeArgs(0, 1),
		Example:           "  podlite attach web\n  podlite attach --no-stdin web",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := ""
			if len(args) == 1 {
				name = args[0]
			} else if !latest {
				return fmt.Errorf("specify a container name or ID: %w", define.ErrInvalidArg)
			}
			keys, err := parseDetachKeys(detachKeys)
			if err != nil {
				return err
			}
			c, err := oneContainer(g, name, latest)
			if err != nil {
				return err
			}
			streams := libpod.Streams{Stdin: os.Stdin, Stdout: common.ContainerStdout(), Stderr: os.Stderr, Terminal: os.Stdin}
			return attachResult(c.Attach(context.Background(), streams, libpod.AttachOptions{NoStdin: noStdin, DetachKeys: keys, SigProxy: sigProxy}))
		},
	}
	cmd.Flags().BoolVar(&noStdin, "no-stdin", false, "do not attach stdin")
	cmd.Flags().BoolVarP(&latest, "latest", "l", false, "act on the latest container")
	cmd.Flags().StringVar(&detachKeys, "detach-keys", "ctrl-p,ctrl-q", "key sequence for detaching: ctrl-<letter> or single characters, comma-separated")
	cmd.Flags().BoolVar(&sigProxy, "sig-proxy", true, "pass the signals podlite receives on to the container")
	return cmd
}

// parseDetachKeys turns "ctrl-p,ctrl-q" into the bytes typed for it.
func parseDetachKeys(spec string) ([]byte, error) {
	var keys []byte
	for _, k := range strings.Split(spec, ",") {
		switch {
		case len(k) == 6 && strings.HasPrefix(k, "ctrl-") && k[5] >= 'a' && k[5] <= 'z':
			keys = append(keys, k[5]-'a'+1)
		case len(k) == 1:
			keys = append(keys, k[0])
		default:
			return nil, fmt.Errorf("invalid detach key %q: use ctrl-<letter> or one character: %w", k, define.ErrInvalidArg)
		}
	}
	return keys, nil
}

// attachResult turns an attach's end into the CLI's: nothing when the user
// detached, else the container's exit code.
func attachResult(code int, err error) error {
	if errors.Is(err, libpod.ErrDetached) {
		return nil
	}
	if err != nil {
		return err
	}
	if code != 0 {
		return &define.ExitCodeError{Code: code}
	}
	return nil
}

// runDetachKeys returns the keys a foreground run or start --attach
// detaches with, nil for none (the in-process path: no keys, or a case
// that cannot detach). Keys given explicitly where stdin is attached but
// detaching cannot work are refused rather than dropped.
func runDetachKeys(cmd *cobra.Command, spec string, canDetach, stdin bool) ([]byte, error) {
	if spec == "" {
		return nil, nil
	}
	keys, err := parseDetachKeys(spec)
	if err != nil {
		return nil, fmt.Errorf("invalid detach keys: %w", err)
	}
	if canDetach {
		return keys, nil
	}
	if cmd.Flags().Changed("detach-keys") && stdin {
		return nil, fmt.Errorf("--detach-keys %q: detaching needs -i and -t, a terminal on stdin, the k8s-file log driver without max-size, and no --attach or --preserve-fds: %w", spec, define.ErrNotSupported)
	}
	return nil, nil
}
