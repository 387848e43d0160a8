package libpod

import (
	"errors"
	"testing"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/sysinfo"
)

// The test runtime is an ordinary user's: checkpoint refuses (the test
// is not in podlite-criu, nor under a checkpoint command's broker), and
// what needs a cgroup refuses on cgroup v1.
func TestRootlessRefusals(t *testing.T) {
	r := newTestRuntime(t)
	if err := r.needCRIUHelper("checkpointing a container"); !errors.Is(err, define.ErrNotSupported) {
		t.Errorf("needCRIUHelper as a user = %v, want ErrNotSupported", err)
	}
	err := r.needCgroups("pausing container x")
	if v1 := sysinfo.CgroupsVersion() == "v1"; v1 != errors.Is(err, define.ErrNotSupported) {
		t.Errorf("needCgroups on cgroup %s = %v", sysinfo.CgroupsVersion(), err)
	}
	r.cfg.Rootless = false
	if r.needCRIUHelper("x") != nil || r.needCgroups("x") != nil {
		t.Error("root is refused")
	}
	if (UpdateOptions{Restart: new(string)}).changesResources() {
		t.Error("a restart policy alone counts as a resource change")
	}
}
