package network_test

import (
	"context"
	"testing"
	"time"

	"github.com/podlite/podlite/pkg/network"
)

// BenchmarkSetupTeardown measures one container on a bridge network with
// one published port (bridge+portmap+firewall+tuning), reporting the time
// each plugin took per ADD and DEL (go test -bench . as root with
// PODLITE_TEST_ROOT=1).
func BenchmarkSetupTeardown(b *testing.B) {
	requiresRoot(b)
	ctx := context.Background()
	m, _, times := newTestCNI(b)
	n, _ := testNetwork(b, m)
	ns, err := network.NewNamespace(newNamespaceDir(b), "bench")
	if err != nil {
		b.Fatal(err)
	}
	req := network.Request{
		ContainerID: "bench" + randomHex(b, 8), NetNS: ns,
		Networks: map[string]network.Attachment{n.Name: {InterfaceName: "eth0"}},
		Ports:    []network.PortMapping{{HostIP: "127.0.0.1", HostPort: 28080, ContainerPort: 80}},
	}
	times.take()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Setup(ctx, req); err != nil {
			b.Fatal(err)
		}
		if err := m.Teardown(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	per := map[string]time.Duration{}
	for _, c := range times.take() {
		per[c.command+"-"+c.plugin] += c.d
	}
	for k, d := range per {
		b.ReportMetric(float64(d.Microseconds())/1000/float64(b.N), k+"-ms/op")
	}
}
