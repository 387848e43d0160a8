package importrules_test

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/podlite/podlite"

// owners maps each outside dependency to the package (with the packages
// below it) allowed to import it; test/bench/floor measures libcontainer
// without podlite on purpose.
var owners = map[string][]string{
	"github.com/opencontainers/runc/":              {"libpod/oci", "test/bench/floor"},
	"github.com/containernetworking/cni/":          {"pkg/network"},
	"go.etcd.io/bbolt":                             {"libpod/state"},
	"go.podman.io/storage":                         {"libpod/storage"},
	"go.podman.io/image/":                          {"libpod/storage"},
	"github.com/checkpoint-restore/go-criu/":       {"pkg/criu"},
	"github.com/opencontainers/runtime-tools/":     {"libpod/spec"},
	"github.com/opencontainers/selinux/go-selinux": {"libpod/spec"},
	"github.com/spf13/cobra":                       {"cmd/podlite", "hack/gendocs"},
	"github.com/coreos/go-systemd/v22/journal":     {"libpod/logs"},
	"github.com/coreos/go-systemd/v22/daemon":      {"libpod/supervisor"},
	"github.com/coreos/go-systemd/v22/unit":        {"pkg/quadlet"},
	"github.com/coreos/go-systemd/v22/dbus":        {"pkg/rootless"},
	"github.com/godbus/dbus/":                      {"pkg/rootless"},
}

func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-tags", "seccomp exclude_graphdriver_btrfs containers_image_openpgp",
		"-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "/")
		for _, imp := range fields[1:] {
			checkImport(t, pkg, imp)
		}
	}
}

func checkImport(t *testing.T, pkg, imp string) {
	t.Helper()
	if own, ok := strings.CutPrefix(imp, module+"/"); ok {
		below := strings.HasPrefix(pkg, "pkg/") || strings.HasPrefix(pkg, "libpod/")
		if below && (own == "libpod" || strings.HasPrefix(own, "cmd/")) {
			t.Errorf("%s imports %s: packages under pkg/ and libpod/ must not import libpod or cmd", pkg, own)
		}
		if strings.HasPrefix(pkg, "libpod") && strings.HasPrefix(own, "cmd/") {
			t.Errorf("%s imports %s: libpod must not import cmd", pkg, own)
		}
		return
	}
	for dep, allowed := range owners {
		if !strings.HasPrefix(imp, dep) {
			continue
		}
		ok := false
		for _, a := range allowed {
			ok = ok || pkg == a || strings.HasPrefix(pkg, a+"/")
		}
		if !ok {
			t.Errorf("%s imports %s, which only %v may import", pkg, imp, allowed)
		}
	}
}
