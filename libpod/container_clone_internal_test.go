package libpod

import (
	"errors"
	"slices"
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

// TestCloneContainerOptions: what a clone takes from its original's parsed
// command line and what it drops or replaces.
func TestCloneContainerOptions(t *testing.T) {
	r := newTestRuntime(t)
	line := []string{"podlite", "run", "--pod", "new:app", "busybox"}
	src := &Container{rt: r, config: &define.ContainerConfig{ID: "c1", Name: "m1", CreateCommand: line}}
	var gotExtra []string
	parse := func(l, extra []string) (*CreateOptions, error) {
		if !slices.Equal(l, line) {
			t.Errorf("parsed %q, want the original's line", l)
		}
		gotExtra = extra
		return &CreateOptions{Name: "m1", Image: "busybox", Pod: "new:app", Network: "bridge", Hostname: "h",
			Publish: []string{"80"}, CIDFile: "/tmp/cid", Replace: true, Pull: "always"}, nil
	}
	o, err := r.cloneContainerOptions(src, &ContainerCloneOptions{CreateArgs: []string{"--memory=8m"}, Parse: parse})
	if err != nil {
		t.Fatal(err)
	}
	if o.Name != "m1-clone" || o.Pod != "app" || o.Network != "" || o.Hostname != "" || o.Publish != nil ||
		o.CIDFile != "" || o.Replace || o.Pull != "never" || !o.PullOptions.Quiet || !slices.Equal(o.CreateCommand, line) {
		t.Errorf("clone options: %+v", o)
	}
	if !slices.Equal(gotExtra, []string{"--memory=8m"}) {
		t.Errorf("extra arguments %q", gotExtra)
	}
	o, err = r.cloneContainerOptions(src, &ContainerCloneOptions{Name: "n", Image: "alpine", Pod: "p2", Parse: parse})
	if err != nil {
		t.Fatal(err)
	}
	if o.Name != "n" || o.Image != "alpine" || o.Pull != "missing" ||
		!slices.Equal(gotExtra, []string{"--pod=p2", "--pod-id-file="}) {
		t.Errorf("clone options with a name, an image and a pod: %+v, extra %q", o, gotExtra)
	}
	if _, err := r.cloneContainerOptions(src, &ContainerCloneOptions{}); !errors.Is(err, define.ErrNotSupported) {
		t.Errorf("a clone without a parser: %v, want ErrNotSupported", err)
	}
}
