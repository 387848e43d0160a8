// Command gendocs writes podlite's generated reference files from the Cobra
// tree that cli.NewRootCommand builds: one markdown page per command in
// docs/commands/, and shell completions in completions/ (bash, zsh, fish).
// Nobody edits those files by hand; `make docs completions` runs this.
//
// With -check it writes nothing and instead fails, listing the files, when
// what is committed differs from what it would write (`make
// check-generated`, part of `make test-all`).
//
// The output depends only on the command tree, so flag defaults must not
// depend on who runs the generator (user, HOME, environment).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/podlite/podlite/cmd/podlite/cli"
	"github.com/podlite/podlite/hack/gendocs/gen"
)

func main() {
	docsDir := flag.String("docs", "docs/commands", "`dir` for the markdown pages")
	completionsDir := flag.String("completions", "completions", "`dir` for the completion scripts")
	check := flag.Bool("check", false, "write nothing; fail if the files on disk are stale")
	flag.Parse()

	docs, completions, err := gen.Render(cli.NewRootCommand())
	if err != nil {
		fatal(err)
	}
	if *check {
		stale := append(gen.Stale(*docsDir, docs, true), gen.Stale(*completionsDir, completions, false)...)
		if len(stale) > 0 {
			fmt.Fprintf(os.Stderr, "gendocs: generated files are stale; run `make docs completions` and commit:\n  %s\n",
				strings.Join(stale, "\n  "))
			os.Exit(1)
		}
		return
	}
	if err := gen.Write(*docsDir, docs, true); err != nil {
		fatal(err)
	}
	if err := gen.Write(*completionsDir, completions, false); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintf(os.Stderr, "gendocs: %v\n", err)
	os.Exit(1)
}
