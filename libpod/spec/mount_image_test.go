package spec_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/spec"
)

// TestParseImageMount covers --mount type=image's fields and refusals.
func TestParseImageMount(t *testing.T) {
	for _, tc := range []struct {
		in, src, dest, mode, subpath string
		err                          error
	}{
		{in: "type=image,source=img,destination=/i", src: "img", dest: "/i", mode: "ro"},
		{in: "type=image,src=img,dst=/i/,rw=true", src: "img", dest: "/i", mode: "rw"},
		{in: "type=image,src=img,target=/i,readwrite", src: "img", dest: "/i", mode: "rw"},
		{in: "type=image,src=img,target=/i,readonly=false", src: "img", dest: "/i", mode: "rw"},
		{in: "type=image,src=img,target=/i,subpath=/etc", src: "img", dest: "/i", mode: "ro", subpath: "/etc"},
		{in: "type=image,target=/i", err: define.ErrInvalidArg},
		{in: "type=image,src=img,target=rel", err: define.ErrInvalidArg},
		{in: "type=image,src=img,target=/i,subpath=../x", err: define.ErrInvalidArg},
		{in: "type=image,src=img,target=/i,tmpfs-size=1m", err: define.ErrInvalidArg},
		{in: "type=image,src=img,target=/i,idmap", err: define.ErrNotSupported},
	} {
		ms, err := spec.ParseMounts(tc.in)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("%s: error %v, want %v", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || len(ms) != 1 {
			t.Fatalf("%s: %v %v", tc.in, ms, err)
		}
		m := ms[0]
		if m.Type != "image" || m.Source != tc.src || m.Destination != tc.dest || !slices.Equal(m.Options, []string{tc.mode}) || m.Subpath != tc.subpath {
			t.Errorf("%s: %+v", tc.in, m)
		}
	}
}
