// Package crashpoint lets the crash-safety tests kill podlite for real at a
// named step. A build with the tag "crashpoint" (make build-crash) SIGKILLs
// itself at Hit(name) when $PODLITE_CRASH_AT equals name; a release build
// compiles Hit to nothing, so the points cost nothing and cannot fire.
//
// Every podlite process that inherits the variable obeys it, the
// supervisor's `container cleanup` among them: a test sets it for the one
// command it means to kill, and names are unique per step, so the point
// fires in the process that reaches that step.
//
// Each verb's points are constants in names_*.go, listed by All, which the
// e2e crash tests range over and a unit test checks against the calls.
package crashpoint

import "sort"

// EnvVar names the step to crash at.
const EnvVar = "PODLITE_CRASH_AT"

// registered holds every point's name; names_*.go add theirs in init.
var registered = map[string]string{}

// register records points for All; verb is what the point belongs to
// ("create", "rm"...).
func register(verb string, names ...string) {
	for _, n := range names {
		registered[n] = verb
	}
}

// All returns every crash point's name, sorted.
func All() []string {
	out := make([]string, 0, len(registered))
	for n := range registered {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Verb returns the verb a point belongs to, "" for an unknown name.
func Verb(name string) string { return registered[name] }
