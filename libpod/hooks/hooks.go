// Package hooks reads OCI hook files (the oci-hooks(5) 1.0.0 schema podman
// uses) from hook directories and adds the hooks that match a container to
// its OCI spec, where the embedded runtime runs them at their stages.
// containers/common's pkg/hooks does this for podman, but no version of that
// module is available to this build, so the 1.0.0 schema is read here.
package hooks

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
)

// Version is the only hook file schema version read.
const Version = "1.0.0"

// When says which containers a hook is for: it matches when any condition
// holds.
type When struct {
	Always        *bool             `json:"always,omitempty"`
	Annotations   map[string]string `json:"annotations,omitempty"`
	Commands      []string          `json:"commands,omitempty"`
	HasBindMounts *bool             `json:"hasBindMounts,omitempty"`
}

// Hook is one hook file.
type Hook struct {
	Version string     `json:"version"`
	Hook    specs.Hook `json:"hook"`
	When    When       `json:"when"`
	Stages  []string   `json:"stages"`
	// file is where the hook was read, for error messages.
	file string
}

var stages = map[string]func(*specs.Hooks) *[]specs.Hook{
	"prestart":        func(h *specs.Hooks) *[]specs.Hook { return &h.Prestart }, //nolint:staticcheck // podman still offers it
	"createRuntime":   func(h *specs.Hooks) *[]specs.Hook { return &h.CreateRuntime },
	"createContainer": func(h *specs.Hooks) *[]specs.Hook { return &h.CreateContainer },
	"startContainer":  func(h *specs.Hooks) *[]specs.Hook { return &h.StartContainer },
	"poststart":       func(h *specs.Hooks) *[]specs.Hook { return &h.Poststart },
	"poststop":        func(h *specs.Hooks) *[]specs.Hook { return &h.Poststop },
}

// Read returns the hooks of the JSON files in dirs, in file-name order; a
// file in a later directory replaces one of the same name in an earlier
// one, as podman's do. A directory that does not exist holds no hooks.
func Read(dirs []string) ([]*Hook, error) {
	byName := map[string]string{}
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading hooks directory %s: %w", dir, err)
		}
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".json") {
				byName[e.Name()] = filepath.Join(dir, e.Name())
			}
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]*Hook, 0, len(names))
	for _, n := range names {
		h, err := readFile(byName[n])
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

func readFile(path string) (*Hook, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading hook %s: %w", path, err)
	}
	var h Hook
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("parsing hook %s: %v: %w", path, err, define.ErrInvalidArg)
	}
	h.file = path
	if err := h.validate(); err != nil {
		return nil, fmt.Errorf("hook %s: %w", path, err)
	}
	return &h, nil
}

func (h *Hook) validate() error {
	if h.Version != Version {
		return fmt.Errorf("version %q is not %s: %w", h.Version, Version, define.ErrInvalidArg)
	}
	if !filepath.IsAbs(h.Hook.Path) {
		return fmt.Errorf("hook.path %q is not absolute: %w", h.Hook.Path, define.ErrInvalidArg)
	}
	if _, err := os.Stat(h.Hook.Path); err != nil {
		return fmt.Errorf("hook.path: %w", err)
	}
	if len(h.Stages) == 0 {
		return fmt.Errorf("no stages: %w", define.ErrInvalidArg)
	}
	for _, s := range h.Stages {
		if stages[s] == nil {
			return fmt.Errorf("unknown stage %q: %w", s, define.ErrInvalidArg)
		}
	}
	for k, v := range h.When.Annotations {
		if err := compiles(k, v); err != nil {
			return fmt.Errorf("when.annotations: %w", err)
		}
	}
	if err := compiles(h.When.Commands...); err != nil {
		return fmt.Errorf("when.commands: %w", err)
	}
	return nil
}

func compiles(exprs ...string) error {
	for _, e := range exprs {
		if _, err := regexp.Compile(e); err != nil {
			return fmt.Errorf("%v: %w", err, define.ErrInvalidArg)
		}
	}
	return nil
}

// Matches reports whether the hook is for the container spec s describes.
func (h *Hook) Matches(s *specs.Spec) bool {
	w := h.When
	if w.Always != nil && *w.Always {
		return true
	}
	if w.HasBindMounts != nil && *w.HasBindMounts && hasBindMounts(s) {
		return true
	}
	for kexp, vexp := range w.Annotations {
		for k, v := range s.Annotations {
			if fullMatch(kexp, k) && fullMatch(vexp, v) {
				return true
			}
		}
	}
	if s.Process != nil && len(s.Process.Args) > 0 {
		for _, exp := range w.Commands {
			if fullMatch(exp, s.Process.Args[0]) {
				return true
			}
		}
	}
	return false
}

// fullMatch matches like Go's regexp MatchString, as containers/common's
// hooks do (validate compiled every expression).
func fullMatch(exp, s string) bool {
	return regexp.MustCompile(exp).MatchString(s)
}

func hasBindMounts(s *specs.Spec) bool {
	for _, m := range s.Mounts {
		if m.Type == "bind" {
			return true
		}
		for _, o := range m.Options {
			if o == "bind" || o == "rbind" {
				return true
			}
		}
	}
	return false
}

// Apply adds the hooks in dirs that match spec s to its stages.
func Apply(dirs []string, s *specs.Spec) error {
	if len(dirs) == 0 {
		return nil
	}
	hs, err := Read(dirs)
	if err != nil {
		return err
	}
	for _, h := range hs {
		if !h.Matches(s) {
			continue
		}
		if s.Hooks == nil {
			s.Hooks = &specs.Hooks{}
		}
		for _, st := range h.Stages {
			list := stages[st](s.Hooks)
			*list = append(*list, h.Hook)
		}
	}
	return nil
}
