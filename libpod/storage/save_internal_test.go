package storage

import (
	"errors"
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

// TestCheckSave covers save's refusals, in podman's words, and what it
// lets through.
func TestCheckSave(t *testing.T) {
	two := []string{"a", "b"}
	for _, tc := range []struct {
		names []string
		file  string
		o     SaveOptions
		want  string // "" for accepted
	}{
		{two, "x.tar", SaveOptions{Format: FormatDockerArchive}, ""},
		{two, "x.tar", SaveOptions{Format: FormatDockerArchive, MultiImage: true}, ""},
		{two, "x.tar", SaveOptions{Format: FormatOCIArchive}, ""},
		{[]string{"a"}, "d", SaveOptions{Format: FormatDockerDir, Compress: true}, ""},
		{nil, "x.tar", SaveOptions{Format: FormatDockerArchive}, "need at least 1 argument"},
		{two, "x.tar", SaveOptions{Format: "zip"}, "format value must be one of oci-dir oci-archive docker-dir docker-archive"},
		{two, "x.tar", SaveOptions{Format: FormatOCIArchive, Compress: true}, "--compress can only be set when --format is 'docker-dir'"},
		{two, "a:b.tar", SaveOptions{Format: FormatDockerArchive}, `invalid filename (should not contain ':') "a:b.tar"`},
		{two, "x", SaveOptions{Format: FormatOCIDir, MultiImage: true}, `unsupported format "oci-dir" for saving multiple images (only docker-archive)`},
		{two, "x", SaveOptions{Format: FormatDockerDir}, "docker-dir holds no image names: save a alone"},
		{[]string{"a"}, "-", SaveOptions{Format: FormatOCIDir}, "oci-dir is a directory: give it with --output"},
	} {
		err := checkSave(tc.names, tc.file, tc.o)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("checkSave(%v, %q, %+v) = %v, want nil", tc.names, tc.file, tc.o, err)
		case tc.want != "" && (err == nil || err.Error() != tc.want || !errors.Is(err, define.ErrInvalidArg)):
			t.Errorf("checkSave(%v, %q, %+v) = %v, want %q (invalid argument)", tc.names, tc.file, tc.o, err, tc.want)
		}
	}
}

// TestCheckCommit covers commit's option checks.
func TestCheckCommit(t *testing.T) {
	o := CommitOptions{}
	if err := checkCommit(&o); err != nil || o.Format != CommitFormatOCI {
		t.Errorf("checkCommit of defaults: %v, format %q", err, o.Format)
	}
	for _, bad := range []CommitOptions{
		{Format: "tar"},
		{Message: "m"},
		{Name: "Bad:Name:x"},
		{Changes: []string{"FROM busybox"}},
	} {
		if err := checkCommit(&bad); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("checkCommit(%+v) = %v, want an invalid argument", bad, err)
		}
	}
	if err := checkCommit(&CommitOptions{Format: CommitFormatDocker, Message: "m", Name: "app:1"}); err != nil {
		t.Errorf("checkCommit of a docker commit with a message: %v", err)
	}
}
