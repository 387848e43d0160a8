package storage

import (
	"errors"
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

func TestLocalCandidates(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"busybox", []string{"localhost/busybox:latest", "docker.io/library/busybox:latest"}},
		{"busybox:1.36", []string{"localhost/busybox:1.36", "docker.io/library/busybox:1.36"}},
		{"user/app", []string{"localhost/user/app:latest", "docker.io/user/app:latest"}},
		{"localhost/busybox", []string{"localhost/busybox:latest"}},
		{"127.0.0.1:5000/app:v2", []string{"127.0.0.1:5000/app:v2"}},
		{"quay.io/org/app", []string{"quay.io/org/app:latest"}},
		{"docker.io/busybox", []string{"docker.io/library/busybox:latest"}},
		{
			"busybox@sha256:0123456789012345678901234567890123456789012345678901234567890123",
			[]string{
				"localhost/busybox@sha256:0123456789012345678901234567890123456789012345678901234567890123",
				"docker.io/library/busybox@sha256:0123456789012345678901234567890123456789012345678901234567890123",
			},
		},
		{"UPPER", nil},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, n := range localCandidates(tt.name) {
				got = append(got, n.String())
			}
			if len(got) != len(tt.want) {
				t.Fatalf("localCandidates(%q) = %q, want %q", tt.name, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("localCandidates(%q) = %q, want %q", tt.name, got, tt.want)
				}
			}
		})
	}
}

func TestLocalName(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{in: "app", want: "localhost/app:latest"},
		{in: "app:1", want: "localhost/app:1"},
		{in: "org/app", want: "localhost/org/app:latest"},
		{in: "registry.example.com/app", want: "registry.example.com/app:latest"},
		{in: "localhost:5000/app:2", want: "localhost:5000/app:2"},
		{in: "App", err: define.ErrInvalidArg},
		{in: "app@sha256:0123456789012345678901234567890123456789012345678901234567890123", err: define.ErrInvalidArg},
		{in: "", err: define.ErrInvalidArg},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := localName(tt.in)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("localName(%q) error = %v, want %v", tt.in, err, tt.err)
				}
				return
			}
			if err != nil || got.String() != tt.want {
				t.Fatalf("localName(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestRemoteName(t *testing.T) {
	for in, want := range map[string]string{
		"busybox":                   "docker.io/library/busybox:latest",
		"library/busybox:1":         "docker.io/library/busybox:1",
		"127.0.0.1:5000/busybox":    "127.0.0.1:5000/busybox:latest",
		"localhost/busybox:latest":  "localhost/busybox:latest",
		"quay.io/podman/hello:tag1": "quay.io/podman/hello:tag1",
	} {
		got, err := remoteName(in)
		if err != nil || got.String() != want {
			t.Errorf("remoteName(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	if _, err := remoteName("Bad Name"); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("remoteName(bad) error = %v, want ErrInvalidArg", err)
	}
}

func TestMatchesShortName(t *testing.T) {
	tests := []struct {
		stored, short string
		want          bool
	}{
		{"registry.fedoraproject.org/fedora:latest", "fedora", true},
		{"quay.io/org/app:1", "app:1", true},
		{"quay.io/org/app:1", "org/app:1", true},
		{"quay.io/org/app:1", "app", false},
		{"quay.io/org/myapp:latest", "app", false},
		{"docker.io/library/busybox:latest", "busybox", true},
		{"quay.io/org/app:latest", "quay.io/org/app", false},
	}
	for _, tt := range tests {
		if got := matchesShortName(tt.stored, tt.short); got != tt.want {
			t.Errorf("matchesShortName(%q, %q) = %v, want %v", tt.stored, tt.short, got, tt.want)
		}
	}
}

func TestIsIDPrefix(t *testing.T) {
	for s, want := range map[string]bool{
		"abc123": true, "": false, "xyz": false, "ABC": false,
		"0123456789012345678901234567890123456789012345678901234567890123":  true,
		"01234567890123456789012345678901234567890123456789012345678901234": false,
	} {
		if got := isIDPrefix(s); got != want {
			t.Errorf("isIDPrefix(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestParseReference(t *testing.T) {
	tests := []struct {
		in, transport, within string
	}{
		{"busybox", "docker", "//busybox:latest"},
		{"127.0.0.1:5000/app", "docker", "//127.0.0.1:5000/app:latest"},
		{"localhost:5000/app:1", "docker", "//localhost:5000/app:1"},
		{"docker://quay.io/org/app:2", "docker", "//quay.io/org/app:2"},
		{"oci:/tmp/layout:app", "oci", "/tmp/layout:app"},
		{"oci-archive:/tmp/a.tar", "oci-archive", "/tmp/a.tar:"},
		{"docker-archive:/tmp/a.tar", "docker-archive", "/tmp/a.tar"},
		{"dir:/tmp/d", "dir", "/tmp/d"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			ref, err := parseReference(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if ref.Transport().Name() != tt.transport || ref.StringWithinTransport() != tt.within {
				t.Fatalf("parseReference(%q) = %s:%s, want %s:%s", tt.in,
					ref.Transport().Name(), ref.StringWithinTransport(), tt.transport, tt.within)
			}
		})
	}
	if _, err := parseReference("Not A Name"); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("parseReference(bad) error = %v, want ErrInvalidArg", err)
	}
}

func TestArchiveName(t *testing.T) {
	for in, want := range map[string]string{
		"localhost/busybox:latest": "localhost/busybox:latest",
		"busybox:1":                "docker.io/library/busybox:1",
		"quay.io/org/app":          "quay.io/org/app:latest",
		"latest":                   "",
		"v1.0":                     "",
		"":                         "",
		"Bad/Name":                 "",
	} {
		got := ""
		if n := archiveName(in); n != nil {
			got = n.String()
		}
		if got != want {
			t.Errorf("archiveName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitName(t *testing.T) {
	for name, want := range map[string][2]string{
		"docker.io/library/busybox:latest": {"docker.io/library/busybox", "latest"},
		"quay.io:443/org/app:1":            {"quay.io:443/org/app", "1"},
		"localhost:5000/app":               {"localhost:5000/app", ""},
		"app":                              {"app", ""},
	} {
		if repo, tag := SplitName(name); repo != want[0] || tag != want[1] {
			t.Errorf("SplitName(%q) = %q, %q; want %q, %q", name, repo, tag, want[0], want[1])
		}
	}
}
