package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestImageRegistryFlags checks push's --digestfile, --format and
// --compression-format against what the registry stores, login's
// --secret, --verbose and --compat-auth-file, --retry on pull and push,
// and the refused signing and encryption flags; login -v and push
// --digestfile against podman 4.3.1.
func TestImageRegistryFlags(t *testing.T) {
	registry := startAuthRegistry(t)
	e, pm, img := NewPodlitePodman(t)
	dir := t.TempDir()
	auth := filepath.Join(dir, "auth.json")
	insecure := "--tls-verify=false"

	// login --secret: the secret's name is the user name without -u.
	pw := filepath.Join(dir, "pw")
	writeFile(t, pw, "s3cret")
	e.MustPodlite("secret", "create", "ann", pw)
	r := e.MustPodlite("login", insecure, "-v", "--authfile", auth, "--secret", "ann", registry)
	pr := pm.Result("login", insecure, "-v", "--authfile", auth, "-u", "ann", "-p", "s3cret", registry)
	if r.Stdout != pr.Stdout || r.Stdout != "Used:  "+auth+"\nLogin Succeeded!\n" {
		t.Errorf("login -v printed %q, podman %q", r.Stdout, pr.Stdout)
	}
	if got := strings.TrimSpace(e.MustPodlite("login", "--authfile", auth, "--get-login", registry).Stdout); got != "ann" {
		t.Errorf("login --secret recorded user %q", got)
	}

	// --compat-auth-file writes docker's config.json, keeping other keys.
	compat := filepath.Join(dir, "config.json")
	writeFile(t, compat, `{"detachKeys":"ctrl-x"}`)
	e.MustPodlite("login", insecure, "--compat-auth-file", compat, "-u", "ann", "-p", "s3cret", registry)
	var docker struct {
		Auths      map[string]struct{ Auth string }
		DetachKeys string
	}
	readJSON(t, compat, &docker)
	if docker.Auths[registry].Auth == "" || docker.DetachKeys != "ctrl-x" {
		t.Errorf("--compat-auth-file wrote %+v", docker)
	}
	e.MustPodlite("logout", "--compat-auth-file", compat, registry)
	var after struct{ Auths map[string]any }
	readJSON(t, compat, &after)
	if _, ok := after.Auths[registry]; ok {
		t.Errorf("logout --compat-auth-file left %+v", after.Auths)
	}

	// push: the digest file holds the digest the registry serves.
	for _, c := range []struct {
		tag, format, compression, wantType, wantLayer string
	}{
		{"v2s2", "v2s2", "", "application/vnd.docker.distribution.manifest.v2+json", "tar.gzip"},
		{"oci", "oci", "", "application/vnd.oci.image.manifest.v1+json", "tar+gzip"},
		{"zstd", "", "zstd", "application/vnd.oci.image.manifest.v1+json", "tar+zstd"},
	} {
		digestFile := filepath.Join(dir, c.tag+".digest")
		args := []string{"push", "-q", insecure, "--authfile", auth, "--digestfile", digestFile}
		if c.format != "" {
			args = append(args, "-f", c.format)
		}
		if c.compression != "" {
			args = append(args, "--compression-format", c.compression)
		}
		e.MustPodlite(append(args, img, registry+"/flags/bb:"+c.tag)...)
		mediaType, layer, digest := registryManifest(t, registry, "flags/bb", c.tag)
		if got, _ := os.ReadFile(digestFile); string(got) != digest || mediaType != c.wantType || !strings.HasSuffix(layer, c.wantLayer) {
			t.Errorf("push %s: digest file %q, registry %s %s layer %s", c.tag, got, digest, mediaType, layer)
		}
	}
	pmDigest := filepath.Join(dir, "podman.digest")
	pm.MustRun("push", "-q", insecure, "--authfile", auth, "--digestfile", pmDigest, img, registry+"/flags/bb:podman")
	_, _, digest := registryManifest(t, registry, "flags/bb", "podman")
	if got, _ := os.ReadFile(pmDigest); string(got) != digest || !regexp.MustCompile(`^sha256:[0-9a-f]{64}$`).Match(got) {
		t.Errorf("podman's digest file %q, registry %s", got, digest)
	}

	// --retry and --retry-delay on pull and push, with podman's warning.
	nowhere := freeAddr(t) + "/nothing-listens"
	for name, args := range map[string][]string{
		"pull": {"pull", insecure, "--retry", "1", "--retry-delay", "50ms", nowhere},
		"push": {"push", insecure, "--retry", "1", "--retry-delay", "50ms", img, nowhere},
	} {
		if r := e.Podlite(args...); r.ExitCode != 125 || !strings.Contains(r.Stderr, "retrying in 50ms ... (1/1)") {
			t.Errorf("%s --retry 1: exit %d, stderr %q", name, r.ExitCode, r.Stderr)
		}
	}

	for name, args := range map[string][]string{
		"sign-by":              {"push", "--sign-by", "key", img, registry + "/x"},
		"sign-passphrase-file": {"push", "--sign-passphrase-file", pw, img, registry + "/x"},
		"encrypt-layer":        {"push", "--encrypt-layer", "0", img, registry + "/x"},
		"encryption-key":       {"push", "--encryption-key", "jwe:k.pem", img, registry + "/x"},
		"decryption-key":       {"pull", "--decryption-key", "k.pem", registry + "/x"},
		"unknown format":       {"push", "-f", "v3", img, registry + "/x"},
		"unknown compression":  {"push", "--compression-format", "lz4", img, registry + "/x"},
		"both auth files":      {"login", "--authfile", auth, "--compat-auth-file", compat, "-u", "ann", "-p", "s3cret", registry},
		"secret and password":  {"login", "--secret", "ann", "-p", "x", registry},
	} {
		t.Run(name, func(t *testing.T) { expectOneLineError(t, e.Podlite(args...)) })
	}
}

