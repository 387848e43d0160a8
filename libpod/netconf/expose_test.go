package netconf

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

func TestParseExposeAndUnpublished(t *testing.T) {
	exposed, err := ParseExpose([]string{"80", "80/udp", "443/tcp", "8000-8002/udp", "90/sctp", "80"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint16][]string{80: {"tcp", "udp"}, 443: {"tcp"}, 8000: {"udp"}, 8001: {"udp"}, 8002: {"udp"}, 90: {"sctp"}}
	if !reflect.DeepEqual(exposed, want) {
		t.Fatalf("ParseExpose = %v, want %v", exposed, want)
	}
	left := Unpublished(exposed, []define.PortMapping{{ContainerPort: 80, Protocol: "tcp"}, {ContainerPort: 8001, Protocol: "udp", Range: 2}})
	want = map[uint16][]string{80: {"udp"}, 443: {"tcp"}, 8000: {"udp"}, 90: {"sctp"}}
	if !reflect.DeepEqual(left, want) {
		t.Errorf("Unpublished = %v, want %v", left, want)
	}
	if got := ExposedString(exposed); !slices.Equal(got, []string{"90/sctp", "80/tcp", "443/tcp", "80/udp", "8000-8002/udp"}) {
		t.Errorf("ExposedString = %q", got)
	}
	if Unpublished(map[uint16][]string{80: {"tcp"}}, []define.PortMapping{{ContainerPort: 80, Protocol: "tcp"}}) != nil {
		t.Error("Unpublished of published ports is not nil")
	}
	for _, bad := range []string{"0", "x", "80/icmp", "90-80", "70000"} {
		if _, err := ParseExpose([]string{bad}); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("ParseExpose(%q) = %v, want ErrInvalidArg", bad, err)
		}
	}
}
