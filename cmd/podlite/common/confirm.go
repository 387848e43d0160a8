package common

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// Confirm shows warning and reads a yes or no from in, as podman does: a
// terminal or a pipe ("yes | podlite system prune") alike. No answer at
// all (stdin at its end) is an error, so that a script without --force
// fails rather than deciding nothing silently.
func Confirm(in io.Reader, out io.Writer, warning string) (bool, error) {
	fmt.Fprintf(out, "%s\nAre you sure you want to continue? [y/N] ", warning)
	answer, err := bufio.NewReader(in).ReadString('\n')
	if err == io.EOF && answer == "" {
		fmt.Fprintln(out)
		return false, fmt.Errorf("no answer on stdin: use --force to skip the question: %w", define.ErrInvalidArg)
	}
	if err != nil && err != io.EOF {
		return false, fmt.Errorf("reading the answer: %w", err)
	}
	answer = strings.ToLower(strings.TrimSpace(answer))
	return answer == "y" || answer == "yes", nil
}
