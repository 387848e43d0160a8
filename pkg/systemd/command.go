package systemd

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"
)

// arg is one option of a parsed command line: the flag's long name, its
// value when it has one, and the tokens it was written as.
type arg struct {
	name   string
	value  string
	tokens []string
}

// parsedCommand is a podlite command line cut at its verb: the global
// flags before it, the verb's options and its positional arguments.
type parsedCommand struct {
	globals    []string
	options    []arg
	positional []string
}

// splitCommand cuts line (argv, the binary first) at one of the verbs
// (e.g. "run" or "pod create"), skipping the values of the global flags
// before it ("container" may come before a container verb), and parses
// the rest with flags.
func splitCommand(line []string, globals, flags *pflag.FlagSet, verbs ...string) (*parsedCommand, error) {
	notOne := fmt.Errorf("%q is not a podlite %s command line", strings.Join(line, " "), strings.Join(verbs, " or "))
	i, verb := 1, []string(nil)
	for ; i < len(line) && verb == nil; i++ {
		for _, v := range verbs {
			if hasWords(line[i:], strings.Fields(v)) {
				verb = strings.Fields(v)
			}
		}
		a := line[i]
		switch {
		case verb != nil:
			i--
		case a == "container":
		case !strings.HasPrefix(a, "-"):
			return nil, notOne
		default:
			if f := lookup(globals, a); f != nil && f.NoOptDefVal == "" && !strings.Contains(a, "=") {
				i++ // the flag's value
			}
		}
	}
	if verb == nil {
		return nil, notOne
	}
	var globalArgs []string
	for _, a := range line[1:i] {
		if a != "container" {
			globalArgs = append(globalArgs, a)
		}
	}
	p := &parsedCommand{globals: globalArgs}
	rest := line[i+len(verb):]
	opts, positional, err := parseOptions(rest, flags)
	if err != nil {
		return nil, err
	}
	p.options, p.positional = opts, positional
	return p, nil
}

func hasWords(line, words []string) bool {
	if len(line) < len(words) {
		return false
	}
	for i, w := range words {
		if line[i] != w {
			return false
		}
	}
	return true
}

// lookup finds the flag a token names ("--name", "--name=x", "-n").
func lookup(fs *pflag.FlagSet, token string) *pflag.Flag {
	if fs == nil {
		return nil
	}
	if strings.HasPrefix(token, "--") {
		name, _, _ := strings.Cut(token[2:], "=")
		return fs.Lookup(name)
	}
	if len(token) == 2 {
		return fs.ShorthandLookup(token[1:])
	}
	return nil
}

// parseOptions splits args into options, grouped with their values, and
// the positional arguments from the first one on (options stop there, as
// for run: the rest is the container's command).
func parseOptions(args []string, fs *pflag.FlagSet) ([]arg, []string, error) {
	var opts []arg
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return opts, args[i+1:], nil
		case strings.HasPrefix(a, "--"):
			name, value, inline := strings.Cut(a[2:], "=")
			f := fs.Lookup(name)
			if f == nil {
				return nil, nil, fmt.Errorf("unknown flag --%s in the create command", name)
			}
			o := arg{name: f.Name, value: value, tokens: []string{a}}
			if !inline && f.NoOptDefVal == "" {
				if i+1 >= len(args) {
					return nil, nil, fmt.Errorf("flag --%s has no value in the create command", name)
				}
				i++
				o.value, o.tokens = args[i], append(o.tokens, args[i])
			}
			opts = append(opts, o)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			group, consumed, err := parseShortGroup(args[i:], fs)
			if err != nil {
				return nil, nil, err
			}
			opts = append(opts, group...)
			i += consumed - 1
		default:
			return opts, args[i:], nil
		}
	}
	return opts, nil, nil
}

// parseShortGroup parses "-dit", "-p80:80" or "-p 80:80": one arg per
// letter, the letter taking a value taking the rest of the token or the
// next one. It returns how many tokens it used.
func parseShortGroup(args []string, fs *pflag.FlagSet) ([]arg, int, error) {
	token := args[0]
	var out []arg
	for j := 1; j < len(token); j++ {
		f := fs.ShorthandLookup(token[j : j+1])
		if f == nil {
			return nil, 0, fmt.Errorf("unknown flag -%c in the create command", token[j])
		}
		if f.NoOptDefVal != "" {
			out = append(out, arg{name: f.Name, tokens: []string{"-" + token[j:j+1]}})
			continue
		}
		if rest := strings.TrimPrefix(token[j+1:], "="); rest != "" {
			out = append(out, arg{name: f.Name, value: rest, tokens: []string{"-" + token[j:j+1], rest}})
			return out, 1, nil
		}
		if len(args) < 2 {
			return nil, 0, fmt.Errorf("flag -%c has no value in the create command", token[j])
		}
		out = append(out, arg{name: f.Name, value: args[1], tokens: []string{"-" + token[j:j+1], args[1]}})
		return out, 2, nil
	}
	return out, 1, nil
}

// has reports whether the options hold the flag name and its last value.
func (p *parsedCommand) has(name string) (string, bool) {
	value, found := "", false
	for _, o := range p.options {
		if o.name == name {
			value, found = o.value, true
		}
	}
	return value, found
}

// without returns the options' tokens minus the flags named.
func (p *parsedCommand) without(names ...string) []string {
	var out []string
	for _, o := range p.options {
		if !contains(names, o.name) {
			out = append(out, o.tokens...)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
