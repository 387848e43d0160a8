package e2e

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// TestImageLoginPullPush runs Debian's docker-registry with htpasswd auth
// on 127.0.0.1: login writes podman's auth.json (--authfile or
// $REGISTRY_AUTH_FILE), push, pull (--all-tags) and run use it or
// --creds, logout forgets.
func TestImageLoginPullPush(t *testing.T) {
	dir := t.TempDir()
	registry := startAuthRegistry(t)
	e := NewEnv(t)
	img := e.LoadBusybox()
	id := imageID(e, img)
	auth := filepath.Join(dir, "auth.json")
	insecure := "--tls-verify=false"

	expectOneLineError(t, e.Podlite("push", insecure, img, registry+"/test/bb:1"))
	expectOneLineError(t, e.Podlite("login", insecure, "--authfile", auth, "-u", "ann", "-p", "wrong", registry))
	r := e.MustPodlite("login", insecure, "--authfile", auth, "-u", "ann", "-p", "s3cret", registry)
	if strings.TrimSpace(r.Stdout) != "Login Succeeded!" {
		t.Errorf("login printed %q", r.Stdout)
	}
	var file struct {
		Auths map[string]struct{ Auth string }
	}
	readJSON(t, auth, &file)
	if got := file.Auths[registry].Auth; got != base64.StdEncoding.EncodeToString([]byte("ann:s3cret")) {
		t.Errorf("auth.json holds %q for %s", got, registry)
	}
	if got := strings.TrimSpace(e.MustPodlite("login", "--authfile", auth, "--get-login", registry).Stdout); got != "ann" {
		t.Errorf("login --get-login printed %q", got)
	}

	e.MustPodlite("push", "-q", insecure, "--authfile", auth, img, registry+"/test/bb:1")
	e.MustPodlite("push", "-q", insecure, "--creds", "ann:s3cret", img, registry+"/test/bb:2")
	e.MustPodlite("rmi", "-a")
	r = e.MustPodlite("pull", "-q", "-a", insecure, "--authfile", auth, registry+"/test/bb")
	if got := strings.Fields(r.Stdout); len(got) != 2 || got[0] != id || got[1] != id {
		t.Errorf("pull --all-tags printed %q, want %s twice", r.Stdout, id)
	}
	for _, tag := range []string{"1", "2"} {
		e.MustPodlite("image", "exists", registry+"/test/bb:"+tag)
	}
	e.MustPodlite("rmi", "-a")
	e.MustPodlite("run", "--rm", "--network", "none", "-q", insecure, "--authfile", auth, registry+"/test/bb:1", "true")

	// The default auth file is $REGISTRY_AUTH_FILE; --password-stdin.
	envAuth := filepath.Join(dir, "env-auth.json")
	login := e.Command("login", insecure, "-u", "ann", "--password-stdin", registry)
	login.Env = append(os.Environ(), "REGISTRY_AUTH_FILE="+envAuth)
	login.Stdin = strings.NewReader("s3cret\n")
	if out, err := login.CombinedOutput(); err != nil {
		t.Fatalf("login --password-stdin: %v: %s", err, out)
	}
	readJSON(t, envAuth, &file)
	if _, ok := file.Auths[registry]; !ok {
		t.Errorf("$REGISTRY_AUTH_FILE holds no credentials for %s", registry)
	}

	r = e.MustPodlite("logout", "--authfile", auth, registry)
	if strings.TrimSpace(r.Stdout) != "Removed login credentials for "+registry {
		t.Errorf("logout printed %q", r.Stdout)
	}
	expectOneLineError(t, e.Podlite("logout", "--authfile", auth, registry))
	expectOneLineError(t, e.Podlite("pull", insecure, "--authfile", auth, registry+"/test/bb:1"))
	e.MustPodlite("logout", "--authfile", envAuth, "--all")
	var after struct{ Auths map[string]any }
	readJSON(t, envAuth, &after)
	if len(after.Auths) != 0 {
		t.Errorf("logout --all left %v", after.Auths)
	}
	for name, args := range map[string][]string{
		"all-tags with a tag":   {"pull", "-a", insecure, registry + "/test/bb:1"},
		"platform and arch":     {"pull", "--platform", "linux/arm64", "--arch", "arm64", "busybox"},
		"missing authfile":      {"pull", "--authfile", filepath.Join(dir, "none.json"), registry + "/test/bb:1"},
		"logout without target": {"logout"},
		"password twice":        {"login", "-u", "ann", "-p", "x", "--password-stdin", registry},
	} {
		t.Run(name, func(t *testing.T) { expectOneLineError(t, e.Podlite(args...)) })
	}
}

// startAuthRegistry starts a registry (as startRegistry) that takes the
// user "ann" with the password "s3cret" only.
func startAuthRegistry(t *testing.T) string {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	htpasswd := filepath.Join(t.TempDir(), "htpasswd")
	writeFile(t, htpasswd, "ann:"+string(hash)+"\n")
	return startRegistry(t, "auth:\n  htpasswd:\n    realm: test\n    path: "+htpasswd+"\n")
}
