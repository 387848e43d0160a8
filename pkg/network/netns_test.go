package network_test

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/network"
)

func TestNamespace(t *testing.T) {
	requiresRoot(t)
	dir := newNamespaceDir(t)
	path, err := network.NewNamespace(dir, "ns1")
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(dir, "ns1") {
		t.Errorf("path %s", path)
	}
	var host, ns unix.Stat_t
	if err := unix.Stat("/proc/self/ns/net", &host); err != nil {
		t.Fatal(err)
	}
	if err := unix.Stat(path, &ns); err != nil {
		t.Fatal(err)
	}
	if host.Ino == ns.Ino {
		t.Fatalf("the namespace file is the host's network namespace (%d/%d, %d/%d)", host.Dev, host.Ino, ns.Dev, ns.Ino)
	}
	if err := inNamespace(t, path, func() error {
		ifaces, err := net.Interfaces()
		if err != nil {
			return err
		}
		if len(ifaces) != 1 || ifaces[0].Name != "lo" || ifaces[0].Flags&net.FlagUp == 0 {
			t.Errorf("interfaces in the new namespace: %+v", ifaces)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := network.NewNamespace(dir, "ns1"); !errors.Is(err, define.ErrExists) {
		t.Errorf("second NewNamespace: %v, want ErrExists", err)
	}
	if _, err := network.NewNamespace(dir, "../x"); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("bad name: %v, want ErrInvalidArg", err)
	}
	if err := network.RemoveNamespace(path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("namespace file still there: %v", err)
	}
	if err := network.RemoveNamespace(path); err != nil {
		t.Errorf("second RemoveNamespace: %v", err)
	}
}
