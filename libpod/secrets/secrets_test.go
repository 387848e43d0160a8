package secrets_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/secrets"
)

func TestStore(t *testing.T) {
	dir := t.TempDir()
	s := secrets.New(dir)
	sec, err := s.Create("db", []byte("pw"), secrets.CreateOptions{Labels: map[string]string{"app": "db"}})
	if err != nil || len(sec.ID) != 25 || sec.Driver != "file" {
		t.Fatalf("Create = %+v, %v", sec, err)
	}
	st, err := os.Stat(filepath.Join(dir, "filedriver", sec.ID))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("data file: %v, %v", st, err)
	}
	if _, err := s.Create("db", []byte("x"), secrets.CreateOptions{}); !errors.Is(err, define.ErrExists) {
		t.Errorf("same name: %v, want ErrExists", err)
	}
	again, err := s.Create("db", []byte("new"), secrets.CreateOptions{Replace: true})
	if err != nil || again.ID != sec.ID {
		t.Errorf("--replace: %+v, %v; want ID %s", again, err, sec.ID)
	}
	for _, key := range []string{"db", sec.ID, sec.ID[:6]} {
		if _, data, err := s.Data(key); err != nil || string(data) != "new" {
			t.Errorf("Data(%s) = %q, %v", key, data, err)
		}
	}
	for _, bad := range []string{"a/b", "a,b", "a=b", "", strings.Repeat("n", 254)} {
		if _, err := s.Create(bad, []byte("x"), secrets.CreateOptions{}); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("name %q: %v", bad, err)
		}
	}
	if _, err := s.Create("big", make([]byte, secrets.MaxSize), secrets.CreateOptions{}); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("too big: %v", err)
	}
	if _, err := s.Create("d", []byte("x"), secrets.CreateOptions{Driver: "pass"}); !errors.Is(err, define.ErrNotSupported) {
		t.Errorf("driver pass: %v", err)
	}
	if id, err := s.Remove("db"); err != nil || id != sec.ID {
		t.Errorf("Remove = %s, %v", id, err)
	}
	if _, err := s.Lookup("db"); !errors.Is(err, define.ErrNotFound) || err.Error() != `no secret with name or id "db": no such secret` {
		t.Errorf("removed secret: %v", err)
	}
	if list, err := s.List(); err != nil || len(list) != 0 {
		t.Errorf("List = %v, %v", list, err)
	}
}

func TestParseRef(t *testing.T) {
	tests := []struct {
		in   string
		want define.SecretRef
	}{
		{"db", define.SecretRef{Name: "db", Type: "mount", Target: "/run/secrets/db", Mode: 0o444}},
		{"db,target=pw", define.SecretRef{Name: "db", Type: "mount", Target: "/run/secrets/pw", Mode: 0o444}},
		{"db,target=/etc/pw,uid=5,gid=6,mode=0400", define.SecretRef{Name: "db", Type: "mount", Target: "/etc/pw", UID: 5, GID: 6, Mode: 0o400}},
		{"db,type=env", define.SecretRef{Name: "db", Type: "env", Target: "db", Mode: 0o444}},
		{"db,type=env,target=PW", define.SecretRef{Name: "db", Type: "env", Target: "PW", Mode: 0o444}},
	}
	for _, tt := range tests {
		if got, err := secrets.ParseRef(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseRef(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "db,type=file", "db,type=env,uid=1", "db,mode=9", "db,colour=red", "db,target"} {
		if _, err := secrets.ParseRef(bad); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("ParseRef(%q): %v", bad, err)
		}
	}
}

func TestMatches(t *testing.T) {
	sec := &secrets.Secret{ID: "abc123", Name: "dbpass", Labels: map[string]string{"app": "db"}}
	tests := []struct {
		filters []string
		want    bool
	}{
		{nil, true},
		{[]string{"name=db"}, true},
		{[]string{"name=^web"}, false},
		{[]string{"id=abc"}, true},
		{[]string{"id=123"}, false},
		{[]string{"label=app"}, true},
		{[]string{"label=app=web"}, false},
		{[]string{"name=web", "name=pass"}, true},
		{[]string{"name=db", "label=tier"}, false},
	}
	for _, tt := range tests {
		f, err := secrets.ParseFilters(tt.filters)
		if err != nil || secrets.Matches(sec, f) != tt.want {
			t.Errorf("%v: %v, want %v", tt.filters, err, tt.want)
		}
	}
	if _, err := secrets.ParseFilters([]string{"driver=file"}); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("driver filter: %v", err)
	}
}
