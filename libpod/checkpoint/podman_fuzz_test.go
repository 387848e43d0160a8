package checkpoint_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/podlite/podlite/libpod/checkpoint"
	"github.com/podlite/podlite/pkg/criu"
	"github.com/podlite/podlite/pkg/network"
)

// FuzzPodmanMetadata feeds the parsers of an imported archive's metadata
// (podman's config.dump and spec.dump, network.status in either shape)
// arbitrary bytes: they may refuse them, never panic, and what FromPodman
// accepts names a container and has a spec.
func FuzzPodmanMetadata(f *testing.F) {
	data, err := os.ReadFile("../../pkg/criu/testdata/podman-4.3.1.tar.zst")
	if err != nil {
		f.Fatal(err)
	}
	md, err := criu.ReadMetadata(bytes.NewReader(data))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(md.Config, md.Spec, md.NetworkStatus)
	f.Add([]byte(`{"id":"x","name":"y","networkMode":"bridge","newNetworks":{"podman":{"static_ips":["10.88.0.9"]}}}`),
		[]byte(`{"process":{},"linux":{},"mounts":[{"destination":"/dev/shm","type":"bind","source":"/x/_data"}]}`),
		[]byte(`{"podlite":{"interface":"eth0","addresses":[{"ip":"10.90.0.2/16"}]}}`))
	f.Fuzz(func(t *testing.T, config, spec, status []byte) {
		meta := &criu.Metadata{Podman: true, Config: config, Spec: spec, NetworkStatus: status}
		if cfg, err := checkpoint.FromPodman(meta, "fuzz"); err == nil {
			if cfg.ID == "" || cfg.Name == "" || cfg.Spec == nil || cfg.Spec.Process == nil || cfg.Spec.Linux == nil {
				t.Fatalf("accepted a config without ID, name or spec: %+v", cfg)
			}
		}
		if st, err := checkpoint.RenamePodmanNetworks(status); err == nil {
			if _, ok := st["podman"]; ok {
				t.Fatalf("podman's default network was not renamed: %v", st)
			}
		}
		var st network.Status
		if json.Unmarshal(status, &st) == nil {
			if _, err := json.Marshal(st); err != nil {
				t.Fatalf("a status read back does not encode: %v", err)
			}
		}
	})
}
