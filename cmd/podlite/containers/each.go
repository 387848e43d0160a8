package containers

import (
	"errors"
	"fmt"
	"os"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

// selection is how a command names its containers: by name/ID, --all or
// --latest.
type selection struct {
	all, latest bool
	// quiet prints nothing for each success (the command prints a report).
	quiet bool
}

// resolve returns the named containers, every container, or the latest.
func (s selection) resolve(g *common.Globals, args []string) ([]*libpod.Container, []string, error) {
	rt, err := g.Runtime()
	if err != nil {
		return nil, nil, err
	}
	if s.all && len(args) > 0 || s.latest && len(args) > 0 {
		return nil, nil, fmt.Errorf("--all and --latest take no container names: %w", define.ErrInvalidArg)
	}
	switch {
	case s.all:
		ctrs, err := rt.Containers()
		names := make([]string, len(ctrs))
		for i, c := range ctrs {
			names[i] = c.ID()
		}
		return ctrs, names, err
	case s.latest:
		c, err := rt.LatestContainer()
		if err != nil {
			return nil, nil, err
		}
		return []*libpod.Container{c}, []string{c.ID()}, nil
	}
	if len(args) == 0 {
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
			_, err = rt.LookupContainer(names[i])
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
