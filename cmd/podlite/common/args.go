package common

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/libpod/define"
)

// NoArgs rejects positional arguments with an error of class ErrInvalidArg.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%q accepts no arguments: %w", cmd.CommandPath(), define.ErrInvalidArg)
	}
	return nil
}

// ExactArgs requires n positional arguments.
func ExactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return fmt.Errorf("%q requires exactly %d argument(s): %w", cmd.CommandPath(), n, define.ErrInvalidArg)
		}
		return nil
	}
}

// MinArgs requires at least n positional arguments.
func MinArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return fmt.Errorf("%q requires at least %d argument(s): %w", cmd.CommandPath(), n, define.ErrInvalidArg)
		}
		return nil
	}
}

// RangeArgs requires between min and max positional arguments.
func RangeArgs(min, max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < min || len(args) > max {
			return fmt.Errorf("%q requires %d to %d arguments: %w", cmd.CommandPath(), min, max, define.ErrInvalidArg)
		}
		return nil
	}
}

// ExitStatus makes the command exit with code and print nothing (as
// `exists` commands do).
func ExitStatus(code int) error { return &define.ExitCodeError{Code: code} }

// TimeFlag is --time/-t: seconds to wait for the stop signal, nil when not
// given (the container's own stop timeout).
func TimeFlag(cmd *cobra.Command, t uint) *uint {
	if cmd.Flags().Changed("time") {
		return &t
	}
	return nil
}

// ForceTime is TimeFlag for the commands that remove what containers use
// (rm, volume rm, network rm): refused without --force in podman's words.
func ForceTime(cmd *cobra.Command, t uint, force bool) (*uint, error) {
	timeout := TimeFlag(cmd, t)
	if timeout != nil && !force {
		return nil, fmt.Errorf("--force option must be specified to use the --time option: %w", define.ErrInvalidArg)
	}
	return timeout, nil
}
