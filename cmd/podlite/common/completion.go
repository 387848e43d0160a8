package common

import (
	"github.com/spf13/cobra"
)

// Completer returns names for shell completion.
type Completer func(g *Globals) ([]string, error)

// Complete turns a name source into a ValidArgsFunction.
func Complete(g *Globals, source Completer) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		names, err := source(g)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}

// ContainerNames lists every container's name.
func ContainerNames(g *Globals) ([]string, error) {
	rt, err := g.Runtime()
	if err != nil {
		return nil, err
	}
	ctrs, err := rt.Containers()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(ctrs))
	for _, c := range ctrs {
		names = append(names, c.Name())
	}
	return names, nil
}

// PodNames lists every pod's name.
func PodNames(g *Globals) ([]string, error) {
	rt, err := g.Runtime()
	if err != nil {
		return nil, err
	}
	pods, err := rt.Pods()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(pods))
	for _, p := range pods {
		names = append(names, p.Name())
	}
	return names, nil
}

// NoCompletion is the ValidArgsFunction of commands without arguments.
func NoCompletion(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveNoFileComp
}

// ImageNames lists every local image's names.
func ImageNames(g *Globals) ([]string, error) {
	rt, err := g.Runtime()
	if err != nil {
		return nil, err
	}
	store, err := rt.Storage()
	if err != nil {
		return nil, err
	}
	imgs, err := store.Images()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, img := range imgs {
		names = append(names, img.Names...)
	}
	return names, nil
}

// CompleteFirst completes names from source for the first argument only.
func CompleteFirst(g *Globals, source Completer) cobra.CompletionFunc {
	all := Complete(g, source)
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return all(cmd, args, toComplete)
	}
}
