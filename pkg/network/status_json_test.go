package network

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestStatusJSONRoundTrip(t *testing.T) {
	in := Status{"podlite": {Interface: "eth0", MAC: "8e:de:eb:b7:3a:40",
		Addresses: []Address{{IP: "10.90.0.4/16", Gateway: "10.90.0.1"}},
		CNIResult: json.RawMessage(`{"cniVersion":"1.1.0"}`)}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"podlite":{"interfaces":{"eth0":{"subnets":[{"ipnet":"10.90.0.4/16","gateway":"10.90.0.1"}],"mac_address":"8e:de:eb:b7:3a:40"}},"cni_result":{"cniVersion":"1.1.0"}}}`
	if string(b) != want {
		t.Fatalf("marshalled\n%s\nwant\n%s", b, want)
	}
	var out Status
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip: %+v, want %+v", out, in)
	}
}

func TestStatusJSONReadsOtherShapes(t *testing.T) {
	for name, tc := range map[string]struct {
		json string
		want NetworkStatus
	}{
		"earlier podlite": {
			`{"interface":"eth0","mac_address":"aa:bb:cc:dd:ee:ff","addresses":[{"ip":"10.90.0.9/16","gateway":"10.90.0.1"}]}`,
			NetworkStatus{Interface: "eth0", MAC: "aa:bb:cc:dd:ee:ff", Addresses: []Address{{IP: "10.90.0.9/16", Gateway: "10.90.0.1"}}},
		},
		"podman": {
			`{"interfaces":{"eth0":{"subnets":[{"ipnet":"10.88.0.2/16","gateway":"10.88.0.1"}],"mac_address":"3e:f7:27:65:67:3a"}}}`,
			NetworkStatus{Interface: "eth0", MAC: "3e:f7:27:65:67:3a", Addresses: []Address{{IP: "10.88.0.2/16", Gateway: "10.88.0.1"}}},
		},
		"podman, two interfaces": {
			`{"interfaces":{"eth1":{"mac_address":"02:00:00:00:00:02"},"eth0":{"subnets":[{"ipnet":"fd00::2/64"}],"mac_address":"02:00:00:00:00:01"}}}`,
			NetworkStatus{Interface: "eth0", MAC: "02:00:00:00:00:01", Addresses: []Address{{IP: "fd00::2/64"}}},
		},
	} {
		var got NetworkStatus
		if err := json.Unmarshal([]byte(tc.json), &got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %+v, want %+v", name, got, tc.want)
		}
	}
}
