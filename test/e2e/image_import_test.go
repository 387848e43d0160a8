package e2e

import (
	"os"
	"strings"
	"testing"
)

func TestImageImport(t *testing.T) {
	e := NewEnv(t)
	tarball := rootfsTarball(e, map[string]string{"etc/motd": "imported\n"})
	r := e.MustPodlite("import",
		"--change", `CMD ["/bin/app", "--flag"]`,
		"-c", "ENTRYPOINT=/entry",
		"-c", `ENV A=1 B="two words"`,
		"-c", "WORKDIR /srv",
		"-c", "USER nobody",
		"-c", "LABEL team=core",
		"-c", "EXPOSE 8080 53/udp",
		"-c", "STOPSIGNAL SIGINT",
		"-m", "from a tarball",
		tarball, "imported:1")
	id := strings.TrimSpace(r.Stdout)
	if got := imageID(e, "localhost/imported:1"); got != id {
		t.Fatalf("import printed %q, image has ID %s", id, got)
	}
	for format, want := range map[string]string{
		"{{.Config.Cmd}}":              "[/bin/app --flag]",
		"{{.Config.Entrypoint}}":       "[/bin/sh -c /entry]",
		"{{.Config.Env}}":              "[A=1 B=two words]",
		"{{.Config.WorkingDir}}":       "/srv",
		"{{.User}}":                    "nobody",
		"{{.Labels.team}}":             "core",
		"{{len .Config.ExposedPorts}}": "2",
		"{{.Config.StopSignal}}":       "2",
		"{{.Comment}}":                 "from a tarball",
		"{{len .RootFS.Layers}}":       "1",
	} {
		r := e.MustPodlite("image", "inspect", "--format", format, "imported:1")
		if got := strings.TrimSpace(r.Stdout); got != want {
			t.Errorf("inspect %s = %q, want %q", format, got, want)
		}
	}
}

func TestImageImportStdin(t *testing.T) {
	e := NewEnv(t)
	tarball := rootfsTarball(e, map[string]string{"hello": "stdin\n"})
	data, err := os.ReadFile(tarball)
	if err != nil {
		t.Fatal(err)
	}
	r := e.PodliteStdin(string(data), "import", "-")
	if r.ExitCode != 0 {
		t.Fatalf("import -: exit %d: %s", r.ExitCode, r.Stderr)
	}
	id := strings.TrimSpace(r.Stdout)
	// Without a reference the image has no name.
	r = e.MustPodlite("images", "--filter", "dangling=true", "-q", "--no-trunc")
	if got := strings.TrimSpace(r.Stdout); got != "sha256:"+id {
		t.Fatalf("dangling images after import - = %q, want sha256:%s", r.Stdout, id)
	}
}

func TestImageImportErrors(t *testing.T) {
	e := NewEnv(t)
	tarball := rootfsTarball(e, map[string]string{"a": "b"})
	for name, args := range map[string][]string{
		"missing file":        {"import", "/nonexistent/rootfs.tar"},
		"bad reference":       {"import", tarball, "Bad:Name:x"},
		"unknown instruction": {"import", "-c", "FROM busybox", tarball},
		"bad port":            {"import", "-c", "EXPOSE 99999", tarball},
		"bad signal":          {"import", "-c", "STOPSIGNAL SIGNOPE", tarball},
		"too many args":       {"import", tarball, "a", "b"},
	} {
		t.Run(name, func(t *testing.T) {
			expectOneLineError(t, e.Podlite(args...))
		})
	}
	if r := e.MustPodlite("images", "-q"); r.Stdout != "" {
		t.Fatalf("failed imports left images: %q", r.Stdout)
	}
}
