package networktest_test

import (
	"context"
	"errors"
	"net"
	"testing"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/network"
	"github.com/podlite/podlite/pkg/network/networktest"
)

func TestFakeConformance(t *testing.T) {
	networktest.RunManagerTests(t, func(*testing.T) network.Manager { return networktest.New() })
}

func TestFakeSetupTeardown(t *testing.T) {
	m := networktest.New()
	if _, err := m.EnsureDefault(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	req := func(id string, att network.Attachment) network.Request {
		return network.Request{ContainerID: id, Networks: map[string]network.Attachment{network.DefaultName: att}}
	}
	st1, err := m.Setup(ctx, req("c1", network.Attachment{}))
	if err != nil || st1[network.DefaultName].Addresses[0].IP != "10.99.0.2/24" || st1[network.DefaultName].Interface != "eth0" {
		t.Fatalf("c1: %+v, %v", st1, err)
	}
	st2, err := m.Setup(ctx, req("c2", network.Attachment{StaticIPs: []net.IP{net.ParseIP("10.99.0.7")}, StaticMAC: "02:00:00:00:00:07"}))
	if err != nil || st2[network.DefaultName].Addresses[0].IP != "10.99.0.7/24" || st2[network.DefaultName].MAC != "02:00:00:00:00:07" {
		t.Fatalf("c2: %+v, %v", st2, err)
	}
	if _, err := m.Setup(ctx, req("c3", network.Attachment{StaticIPs: []net.IP{net.ParseIP("10.99.0.7")}})); !errors.Is(err, define.ErrExists) {
		t.Errorf("taken ip: %v", err)
	}
	if err := m.Teardown(ctx, req("c2", network.Attachment{})); err != nil {
		t.Fatal(err)
	}
	if l, _ := m.Leases(network.DefaultName); len(l) != 1 || l["10.99.0.2"] != "c1" {
		t.Errorf("leases %v", l)
	}
	if calls := m.Calls(); len(calls) != 4 || calls[3].Op != "Teardown" || calls[3].Request.ContainerID != "c2" {
		t.Errorf("calls %+v", calls)
	}
	m.SetupErr = define.ErrUnavailable
	if _, err := m.Setup(ctx, req("c4", network.Attachment{})); !errors.Is(err, define.ErrUnavailable) {
		t.Errorf("injected error: %v", err)
	}
}
