package filter

import (
	"errors"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/network"
)

func TestNetworks(t *testing.T) {
	old := &network.Network{Name: "web", ID: "abc1", Driver: "bridge", Labels: map[string]string{"app": "shop"},
		Created: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	recent := &network.Network{Name: "lan", ID: "def2", Driver: "macvlan", Created: time.Now()}
	for _, tc := range []struct {
		filters []string
		want    []bool // old, recent
	}{
		{nil, []bool{true, true}},
		{[]string{"name=we"}, []bool{true, false}},
		{[]string{"id=def"}, []bool{false, true}},
		{[]string{"driver=macvlan", "driver=bridge"}, []bool{true, true}},
		{[]string{"label=app=shop"}, []bool{true, false}},
		{[]string{"label!=app"}, []bool{false, true}},
		{[]string{"until=2024-06-01T00:00:00Z"}, []bool{true, false}},
		{[]string{"until=1h"}, []bool{true, false}},
		{[]string{"until=2024-06-01T00:00:00Z", "driver=macvlan"}, []bool{false, false}},
	} {
		match, err := Networks(tc.filters)
		if err != nil {
			t.Fatalf("Networks(%v): %v", tc.filters, err)
		}
		if got := []bool{match(old), match(recent)}; got[0] != tc.want[0] || got[1] != tc.want[1] {
			t.Errorf("Networks(%v) matched %v, want %v", tc.filters, got, tc.want)
		}
	}
	for _, bad := range []string{"until=soon", "dangling=true", "name=["} {
		if _, err := Networks([]string{bad}); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("Networks(%s) error = %v, want an invalid argument", bad, err)
		}
	}
}
