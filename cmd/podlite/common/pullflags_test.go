package common

import (
	"testing"

	"github.com/podlite/podlite/libpod/storage"
)

func TestPullFlagsApply(t *testing.T) {
	for _, tc := range []struct {
		flags          PullFlags
		os, arch, vari string
		fails          bool
	}{
		{flags: PullFlags{Arch: "arm64", OS: "linux"}, os: "linux", arch: "arm64"},
		{flags: PullFlags{Platform: "linux/arm/v7"}, os: "linux", arch: "arm", vari: "v7"},
		{flags: PullFlags{Platform: "linux/amd64", Variant: "v2"}, os: "linux", arch: "amd64", vari: "v2"},
		{flags: PullFlags{Platform: "linux/arm64", Arch: "arm64"}, fails: true},
		{flags: PullFlags{Platform: "linux"}, fails: true},
		{flags: PullFlags{Platform: "a/b/c/d"}, fails: true},
	} {
		var o storage.PullOptions
		err := tc.flags.Apply(&o)
		if (err != nil) != tc.fails {
			t.Errorf("Apply(%+v) = %v, want failure %v", tc.flags, err, tc.fails)
			continue
		}
		if !tc.fails && (o.OS != tc.os || o.Arch != tc.arch || o.Variant != tc.vari) {
			t.Errorf("Apply(%+v) gave %s/%s/%s", tc.flags, o.OS, o.Arch, o.Variant)
		}
	}
}
