package checkpoint_test

import (
	"testing"

	"github.com/podlite/podlite/libpod/checkpoint"
	"github.com/podlite/podlite/pkg/criu"
)

func TestImageAnnotations(t *testing.T) {
	a := checkpoint.ImageAnnotations(checkpoint.ImageInfo{Name: "web", RootfsImageName: "localhost/app:latest",
		EngineVersion: "1.2.3", Host: criu.Manifest{CRIUVersion: 40201, Arch: "amd64"}})
	want := map[string]string{
		checkpoint.AnnotationCheckpointName:  "web",
		checkpoint.AnnotationRootfsImageName: "localhost/app:latest",
		checkpoint.AnnotationEngineVersion:   "podlite 1.2.3",
		checkpoint.AnnotationRuntimeName:     "podlite",
		checkpoint.AnnotationCRIUVersion:     "40201",
		checkpoint.AnnotationHostArch:        "amd64",
	}
	if len(a) != len(want) {
		t.Errorf("ImageAnnotations = %v, want %v (empty values left out)", a, want)
	}
	for k, v := range want {
		if a[k] != v {
			t.Errorf("%s = %q, want %q", k, a[k], v)
		}
	}
}
