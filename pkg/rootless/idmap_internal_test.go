package rootless

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

func TestMappings(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	oldU, oldG := subUIDFile, subGIDFile
	t.Cleanup(func() { subUIDFile, subGIDFile = oldU, oldG })
	subUIDFile = write("subuid", "other:200000:65536\nalice:100000:65536\n1001:300000:10\n")
	subGIDFile = write("subgid", "alice:100000:1000\n")

	uids, gids, single, err := Mappings("alice", 1001, 1002)
	if err != nil {
		t.Fatal(err)
	}
	wantU := []IDMap{{0, 1001, 1}, {1, 100000, 65536}, {65537, 300000, 10}}
	wantG := []IDMap{{0, 1002, 1}, {1, 100000, 1000}}
	if !reflect.DeepEqual(uids, wantU) || !reflect.DeepEqual(gids, wantG) || single {
		t.Errorf("Mappings = %v %v single=%v, want %v %v single=false", uids, gids, single, wantU, wantG)
	}
	if got := mapArgs(wantG); !reflect.DeepEqual(got, []string{"0", "1002", "1", "1", "100000", "1000"}) {
		t.Errorf("mapArgs = %v", got)
	}

	// A user without a range, and a missing file: the user alone.
	uids, gids, single, err = Mappings("bob", 1003, 1003)
	if err != nil {
		t.Fatal(err)
	}
	if !single || len(uids) != 1 || len(gids) != 1 || uids[0] != (IDMap{0, 1003, 1}) {
		t.Errorf("bob: %v %v single=%v, want the single mapping", uids, gids, single)
	}
	subGIDFile = filepath.Join(dir, "missing")
	if _, gids, single, err = Mappings("alice", 1001, 1002); err != nil || !single || len(gids) != 1 {
		t.Errorf("missing subgid: %v single=%v err=%v, want the single mapping", gids, single, err)
	}
}

func TestPausePIDRejectsOtherProcesses(t *testing.T) {
	run := t.TempDir()
	if got := PausePID(run); got != 0 {
		t.Errorf("no PID file: PausePID = %d, want 0", got)
	}
	// This test process is alive but is not a pause process of run.
	if err := os.WriteFile(PIDFile(run), []byte("1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := PausePID(run); got != 0 {
		t.Errorf("PID 1 in the file: PausePID = %d, want 0", got)
	}
}

func TestOwnDirRefusesSymlinks(t *testing.T) {
	dir := t.TempDir()
	if err := ownDir(filepath.Join(dir, "run")); err != nil {
		t.Fatalf("a new directory of this user: %v", err)
	}
	// A runroot path someone made a symlink is not the user's directory,
	// wherever it points.
	link := filepath.Join(dir, "link")
	if err := os.Symlink(filepath.Join(dir, "run"), link); err != nil {
		t.Fatal(err)
	}
	if err := ownDir(link); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("ownDir(symlink) = %v, want ErrInvalidArg", err)
	}
}
