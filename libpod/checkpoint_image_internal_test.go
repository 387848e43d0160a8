package libpod

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podlite/podlite/libpod/checkpoint"
	"github.com/podlite/podlite/libpod/define"
)

func TestCheckpointAnnotations(t *testing.T) {
	r := newTestRuntime(t)
	c := &Container{rt: r, config: &define.ContainerConfig{Name: "web", ImageName: "busybox", ImageID: strings.Repeat("a", 64)}}
	a := c.checkpointAnnotations("1.2.3")
	for key, want := range map[string]string{
		checkpoint.AnnotationCheckpointName:  "web",
		checkpoint.AnnotationRawImageName:    "busybox",
		checkpoint.AnnotationRootfsImageID:   strings.Repeat("a", 64),
		checkpoint.AnnotationRootfsImageName: "busybox", // the image is not in the store: the name as given
		checkpoint.AnnotationEngineVersion:   "podlite 1.2.3",
		checkpoint.AnnotationRuntimeName:     "podlite",
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
	if _, ok := c.checkpointAnnotations("")[checkpoint.AnnotationEngineVersion]; ok {
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
