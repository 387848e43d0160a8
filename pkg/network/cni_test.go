package network_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/podlite/podlite/pkg/network"
	"github.com/podlite/podlite/pkg/network/networktest"
)

func TestCNIConformance(t *testing.T) {
	networktest.RunManagerTests(t, func(t *testing.T) network.Manager {
		m, _, _ := newTestCNI(t)
		return m
	})
}

// TestEnsureDefaultAcrossManagers races managers that share directories,
// as separate podlite processes do: all succeed with one network.
func TestEnsureDefaultAcrossManagers(t *testing.T) {
	_, opts, _ := newTestCNI(t)
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := network.New(opts)
			if err != nil {
				t.Error(err)
				return
			}
			n, err := m.EnsureDefault()
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = n.ID
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("EnsureDefault wrote different networks: %v", ids)
		}
	}
	m, _ := network.New(opts)
	n, err := m.Network(network.DefaultName)
	if err != nil || n.Subnets[0].Subnet != testDefaultSubnet || n.Subnets[0].Gateway != "10.213.255.1" || n.NetworkInterface != opts.DefaultInterface {
		t.Fatalf("default network %+v, %v", n, err)
	}
}

// TestAdoptOwnLeases: a root's leases from before network domains move
// into the domain's lease directory when its manager opens; an address
// the domain already leases to someone else stays theirs.
func TestAdoptOwnLeases(t *testing.T) {
	_, opts, _ := newTestCNI(t)
	own := filepath.Join(t.TempDir(), "ipam")
	for path, data := range map[string]string{
		filepath.Join(own, "podlite", "10.90.0.5"):                   "c1\r\neth0",
		filepath.Join(own, "podlite", "10.90.0.6"):                   "c2\r\neth0",
		filepath.Join(own, "podlite", "lock"):                        "",
		filepath.Join(opts.StateDir, "ipam", "podlite", "10.90.0.6"): "other\r\neth0",
	} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts.OwnLeaseDir = own
	m, err := network.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	leases, err := m.Leases("podlite")
	if err != nil || len(leases) != 2 || leases["10.90.0.5"] != "c1" || leases["10.90.0.6"] != "other" {
		t.Fatalf("domain leases after the move: %v, %v", leases, err)
	}
	if _, err := os.Stat(own); !os.IsNotExist(err) {
		t.Fatalf("the root's old lease directory is still there: %v", err)
	}
}
