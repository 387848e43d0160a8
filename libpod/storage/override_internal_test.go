package storage

import (
	"reflect"
	"testing"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
)

// TestApplyOverride checks commit --config's merge rules: set scalars
// replace, Cmd and Entrypoint replace as a pair, sets and Env are added.
func TestApplyOverride(t *testing.T) {
	base := func() imgspecv1.ImageConfig {
		return imgspecv1.ImageConfig{User: "u", WorkingDir: "/a", StopSignal: "SIGTERM", Entrypoint: []string{"ep"}, Cmd: []string{"c"},
			Env: []string{"A=1", "B=2"}, Labels: map[string]string{"k": "1"}}
	}
	for _, tc := range []struct {
		name     string
		override imgspecv1.ImageConfig
		want     func(c *imgspecv1.ImageConfig)
	}{
		{"empty keeps all", imgspecv1.ImageConfig{}, func(*imgspecv1.ImageConfig) {}},
		{"cmd replaces the pair", imgspecv1.ImageConfig{Cmd: []string{"x"}}, func(c *imgspecv1.ImageConfig) {
			c.Entrypoint, c.Cmd = nil, []string{"x"}
		}},
		{"scalars, env and labels", imgspecv1.ImageConfig{User: "v", WorkingDir: "/b", Env: []string{"A=9", "C=3"}, Labels: map[string]string{"k": "2", "n": "3"}},
			func(c *imgspecv1.ImageConfig) {
				c.User, c.WorkingDir = "v", "/b"
				c.Env = []string{"B=2", "A=9", "C=3"}
				c.Labels = map[string]string{"k": "2", "n": "3"}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, want := base(), base()
			applyOverride(&got, &tc.override)
			tc.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		})
	}
}
