package libpod

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

func TestCheckpointAnnotations(t *testing.T) {
	r := newTestRuntime(t)
	c := &Container{rt: r, config: &define.ContainerConfig{Name: "web", ImageName: "busybox", ImageID: strings.Repeat("a", 64)}}
	a := c.checkpointAnnotations("1.2.3")
	for key, want := range map[string]string{
		annotationCheckpointName:  "web",
		annotationRawImageName:    "busybox",
		annotationRootfsImageID:   strings.Repeat("a", 64),
		annotationRootfsImageName: "busybox", // the image is not in the store: the name as given
		annotationEngineVersion:   "podlite 1.2.3",
		annotationRuntimeName:     "podlite",
	} {
		if a[key] != want {
			t.Errorf("%s = %q, want %q", key, a[key], want)
		}
	}
	for key, v := range a {
		if v == "" || !strings.HasPrefix(key, "io.podman.annotations.checkpoint.") {
			t.Errorf("annotation %s = %q", key, v)
		}
	}
	if _, ok := c.checkpointAnnotations("")[annotationEngineVersion]; ok {
		t.Error("an unknown engine version was recorded")
	}
}

func TestTempFile(t *testing.T) {
	r := newTestRuntime(t)
	p, err := r.tempFile("x-")
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil || filepath.Dir(p) != filepath.Join(r.cfg.Root, "tmp") || st.Mode().Perm() != 0o600 || st.Size() != 0 {
		t.Fatalf("tempFile: %s, %v, %v", p, st, err)
	}
}