// TestImageCertDir pushes to and pulls from a registry serving TLS with a
// certificate of its own CA: refused without --cert-dir, taken with it.
func TestImageCertDir(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := writeTestCert(t, dir)
	certDir := filepath.Join(dir, "certs.d")
	if err := os.MkdirAll(certDir, 0o755); err != nil {
		t.Fatal(err)
	}
	pemBytes, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(certDir, "ca.crt"), string(pemBytes))
	registry := startRegistry(t, "  tls:\n    certificate: "+certFile+"\n    key: "+keyFile+"\n")
	e := NewEnv(t)
	img := e.LoadBusybox()
	ref := registry + "/tls/bb:1"
	r := e.Podlite("push", "-q", img, ref)
	if r.ExitCode != 125 || !strings.Contains(r.Stderr, "certificate") {
		t.Errorf("push without --cert-dir: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
	e.MustPodlite("push", "-q", "--cert-dir", certDir, img, ref)
	e.MustPodlite("rmi", img)
	e.MustPodlite("pull", "-q", "--cert-dir", certDir, ref)
}

// registryManifest returns the media type, the first layer's media type
// and the digest of the manifest registry serves for repo:tag, read with
// ann's credentials.
func registryManifest(t *testing.T, registry, repo, tag string) (string, string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+registry+"/v2/"+repo+"/manifests/"+tag, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("ann", "s3cret")
	req.Header.Set("Accept", "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m struct {
		MediaType string
		Layers    []struct{ MediaType string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || len(m.Layers) == 0 {
		t.Fatalf("manifest of %s:%s: %v (%d layers)", repo, tag, err, len(m.Layers))
	}
	return m.MediaType, m.Layers[0].MediaType, resp.Header.Get("Docker-Content-Digest")
}

// writeTestCert writes a self-signed certificate for 127.0.0.1 and its
// key into dir and returns their paths.
func writeTestCert(t *testing.T, dir string) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeFile(t, certFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	writeFile(t, keyFile, string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})))
	return certFile, keyFile
}
