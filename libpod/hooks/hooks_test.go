package hooks

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
)

func write(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestApplyMatches(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	write(t, a, "1-always.json", `{"version":"1.0.0","hook":{"path":"/bin/true","args":["true","a"]},"when":{"always":true},"stages":["prestart","poststop"]}`)
	write(t, a, "2-ann.json", `{"version":"1.0.0","hook":{"path":"/bin/true","args":["ann"]},"when":{"annotations":{"^io\\.x$":"^on$"}},"stages":["createRuntime"]}`)
	write(t, a, "3-cmd.json", `{"version":"1.0.0","hook":{"path":"/bin/true","args":["cmd"]},"when":{"commands":["/top$"]},"stages":["poststart"]}`)
	write(t, a, "4-bind.json", `{"version":"1.0.0","hook":{"path":"/bin/true","args":["bind"]},"when":{"hasBindMounts":true},"stages":["startContainer"]}`)
	// A later directory's file of the same name replaces the earlier one.
	write(t, b, "1-always.json", `{"version":"1.0.0","hook":{"path":"/bin/true","args":["true","b"]},"when":{"always":true},"stages":["prestart"]}`)
	write(t, b, "notes.txt", `not a hook`)

	s := &specs.Spec{Process: &specs.Process{Args: []string{"/bin/sh"}}, Annotations: map[string]string{"io.x": "off"}}
	if err := Apply([]string{a, b, filepath.Join(a, "missing")}, s); err != nil {
		t.Fatal(err)
	}
	if len(s.Hooks.Prestart) != 1 || s.Hooks.Prestart[0].Args[1] != "b" || len(s.Hooks.Poststop) != 0 { //nolint:staticcheck
		t.Fatalf("always hook: %+v", s.Hooks)
	}
	if len(s.Hooks.CreateRuntime)+len(s.Hooks.Poststart)+len(s.Hooks.StartContainer) != 0 {
		t.Fatalf("unmatched hooks added: %+v", s.Hooks)
	}

	s = &specs.Spec{Process: &specs.Process{Args: []string{"/usr/bin/top"}}, Annotations: map[string]string{"io.x": "on"},
		Mounts: []specs.Mount{{Destination: "/d", Type: "none", Options: []string{"rbind"}}}}
	if err := Apply([]string{a}, s); err != nil {
		t.Fatal(err)
	}
	if len(s.Hooks.CreateRuntime) != 1 || len(s.Hooks.Poststart) != 1 || len(s.Hooks.StartContainer) != 1 || len(s.Hooks.Poststop) != 1 {
		t.Fatalf("matching hooks: %+v", s.Hooks)
	}
}

func TestReadRefusesBadFiles(t *testing.T) {
	for name, body := range map[string]string{
		"json":     `{`,
		"version":  `{"version":"2.0.0","hook":{"path":"/bin/true"},"when":{"always":true},"stages":["prestart"]}`,
		"relative": `{"version":"1.0.0","hook":{"path":"true"},"when":{"always":true},"stages":["prestart"]}`,
		"stage":    `{"version":"1.0.0","hook":{"path":"/bin/true"},"when":{"always":true},"stages":["later"]}`,
		"regexp":   `{"version":"1.0.0","hook":{"path":"/bin/true"},"when":{"commands":["("]},"stages":["prestart"]}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "h.json", body)
			if _, err := Read([]string{dir}); !errors.Is(err, define.ErrInvalidArg) {
				t.Fatalf("got %v, want an invalid-argument error", err)
			}
		})
	}
}
