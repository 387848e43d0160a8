package containers

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

// cloneResources are podman-container-clone's resource flags beyond
// --memory and --cpus: given, they are parsed by create's own flags over
// the original's command line, so they override its values.
var cloneResources = []string{
	"blkio-weight", "cpu-period", "cpu-quota", "cpu-rt-period", "cpu-rt-runtime",
	"cpu-shares", "cpuset-cpus", "cpuset-mems", "memory-reservation", "memory-swap", "memory-swappiness",
}

// cloneDeviceResources are clone's repeatable per-device resource flags.
var cloneDeviceResources = []string{"blkio-weight-device", "device-read-bps", "device-write-bps"}

// cloneFlags are clone's own flags.
type cloneFlags struct {
	name, memory, pod     string
	cpus                  float64
	destroy, force, start bool
}

func newCloneCommand(g *common.Globals) *cobra.Command {
	var cf cloneFlags
	cmd := &cobra.Command{
		Use:               "clone [options] CONTAINER [NAME [IMAGE]]",
		Short:             "Create a copy of a container, with the same configuration",
		Args:              common.RangeArgs(1, 3),
		Example:           "  podlite container clone web\n  podlite container clone --name web2 --memory 64m --run web",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cf.force && !cf.destroy {
				return fmt.Errorf("--force can only be used with --destroy: %w", define.ErrInvalidArg)
			}
			return cloneContainer(cmd, g, cf, args)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&cf.name, "name", "", "the clone's name (default: the original's name with -clone)")
	fs.StringVarP(&cf.memory, "memory", "m", "", "memory limit of the clone (default: the original's)")
	fs.Float64Var(&cf.cpus, "cpus", 0, "number of CPUs of the clone (default: the original's)")
	fs.BoolVar(&cf.destroy, "destroy", false, "remove the original container")
	fs.BoolVarP(&cf.force, "force", "f", false, "with --destroy: remove the original even if it runs")
	fs.BoolVar(&cf.start, "run", false, "start the clone")
	fs.StringVar(&cf.pod, "pod", "", "clone the container into this existing pod (its -p, --network and --hostname are dropped)")
	for _, name := range cloneResources {
		short := ""
		if name == "cpu-shares" {
			short = "c"
		}
		fs.StringP(name, short, "", "the clone's --"+name+" (default: the original's)")
	}
	for _, name := range cloneDeviceResources {
		fs.StringArray(name, nil, "the clone's --"+name+" (over the original's)")
	}
	return cmd
}

// resourceArgs are the resource flags given to clone, as create's
// arguments.
func resourceArgs(fl *pflag.FlagSet) []string {
	var out []string
	for _, name := range append([]string{"memory", "cpus"}, cloneResources...) {
		if fl.Changed(name) {
			out = append(out, "--"+name+"="+fl.Lookup(name).Value.String())
		}
	}
	for _, name := range cloneDeviceResources {
		values, _ := fl.GetStringArray(name)
		for _, v := range values {
			out = append(out, "--"+name+"="+v)
		}
	}
	return out
}

// cloneContainer clones the container as libpod's CloneContainer does
// and prints the clone's ID.
func cloneContainer(cmd *cobra.Command, g *common.Globals, cf cloneFlags, args []string) error {
	src, err := g.Container(args[0])
	if err != nil {
		return err
	}
	opts := &libpod.ContainerCloneOptions{
		Name: cf.name, Pod: cf.pod, CreateArgs: resourceArgs(cmd.Flags()),
		Destroy: cf.destroy, Force: cf.force, Start: cf.start, Parse: CreateParser(cmd.Root().PersistentFlags()),
	}
	if len(args) > 1 {
		opts.Name = args[1]
	}
	if len(args) > 2 {
		opts.Image = args[2]
	}
	rt, err := g.Runtime()
	if err != nil {
		return err
	}
	c, err := rt.CloneContainer(cmd.Context(), src, opts)
	if err != nil {
		return err
	}
	fmt.Println(c.ID())
	return nil
}

// CreateParser parses a podlite create or run command line, with extra
// create flags after it, as create does; globals are the root command's
// flags, skipped before the verb.
func CreateParser(globals *pflag.FlagSet) libpod.CreateParser {
	return func(line, extra []string) (*libpod.CreateOptions, error) {
		args, err := createArgs(globals, line)
		if err != nil {
			return nil, err
		}
		parse := &cobra.Command{}
		f := &createFlags{}
		parse.Flags().BoolP("detach", "d", false, "")
		parse.Flags().BoolVar(&f.rmi, "rmi", false, "")
		f.register(parse.Flags())
		if err := parse.Flags().Parse(args); err != nil || parse.Flags().NArg() == 0 {
			return nil, fmt.Errorf("its create command %q does not parse: %v: %w", line, err, define.ErrNotSupported)
		}
		positional := parse.Flags().Args()
		if err := parse.Flags().Parse(extra); err != nil {
			return nil, fmt.Errorf("%v: %w", err, define.ErrInvalidArg)
		}
		return f.options(parse, positional)
	}
}

// createArgs returns what follows `create` or `run` in a podlite command
// line, skipping the global flags (and their values) before it.
func createArgs(globals *pflag.FlagSet, line []string) ([]string, error) {
	for i := 1; i < len(line); i++ {
		a := line[i]
		switch {
		case a == "create" || a == "run":
			return line[i+1:], nil
		case a == "container":
		case strings.HasPrefix(a, "-") && !strings.Contains(a, "="):
			name := strings.TrimLeft(a, "-")
			fl := globals.Lookup(name)
			if len(name) == 1 {
				fl = globals.ShorthandLookup(name)
			}
			if fl != nil && fl.NoOptDefVal == "" {
				i++ // the flag's value
			}
		case strings.HasPrefix(a, "-"):
		default:
			return nil, fmt.Errorf("its create command %q is not a podlite create or run: %w", line, define.ErrNotSupported)
		}
	}
	return nil, fmt.Errorf("it has no create command: %w", define.ErrNotSupported)
}
