package libpod

import (
	"reflect"
	"testing"

	"github.com/podlite/podlite/pkg/network"
)

func TestRestoreWants(t *testing.T) {
	saved := network.Status{"podlite": {MAC: "aa:bb:cc:dd:ee:ff", Addresses: []network.Address{{IP: "10.88.0.5/16"}}}}
	for _, tt := range []struct {
		opts RestoreOptions
		want network.Status
	}{
		{RestoreOptions{}, saved},
		{RestoreOptions{IgnoreStaticIP: true}, network.Status{"podlite": {MAC: "aa:bb:cc:dd:ee:ff"}}},
		{RestoreOptions{IgnoreStaticMAC: true}, network.Status{"podlite": {Addresses: []network.Address{{IP: "10.88.0.5/16"}}}}},
	} {
		if got := restoreWants(saved, tt.opts); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("restoreWants(%+v) = %+v, want %+v", tt.opts, got, tt.want)
		}
	}
	if saved["podlite"].MAC == "" || len(saved["podlite"].Addresses) != 1 {
		t.Errorf("restoreWants changed the saved status: %+v", saved)
	}
	if got := restoreWants(nil, RestoreOptions{IgnoreStaticIP: true}); got != nil {
		t.Errorf("restoreWants(nil) = %+v, want nil", got)
	}
}
