package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImageImportPodmanDifferential imports the same tarball with the same
// --change instructions on podlite and podman 4.3.1 and compares the
// resulting configs, then import's refusals. The instructions are in forms
// both read alike: 4.3.1 takes ENV and LABEL as one pair and keeps a
// relative WORKDIR, where podlite (and Docker) read several pairs and
// make WORKDIR absolute.
func TestImageImportPodmanDifferential(t *testing.T) {
	pm := NewPodman(t)
	e := NewEnv(t)
	tarball := rootfsTarball(e, map[string]string{"etc/motd": "imported\n"})
	changes := []string{
		"-c", `CMD ["/bin/app","--flag"]`, "-c", "ENTRYPOINT /entry", "-c", "ENV A=1", "-c", "EXPOSE 8080/tcp",
		"-c", "LABEL team=core", "-c", "USER nobody", "-c", "VOLUME /data", "-c", "WORKDIR /srv",
		"-c", "STOPSIGNAL SIGINT", "-m", "from a tarball", "--arch", "arm64", "--os", "linux",
	}
	args := append(append([]string{"import", "-q"}, changes...), tarball, "imported:1")
	e.MustPodlite(args...)
	pm.MustRun(args...)
	for _, format := range []string{
		"{{.Config.Cmd}}", "{{.Config.Entrypoint}}", "{{.Config.Env}}", "{{json .Config.ExposedPorts}}",
		"{{.Config.Labels}}", "{{.Config.User}}", "{{json .Config.Volumes}}", "{{.Config.WorkingDir}}",
		"{{.Config.StopSignal}}", "{{.Comment}}", "{{.Architecture}} {{.Os}}", "{{len .RootFS.Layers}}",
	} {
		got := strings.TrimSpace(e.MustPodlite("image", "inspect", "--format", format, "imported:1").Stdout)
		want := strings.TrimSpace(pm.MustRun("image", "inspect", "--format", format, "imported:1"))
		if got != want {
			t.Errorf("inspect %s: podlite %q, podman %q", format, got, want)
		}
	}
	got := strings.TrimSpace(e.MustPodlite("history", "--format", "{{.Comment}}", "imported:1").Stdout)
	if want := strings.TrimSpace(pm.MustRun("history", "--format", "{{.Comment}}", "imported:1")); got != want {
		t.Errorf("history comment: podlite %q, podman %q", got, want)
	}
	for _, bad := range [][]string{{"-c", "FOO bar"}, {"-c", "USER"}, {"-c", "CMD"}} {
		args := append(append([]string{"import", "-q"}, bad...), tarball)
		r := e.Podlite(args...)
		pmOut, pmErr := pm.Run(args...)
		if got, want := firstLine(r.Stderr), firstLine(pmOut); got != want || r.ExitCode != exitStatus(pmErr) {
			t.Errorf("%s: podlite (exit %d) %q, podman (exit %d) %q", strings.Join(bad, " "), r.ExitCode, got, exitStatus(pmErr), want)
		}
	}
}

// TestImageImportURLVariant imports a tarball served over HTTP on
// 127.0.0.1 with a platform variant.
func TestImageImportURLVariant(t *testing.T) {
	e := NewEnv(t)
	tarball := rootfsTarball(e, map[string]string{"hello": "url\n"})
	srv := httptest.NewServer(http.FileServer(http.Dir(filepath.Dir(tarball))))
	defer srv.Close()
	e.MustPodlite("import", "--arch", "arm", "--variant", "v7", srv.URL+"/"+filepath.Base(tarball), "fromurl")
	// inspect shows no variant (as podman's): read the config saved.
	dir := filepath.Join(t.TempDir(), "img")
	e.MustPodlite("save", "--format", "docker-dir", "-o", dir, "fromurl")
	var m struct{ Config struct{ Digest string } }
	var cfg struct{ Architecture, OS, Variant string }
	readJSON(t, filepath.Join(dir, "manifest.json"), &m)
	readJSON(t, filepath.Join(dir, strings.TrimPrefix(m.Config.Digest, "sha256:")), &cfg)
	if got := cfg.Architecture + "/" + cfg.OS + "/" + cfg.Variant; got != "arm/linux/v7" {
		t.Errorf("imported platform %q, want arm/linux/v7", got)
	}
	expectOneLineError(t, e.Podlite("import", srv.URL+"/missing.tar"))
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
