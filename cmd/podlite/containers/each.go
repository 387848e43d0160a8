package containers

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/filter"
)

// selection is how a command names its containers: by name/ID, --cidfile,
// --all, --latest or --filter.
type selection struct {
	all, latest bool
	// filters are --filter KEY=VALUE (ps's keys); cidfiles are --cidfile.
	filters, cidfiles []string
	// ignore skips missing containers and --cidfile files (--ignore).
	ignore bool
	// allKeep picks the containers --all acts on (stop: the running
	// ones); nil takes every container.
	allKeep func(define.ContainerStatus) bool
	// quiet prints nothing for each success (the command prints a report).
	quiet bool
}

// addFilter adds --filter (short may be "") with ps's keys.
func (s *selection) addFilter(fs *pflag.FlagSet, short string) {
	fs.StringArrayVarP(&s.filters, "filter", short, nil, "act on the containers that match ("+strings.Join(filter.ContainerKeys, ", ")+")")
}

// addCIDFile adds --cidfile: the containers whose IDs are in these files.
func (s *selection) addCIDFile(fs *pflag.FlagSet) {
	fs.StringArrayVar(&s.cidfiles, "cidfile", nil, "read the container ID from this file (from create --cidfile)")
}

// resolve returns the named containers, every container, the latest, or
// those --filter matches, each with the name to print: the argument as
// given, or the full ID. A missing named container is a nil entry.
func (s selection) resolve(g *common.Globals, args []string) ([]*libpod.Container, []string, error) {
	rt, err := g.Runtime()
	if err != nil {
		return nil, nil, err
	}
	ids, err := libpod.ReadCIDFiles(s.cidfiles, s.ignore)
	if err != nil {
		return nil, nil, err
	}
	args = append(slices.Clone(args), ids...)
	if len(s.filters) > 0 && len(args) > 0 {
		return nil, nil, fmt.Errorf("--filter takes no arguments: %w", define.ErrInvalidArg)
	}
	if s.all && len(args) > 0 || s.latest && len(args) > 0 {
		return nil, nil, fmt.Errorf("--all and --latest take no container names: %w", define.ErrInvalidArg)
	}
	switch {
	case len(s.filters) > 0:
		return withIDs(rt.FilterContainers(s.filters))
	case s.all:
		ctrs, err := rt.Containers()
		if s.allKeep != nil {
			ctrs = slices.DeleteFunc(ctrs, func(c *libpod.Container) bool { return !s.allKeep(c.State().Status) })
		}
		return withIDs(ctrs, err)
	case s.latest:
		c, err := rt.LatestContainer()
		if err != nil {
			return nil, nil, err
		}
		return []*libpod.Container{c}, []string{c.ID()}, nil
	}
	if len(args) == 0 {
		if len(s.cidfiles) > 0 {
			return nil, nil, nil // --ignore skipped every file
		}
		return nil, nil, fmt.Errorf("specify at least one container name or ID: %w", define.ErrInvalidArg)
	}
	ctrs := make([]*libpod.Container, 0, len(args))
	for _, a := range args {
		c, err := rt.LookupContainer(a)
		if err != nil {
			ctrs = append(ctrs, nil)
			continue
		}
		ctrs = append(ctrs, c)
	}
	return ctrs, args, nil
}

// withIDs pairs containers with their full IDs, the names printed for
// --all, --latest and --filter.
func withIDs(ctrs []*libpod.Container, err error) ([]*libpod.Container, []string, error) {
	if err != nil {
		return nil, nil, err
	}
	names := make([]string, len(ctrs))
	for i, c := range ctrs {
		names[i] = c.ID()
	}
	return ctrs, names, nil
}

// forEach runs fn on every selected container, printing each name as the
// user gave it on success and each failure on stderr, and fails (exit 125)
// if any failed — it never stops at the first error.
func forEach(g *common.Globals, sel selection, args []string, fn func(*libpod.Container) error) error {
	return forEachOutput(g, sel, args, func(c *libpod.Container) (string, error) { return "", fn(c) })
}

// forEachOutput is forEach for commands that print a result per container
// (mount prints the mountpoint); an empty result prints the name.
func forEachOutput(g *common.Globals, sel selection, args []string, fn func(*libpod.Container) (string, error)) error {
	ctrs, names, err := sel.resolve(g, args)
	if err != nil {
		return err
	}
	rt, _ := g.Runtime()
	var errs []error
	for i, c := range ctrs {
		out := names[i]
		if c == nil {
			if _, err = rt.LookupContainer(names[i]); sel.ignore && errors.Is(err, define.ErrNotFound) {
				continue
			}
		} else {
			var res string
			if res, err = fn(c); res != "" {
				out = res
			}
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !sel.quiet {
			fmt.Println(out)
		}
	}
	return common.ReportEach(os.Stderr, errs)
}

// ignoreMissing drops not-found errors (for --ignore).
func ignoreMissing(err error, ignore bool) error {
	if ignore && errors.Is(err, define.ErrNotFound) {
		return nil
	}
	return err
}
