package network

import (
	"errors"
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

func TestRoutes(t *testing.T) {
	n := &Network{Name: "n", Subnets: []Subnet{{Subnet: "10.91.0.0/24"}}}
	for in, want := range map[string]error{
		"10.99.0.0/16,10.91.0.254":   nil,
		"10.99.0.5/16,10.91.0.254":   nil, // the destination's network is taken
		"10.99.0.0/16,10.92.0.1":     define.ErrInvalidArg,
		"10.99.0.0/16,10.91.0.254,7": define.ErrNotSupported,
		"fd00::/64,10.91.0.254":      define.ErrInvalidArg,
		"10.99.0.0/16":               define.ErrInvalidArg,
		"10.99.0.0/16,x":             define.ErrInvalidArg,
		"10.99.0.0/16,10.91.0.1,x":   define.ErrInvalidArg,
	} {
		r, err := ParseRoute(in)
		if err == nil {
			n.Routes = []Route{r}
			err = validateRoutes(n)
		}
		if !errors.Is(err, want) || (want == nil) != (err == nil) {
			t.Errorf("%s: %v, want %v", in, err, want)
		}
	}
	r, _ := ParseRoute("10.99.0.5/16,10.91.0.254")
	n.Routes = []Route{r}
	ipam, err := ipamFor(n, "/d")
	if err != nil {
		t.Fatal(err)
	}
	routes := ipam["routes"].([]map[string]string)
	if last := routes[len(routes)-1]; last["dst"] != "10.99.0.0/16" || last["gw"] != "10.91.0.254" {
		t.Errorf("ipam routes %v", routes)
	}
}
