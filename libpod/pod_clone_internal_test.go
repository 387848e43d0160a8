package libpod

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/names"
	"github.com/podlite/podlite/libpod/netconf"
	"github.com/podlite/podlite/libpod/pods"
)

// TestPublishFlags: a clone's -p values parse back to the original's port
// mappings.
func TestPublishFlags(t *testing.T) {
	want, err := netconf.ParsePorts([]string{"8080:80", "127.0.0.1:9000-9001:90-91/udp", "[::1]:7000:70", "10.0.0.1::53/udp", "443"})
	if err != nil {
		t.Fatal(err)
	}
	flags := publishFlags(want)
	got, err := netconf.ParsePorts(flags)
	if err != nil {
		t.Fatalf("ParsePorts(%q): %v", flags, err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("publishFlags %q parse to %+v, want %+v", flags, got, want)
	}
}

// TestCloneName: podman's names for clones, each free of pods and
// containers.
func TestCloneName(t *testing.T) {
	r := newTestRuntime(t)
	add := func(name string) {
		t.Helper()
		cfg := &define.PodConfig{ID: names.NewID(), Name: name, CreatedAt: time.Now()}
		if err := r.store.AddPod(cfg, &define.PodState{}); err != nil {
			t.Fatal(err)
		}
	}
	add("web")
	if got := r.cloneName("web"); got != "web-clone" {
		t.Errorf("first clone of web: %q", got)
	}
	add("web-clone")
	if got := r.cloneName("web"); got != "web-clone1" {
		t.Errorf("clone of web with web-clone taken: %q", got)
	}
	add("web-clone1")
	for name, want := range map[string]string{"web": "web-clone2", "web-clone": "web-clone2", "web-clone7": "web-clone8", "db": "db-clone"} {
		if got := r.cloneName(name); got != want {
			t.Errorf("cloneName(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestPodConfigInfraFlags: --share-parent, --share none and the infra
// flags a pod without an infra refuses.
func TestPodConfigInfraFlags(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    PodCreateOptions
		wantErr bool
		check   func(*define.PodConfig) bool
	}{
		{"share-parent", PodCreateOptions{Infra: true, ShareParent: true},
			false, func(c *define.PodConfig) bool { return c.CgroupPath == pods.CgroupPath(c.ID) }},
		{"no share-parent", PodCreateOptions{Infra: true},
			false, func(c *define.PodConfig) bool { return c.CgroupPath == "" }},
		{"share cgroup with share-parent", PodCreateOptions{Infra: true, ShareParent: true, Share: []string{"+cgroup"}, ShareSet: true}, true, nil},
		{"share cgroup alone", PodCreateOptions{Infra: true, Share: []string{"+cgroup"}, ShareSet: true},
			false, func(c *define.PodConfig) bool { return slices.Contains(c.Share, define.ShareCgroup) }},
		{"share none", PodCreateOptions{Infra: true, Share: []string{"none"}, ShareSet: true},
			false, func(c *define.PodConfig) bool { return !c.Infra && c.InfraName == "" }},
		{"share none with --infra", PodCreateOptions{Infra: true, InfraSet: true, Share: []string{"none"}, ShareSet: true},
			false, func(c *define.PodConfig) bool { return c.Infra && len(c.Share) == 0 }},
		{"infra image", PodCreateOptions{Infra: true, InfraImage: "busybox", InfraCommand: []string{"sleep", "1"}},
			false, func(c *define.PodConfig) bool { return c.InfraImage == "busybox" }},
		{"infra-name without infra", PodCreateOptions{InfraName: "holder"}, true, nil},
		{"infra-image without infra", PodCreateOptions{InfraImage: "busybox"}, true, nil},
		{"infra-command without infra", PodCreateOptions{InfraCommand: []string{"sleep"}}, true, nil},
	} {
		cfg, err := podConfig(&tc.opts)
		switch {
		case tc.wantErr && !errors.Is(err, define.ErrInvalidArg):
			t.Errorf("%s: %v, want ErrInvalidArg", tc.name, err)
		case !tc.wantErr && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case !tc.wantErr && !tc.check(cfg):
			t.Errorf("%s: config %+v", tc.name, cfg)
		}
	}
}
