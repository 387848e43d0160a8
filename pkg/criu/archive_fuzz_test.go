package criu_test

import (
	"archive/tar"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/criu"
)

// fuzzSeeds are valid archives in each compression and the hostile ones of
// TestUnpackRejects.
func fuzzSeeds(f *testing.F) [][]byte {
	f.Helper()
	src := makeCheckpointDir(f, 64)
	var seeds [][]byte
	for _, c := range compressions {
		var buf bytes.Buffer
		if err := criu.Pack(&buf, src, allMembers, testManifest, c); err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, buf.Bytes())
	}
	for _, entries := range rejectCases {
		seeds = append(seeds, rawArchive(f, entries...))
	}
	seeds = append(seeds, rawArchive(f,
		reg("config.dump", "{}"),
		reg("checkpoint/a/b/c.img", "c"),
		link(tar.TypeLink, "checkpoint/hard.img", "checkpoint/a/b/c.img"),
		link(tar.TypeSymlink, "checkpoint/a/b/up", "../../a"),
	))
	// podman's: a real one, and a manifest-less tar with its artifacts/.
	podman, err := os.ReadFile("testdata/podman-4.3.1.tar.zst")
	if err != nil {
		f.Fatal(err)
	}
	seeds = append(seeds, podman, rawTar(f, dir("artifacts/"), reg("spec.dump", "{}"), reg("config.dump", "{}"), dir("checkpoint/"), reg("checkpoint/x.img", "x")))
	return seeds
}

// FuzzUnpack checks that no input makes Unpack panic, write outside its
// directory, or leave a symbolic link that leads out of it, and that it
// refuses what it refuses with a known error class.
func FuzzUnpack(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		parent := t.TempDir()
		err := criu.Unpack(bytes.NewReader(data), filepath.Join(parent, "out"), criu.Limits{MaxMemberSize: 1 << 20, MaxTotalSize: 4 << 20})
		if err != nil && !errors.Is(err, define.ErrInvalidArg) && !errors.Is(err, define.ErrNotSupported) {
			t.Errorf("Unpack = %v, want ErrInvalidArg or ErrNotSupported", err)
		}
		checkConfined(t, parent)
	})
}

// FuzzReadMetadata checks that no input makes ReadMetadata panic, and that
// what it accepts is a version 1 manifest or a podman archive.
func FuzzReadMetadata(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		md, err := criu.ReadMetadata(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, define.ErrInvalidArg) && !errors.Is(err, define.ErrNotSupported) {
				t.Errorf("ReadMetadata = %v, want ErrInvalidArg or ErrNotSupported", err)
			}
			return
		}
		if md.Podman != (md.Manifest.Version == 0) || (!md.Podman && md.Manifest.Version != criu.ManifestVersion) {
			t.Errorf("accepted manifest version %d (podman %v)", md.Manifest.Version, md.Podman)
		}
	})
}
