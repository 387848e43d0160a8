package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLoadNetworkDomain(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, file, wantState string
	}{
		{"config dir alone gets its own leases", `network_config_dir = "/srv/net.d"`, "/srv/net.d/state"},
		{"both named", "network_config_dir = \"/srv/net.d\"\nnetwork_state_dir = \"/srv/leases\"", "/srv/leases"},
		{"neither named", `root = "/srv/root"`, Default().NetworkStateDir},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "podlite.conf")
			if err := os.WriteFile(path, []byte(tc.file+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			c, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if c.NetworkStateDir != tc.wantState {
				t.Errorf("NetworkStateDir = %q, want %q", c.NetworkStateDir, tc.wantState)
			}
			if c.File != path {
				t.Errorf("File = %q, want %q", c.File, path)
			}
		})
	}
	c, err := Load(filepath.Join(dir, "missing.conf"))
	if err != nil || c.NetworkStateDir != Default().NetworkStateDir {
		t.Errorf("missing file: %v, %+v", err, c)
	}
}
