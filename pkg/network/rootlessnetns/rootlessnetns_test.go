package rootlessnetns

import (
	"reflect"
	"testing"

	"github.com/podlite/podlite/pkg/network"
)

// The ports pasta forwards are the sorted union of every container's; a
// container's record goes with a request without ports, and with no
// namespace nothing is restarted.
func TestPortsUnion(t *testing.T) {
	n := New(t.TempDir())
	a := []network.PortMapping{{HostPort: 9000, ContainerPort: 80, Protocol: "tcp", Range: 1}}
	b := []network.PortMapping{{HostPort: 8000, ContainerPort: 80, Protocol: "tcp", Range: 1}, {HostPort: 53, ContainerPort: 53, Protocol: "udp", Range: 1}}
	if err := n.setPorts("a", a); err != nil {
		t.Fatal(err)
	}
	if err := n.setPorts("b", b); err != nil {
		t.Fatal(err)
	}
	got, err := n.allPorts()
	if err != nil {
		t.Fatal(err)
	}
	want := []network.PortMapping{b[0], a[0], b[1]}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("allPorts = %v, want %v", got, want)
	}
	if err := n.setPorts("b", nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := n.allPorts(); !reflect.DeepEqual(got, a) {
		t.Errorf("after b went: %v, want %v", got, a)
	}
	if n.Exists() {
		t.Error("a namespace exists that was never made")
	}
}
