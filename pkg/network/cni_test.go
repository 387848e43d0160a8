package network_test

import (
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
