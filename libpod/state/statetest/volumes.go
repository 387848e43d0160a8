package statetest

import (
	"testing"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/state"
)

func newVolume(name string) *define.Volume {
	return &define.Volume{
		Name:       name,
		Driver:     "local",
		Mountpoint: "/var/lib/podlite/volumes/" + name + "/_data",
		Labels:     map[string]string{"owner": "statetest"},
		CreatedAt:  timeAt(0),
	}
}

func testVolumes(t *testing.T, s state.Store) {
	vols, err := s.AllVolumes()
	checkErr(t, err, nil)
	if len(vols) != 0 {
		t.Fatalf("empty store lists %d volumes", len(vols))
	}
	// Volume names are a namespace of their own.
	mustAdd(t, s, 0)

	add := []struct {
		name string
		v    *define.Volume
		want error
	}{
		{"new", newVolume("data"), nil},
		{"second", newVolume("cache"), nil},
		{"same name as a container", newVolume(name(0)), nil},
		{"name in use", newVolume("data"), define.ErrExists},
		{"nil", nil, define.ErrInvalidArg},
		{"empty name", newVolume(""), define.ErrInvalidArg},
	}
	for _, tc := range add {
		t.Run("add "+tc.name, func(t *testing.T) {
			checkErr(t, s.AddVolume(tc.v), tc.want)
		})
	}

	v, err := s.Volume("data")
	checkErr(t, err, nil)
	EqualJSON(t, "volume", v, newVolume("data"))
	v.Labels["owner"] = "changed"
	again, err := s.Volume("data")
	checkErr(t, err, nil)
	EqualJSON(t, "volume after changing a returned copy", again, newVolume("data"))
	_, err = s.Volume("missing")
	checkErr(t, err, define.ErrNotFound)

	vols, err = s.AllVolumes()
	checkErr(t, err, nil)
	EqualJSON(t, "all volumes", vols,
		[]*define.Volume{newVolume("cache"), newVolume(name(0)), newVolume("data")})

	checkErr(t, s.RemoveVolume("data"), nil)
	checkErr(t, s.RemoveVolume("data"), define.ErrNotFound)
	_, err = s.Volume("data")
	checkErr(t, err, define.ErrNotFound)
	_, err = s.LookupContainer(name(0))
	checkErr(t, err, nil)
}
