package secrets

import (
	"fmt"
	"time"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/secrets"
)

// Register adds `podlite secret` and its verbs to root.
func Register(root *cobra.Command, g *common.Globals) {
	parent := &cobra.Command{
		Use:               "secret",
		Short:             "Manage secrets",
		Long:              "Create, list, inspect and remove secrets: data containers get with --secret, kept out of images.",
		Args:              common.NoArgs,
		ValidArgsFunction: common.NoCompletion,
		Example:           "  podlite secret ls",
		RunE:              func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	parent.AddCommand(newCreateCommand(g), newListCommand(g), newInspectCommand(g), newRmCommand(g), newExistsCommand(g))
	root.AddCommand(parent)
}

// Report is a secret as `secret inspect` prints it: podman's shape.
type Report struct {
	ID        string     `json:"ID"`
	CreatedAt time.Time  `json:"CreatedAt"`
	UpdatedAt time.Time  `json:"UpdatedAt"`
	Spec      SpecReport `json:"Spec"`
	// SecretData is shown with --showsecret only.
	SecretData string `json:"SecretData,omitempty"`
}

// SpecReport is a Report's Spec.
type SpecReport struct {
	Name   string `json:"Name"`
	Driver struct {
		Name    string            `json:"Name"`
		Options map[string]string `json:"Options"`
	} `json:"Driver"`
	Labels map[string]string `json:"Labels"`
}

func report(s *secrets.Secret) Report {
	r := Report{ID: s.ID, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
	r.Spec.Name, r.Spec.Driver.Name, r.Spec.Driver.Options, r.Spec.Labels = s.Name, s.Driver, s.DriverOptions, s.Labels
	if r.Spec.Labels == nil {
		r.Spec.Labels = map[string]string{}
	}
	return r
}

// Row is a secret as `secret ls` shows it: podman's placeholders, times
// in words.
type Row struct {
	Report
}

// Name is the secret's name.
func (r Row) Name() string { return r.Spec.Name }

// Driver is the secret's driver.
func (r Row) Driver() string { return r.Spec.Driver.Name }

// CreatedAt is when the secret was created, in words.
func (r Row) CreatedAt() string { return units.HumanDuration(time.Since(r.Report.CreatedAt)) + " ago" }

// UpdatedAt is when the secret was last changed, in words.
func (r Row) UpdatedAt() string { return units.HumanDuration(time.Since(r.Report.UpdatedAt)) + " ago" }

// namesOrAll requires secret names, or none with --all.
func namesOrAll(all *bool) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if *all && len(args) > 0 {
			return fmt.Errorf("when using the --all switch, you may not pass any secret names or IDs: %w", define.ErrInvalidArg)
		}
		if *all {
			return nil
		}
		return common.MinArgs(1)(cmd, args)
	}
}

// secretNames lists every secret's name, for completion.
func secretNames(g *common.Globals) ([]string, error) {
	rt, err := g.Runtime()
	if err != nil {
		return nil, err
	}
	list, err := rt.Secrets().List()
	if err != nil {
		return nil, err
	}
	return common.Names(list, func(s *secrets.Secret) string { return s.Name }), nil
}
