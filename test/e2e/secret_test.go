package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecrets creates, lists, inspects and removes secrets, and gives
// them to containers as files and variables; a container keeps its copy
// after the secret is gone.
func TestSecrets(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	file := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(file, []byte("s3cret"), 0o644); err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSpace(e.MustPodlite("secret", "create", "--label", "app=db", "db", file).Stdout)
	if r := e.PodliteStdin("from-stdin", "secret", "create", "piped", "-"); r.ExitCode != 0 {
		t.Fatalf("secret create from stdin: %d %s", r.ExitCode, r.Stderr)
	}
	if len(id) != 25 {
		t.Fatalf("secret ID %q", id)
	}
	st, err := os.Stat(filepath.Join(e.Root, "secrets", "filedriver", id))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("secret data file: %v %v", st, err)
	}

	t.Run("ls", func(t *testing.T) {
		out := e.MustPodlite("secret", "ls").Stdout
		if !strings.HasPrefix(out, "ID") || !strings.Contains(out, "CREATED") || !strings.Contains(out, id) {
			t.Errorf("secret ls:\n%s", out)
		}
		for _, tc := range []struct{ args, want string }{
			{"--filter label=app=db --format {{.Name}}/{{.Driver}}", "db/file"},
			{"--filter name=pip --noheading --format {{.Name}}", "piped"},
			{"--filter id=" + id[:8] + " -q", id},
		} {
			if got := strings.TrimSpace(e.MustPodlite(append([]string{"secret", "ls"}, strings.Fields(tc.args)...)...).Stdout); got != tc.want {
				t.Errorf("secret ls %s = %q, want %q", tc.args, got, tc.want)
			}
		}
	})
	t.Run("inspect", func(t *testing.T) {
		var rep []struct {
			ID, SecretData string
			Spec           struct {
				Name   string
				Driver struct{ Name string }
				Labels map[string]string
			}
		}
		out := e.MustPodlite("secret", "inspect", "--showsecret", "db").Stdout
		if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep) != 1 {
			t.Fatalf("secret inspect: %v\n%s", err, out)
		}
		if r := rep[0]; r.ID != id || r.Spec.Name != "db" || r.Spec.Driver.Name != "file" || r.Spec.Labels["app"] != "db" || r.SecretData != "s3cret" {
			t.Errorf("secret inspect: %+v", r)
		}
		if out := e.MustPodlite("secret", "inspect", "piped").Stdout; strings.Contains(out, "SecretData") {
			t.Errorf("data shown without --showsecret:\n%s", out)
		}
	})
	t.Run("containers", func(t *testing.T) {
		out := e.MustPodlite("run", "--rm", "--network", "none", "--secret", "db", "--secret", "db,target=/etc/pw,uid=7,mode=0400",
			"--secret", "piped,type=env,target=PIPED", img, "sh", "-c", `cat /run/secrets/db; echo; stat -c '%u %a' /etc/pw; echo $PIPED; echo x > /run/secrets/db || echo read-only`).Stdout
		if want := "s3cret\n7 400\nfrom-stdin\nread-only\n"; out != want {
			t.Errorf("secrets in a container: %q, want %q", out, want)
		}
		e.MustPodlite("create", "--network", "none", "--name", "keeper", "--secret", "db", "--secret", "piped,type=env", img, "sh", "-c", "cat /run/secrets/db; echo $piped")
		if env := e.MustPodlite("inspect", "--format", "{{.Config.Env}} {{range .Config.Secrets}}{{.Name}}{{end}}", "keeper").Stdout; strings.Contains(env, "from-stdin") || !strings.Contains(env, " db") {
			t.Errorf("inspect shows an env secret or misses the mounted one: %s", env)
		}
		if got := strings.TrimSpace(e.MustPodlite("secret", "rm", "db").Stdout); got != id {
			t.Errorf("secret rm printed %q", got)
		}
		if out := e.MustPodlite("start", "-a", "keeper").Stdout; out != "s3cretfrom-stdin\n" {
			t.Errorf("a container after its secret was removed: %q", out)
		}
	})
	t.Run("checkpoint export", func(t *testing.T) {
		// The archive carries the container's copy, owner and mode too.
		e.MustPodlite("run", "-d", "--network", "none", "--name", "moved", "--secret", "piped,target=/etc/pw,uid=7,mode=0400", img, "sleep", "60")
		archive := filepath.Join(t.TempDir(), "moved.tar")
		e.MustPodlite("container", "checkpoint", "--export", archive, "moved")
		e2 := NewEnv(t)
		e2.LoadBusybox()
		e2.MustPodlite("container", "restore", "--import", archive)
		if out := e2.MustPodlite("exec", "moved", "sh", "-c", "cat /etc/pw; echo; stat -c '%u %a' /etc/pw").Stdout; out != "from-stdin\n7 400\n" {
			t.Errorf("secret after restore --import: %q", out)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			code int
			msg  string
		}{
			{[]string{"secret", "inspect", "db"}, 125, `Error: inspecting secret: no secret with name or id "db": no such secret`},
			{[]string{"secret", "rm", "db"}, 125, `Error: no secret with name or id "db": no such secret`},
			{[]string{"secret", "rm", "-i", "db"}, 0, ""},
			{[]string{"secret", "exists", "db"}, 1, ""},
			{[]string{"secret", "exists", "piped"}, 0, ""},
			{[]string{"secret", "create", "piped", file}, 125, "Error: piped: secret name in use"},
			{[]string{"run", "--rm", "--secret", "db", img, "true"}, 125, `no secret with name or id "db"`},
			{[]string{"run", "--rm", "--secret", "piped,type=env,mode=0400", img, "true"}, 125, "cannot be set with secret option type=env"},
		} {
			r := e.Podlite(tc.args...)
			if r.ExitCode != tc.code || !strings.Contains(r.Stderr, tc.msg) {
				t.Errorf("%v: exit %d, %q", tc.args, r.ExitCode, r.Stderr)
			}
		}
		e.MustPodlite("secret", "rm", "--all")
		if out := e.MustPodlite("secret", "ls", "-q").Stdout; out != "" {
			t.Errorf("secret rm --all left %q", out)
		}
	})
}
