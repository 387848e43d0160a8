package systemd

import (
	"strconv"
	"strings"
)

// escapeArg makes one argument of a recorded command line safe in an
// Exec*= line: $ and % would be expanded by systemd, and an argument with
// blanks, quotes or backslashes is quoted C-style, which systemd undoes.
func escapeArg(arg string) string {
	arg = strings.ReplaceAll(arg, "$", "$$")
	arg = strings.ReplaceAll(arg, "%", "%%")
	if arg == "" || strings.ContainsAny(arg, " \t\n\"'\\;") {
		return strconv.Quote(arg)
	}
	return arg
}

func escapeArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = escapeArg(a)
	}
	return out
}

// formatCommand joins an Exec*= command line, each option on a
// continuation line of its own, as podman lays them out.
func formatCommand(args []string) string {
	var b strings.Builder
	for i, a := range args {
		switch {
		case i == 0:
		case strings.HasPrefix(a, "-"):
			b.WriteString(" \\\n\t")
		default:
			b.WriteString(" ")
		}
		b.WriteString(a)
	}
	return b.String()
}

// escapeEnv quotes an Environment= assignment that holds blanks or quotes.
func escapeEnv(kv string) string {
	if strings.ContainsAny(kv, " \t\"'\\") {
		return strconv.Quote(kv)
	}
	return kv
}

// CommandLine is args escaped and laid out for an Exec*= line.
func CommandLine(args ...string) string { return formatCommand(escapeArgs(args)) }
