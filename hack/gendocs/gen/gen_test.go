package gen_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/hack/gendocs/gen"
)

// newTree builds a small stand-in for podlite's command tree, with cobra's
// built-in commands added as Execute would add them.
func newTree() *cobra.Command {
	root := &cobra.Command{Use: "podlite", Short: "Manage containers", Args: cobra.NoArgs, RunE: noop}
	root.PersistentFlags().String("root", "", "path to the persistent storage root")
	container := &cobra.Command{Use: "container", Short: "Manage containers", Args: cobra.NoArgs}
	run := &cobra.Command{
		Use:     "run [options] IMAGE [COMMAND [ARG...]]",
		Short:   "Run a command in a new container",
		Long:    "Run creates a container from IMAGE and starts it.",
		Aliases: []string{"r"},
		Example: "  podlite container run busybox true",
		Args:    cobra.MinimumNArgs(1),
		RunE:    noop,
	}
	run.Flags().String("name", "", "name of the container")
	hidden := &cobra.Command{Use: "internal", Hidden: true, RunE: noop}
	container.AddCommand(run)
	root.AddCommand(container, hidden)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	return root
}

func noop(*cobra.Command, []string) error { return nil }

func render(t *testing.T) (docs, completions gen.Files) {
	t.Helper()
	docs, completions, err := gen.Render(newTree())
	if err != nil {
		t.Fatal(err)
	}
	return docs, completions
}

func TestRenderPageNames(t *testing.T) {
	docs, completions := render(t)
	want := []string{"podlite-container-run.md", "podlite-container.md", "podlite.md"}
	if got := names(docs); !slices.Equal(got, want) {
		t.Errorf("pages %v, want %v (no help, completion or hidden commands)", got, want)
	}
	if got, want := names(completions), []string{"_podlite", "podlite.bash", "podlite.fish"}; !slices.Equal(got, want) {
		t.Errorf("completions %v, want %v", got, want)
	}
}

func TestRenderPage(t *testing.T) {
	docs, _ := render(t)
	page := string(docs["podlite-container-run.md"])
	for _, want := range []string{
		"do not edit",
		"## podlite container run\n\nRun a command in a new container\n",
		"Run creates a container from IMAGE and starts it.",
		"podlite container run [options] IMAGE [COMMAND [ARG...]]",
		"### Aliases\n\nrun, r\n",
		"### Examples\n\n```\n  podlite container run busybox true\n```",
		"--name string",
		"-h, --help",
		"### Options inherited from parent commands",
		"--root string",
		"* [podlite container](podlite-container.md)",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	if root := string(docs["podlite.md"]); !strings.Contains(root, "* [podlite container](podlite-container.md)") {
		t.Errorf("root page does not link its subcommand:\n%s", root)
	}
}

// The check compares bytes, so two runs must render the same bytes.
func TestRenderIsReproducible(t *testing.T) {
	docs1, comp1 := render(t)
	docs2, comp2 := render(t)
	for _, pair := range [][2]gen.Files{{docs1, docs2}, {comp1, comp2}} {
		for name, b := range pair[0] {
			if !bytes.Equal(b, pair[1][name]) {
				t.Errorf("%s differs between two runs", name)
			}
		}
	}
}

func TestWriteAndStale(t *testing.T) {
	docs, completions := render(t)
	docsDir := filepath.Join(t.TempDir(), "docs", "commands")
	compDir := filepath.Join(t.TempDir(), "completions")
	if got := gen.Stale(docsDir, docs, true); len(got) != len(docs) {
		t.Fatalf("Stale before Write = %v, want every page missing", got)
	}
	mustWrite(t, docsDir, docs, true)
	mustWrite(t, compDir, completions, false)
	if got := append(gen.Stale(docsDir, docs, true), gen.Stale(compDir, completions, false)...); len(got) != 0 {
		t.Fatalf("Stale after Write = %v, want none", got)
	}

	// A hand edit, a page of a removed command, a deleted script.
	edited := filepath.Join(docsDir, "podlite.md")
	extra := filepath.Join(docsDir, "podlite-gone.md")
	mustAppend(t, edited, "hand edit\n")
	mustAppend(t, extra, "old page\n")
	if err := os.Remove(filepath.Join(compDir, "podlite.fish")); err != nil {
		t.Fatal(err)
	}
	stale := strings.Join(append(gen.Stale(docsDir, docs, true), gen.Stale(compDir, completions, false)...), "\n")
	for _, want := range []string{edited + " (out of date)", extra + " (no such command)", "podlite.fish (missing)"} {
		if !strings.Contains(stale, want) {
			t.Errorf("Stale = %q, want it to report %q", stale, want)
		}
	}

	// Writing again repairs all three.
	mustWrite(t, docsDir, docs, true)
	mustWrite(t, compDir, completions, false)
	if got := append(gen.Stale(docsDir, docs, true), gen.Stale(compDir, completions, false)...); len(got) != 0 {
		t.Fatalf("Stale after second Write = %v, want none", got)
	}
	if _, err := os.Stat(extra); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Write left the page of a removed command: %v", err)
	}
}

func mustWrite(t *testing.T, dir string, f gen.Files, owned bool) {
	t.Helper()
	if err := gen.Write(dir, f, owned); err != nil {
		t.Fatal(err)
	}
}

func mustAppend(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func names(f gen.Files) []string {
	var list []string
	for name := range f {
		list = append(list, name)
	}
	slices.Sort(list)
	return list
}

func TestRenderGroupPage(t *testing.T) {
	docs, _ := render(t)
	page := string(docs["podlite-container.md"])
	for _, want := range []string{
		"```\npodlite container COMMAND\n```",
		"* [podlite](podlite.md)",
		"* [podlite container run](podlite-container-run.md)",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("group page lacks %q:\n%s", want, page)
		}
	}
}
