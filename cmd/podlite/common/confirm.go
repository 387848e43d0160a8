package common

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/podlite/podlite/libpod/define"
)

// Confirm shows warning and asks for a yes on the terminal. Without a
// terminal it refuses, so that a script must say --force rather than pipe
// in a "y".
func Confirm(in io.Reader, out io.Writer, warning string) (bool, error) {
	if f, ok := in.(*os.File); !ok || !term.IsTerminal(int(f.Fd())) {
		return false, fmt.Errorf("stdin is not a terminal to confirm on: use --force: %w", define.ErrInvalidArg)
	}
	fmt.Fprintf(out, "%s\nAre you sure you want to continue? [y/N] ", warning)
	answer, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && err != io.EOF {
		return false, fmt.Errorf("reading the answer: %w", err)
	}
	answer = strings.ToLower(strings.TrimSpace(answer))
	return answer == "y" || answer == "yes", nil
}
