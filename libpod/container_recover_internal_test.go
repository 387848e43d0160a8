package libpod

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/names"
)

// addRecoverContainer stores a container with status st (no rootfs, no
// networks) and gives it the run directory an interrupted start leaves,
// holding files.
func addRecoverContainer(t *testing.T, r *Runtime, st define.ContainerStatus, files map[string]string) *Container {
	t.Helper()
	id := names.NewID()
	cfg := &define.ContainerConfig{ID: id, Name: "c" + id[:12], CreatedAt: time.Now()}
	if err := r.store.AddContainer(cfg, &define.ContainerState{Status: st}); err != nil {
		t.Fatal(err)
	}
	c, err := r.containerByID(cfg.ID)
	if err != nil {
		t.Fatal(err)
	}
	if files != nil {
		if err := os.MkdirAll(c.runDir(), 0o700); err != nil {
			t.Fatal(err)
		}
		for name, content := range files {
			if err := os.WriteFile(filepath.Join(c.runDir(), name), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	return c
}

// TestRecoverInterruptedStart covers the three cases of recoverStartLocked:
// an exit file is recorded, a live init is recorded as running, and a
// start that never ran is undone; each leaves no run directory, except the
// running one, whose supervisor owns it.
func TestRecoverInterruptedStart(t *testing.T) {
	r := newTestRuntime(t)
	at := time.Unix(1700000000, 0)
	tests := []struct {
		name       string
		status     define.ContainerStatus
		files      map[string]string
		want       define.ContainerStatus
		wantPID    int
		wantRunDir bool
	}{
		{"exit file", define.StatusCreated, map[string]string{"exit": fmt.Sprintf("3 %d\n", at.UnixNano())}, define.StatusExited, 0, false},
		{"exit file after a recorded exit", define.StatusExited, map[string]string{"exit": fmt.Sprintf("3 %d\n", at.UnixNano())}, define.StatusExited, 0, false},
		{"live init", define.StatusCreated, map[string]string{"pid": strconv.Itoa(os.Getpid())}, define.StatusRunning, os.Getpid(), true},
		{"never ran", define.StatusExited, map[string]string{"config.json": "{}"}, define.StatusExited, 0, false},
		{"no run directory", define.StatusCreated, nil, define.StatusCreated, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := addRecoverContainer(t, r, tt.status, tt.files)
			if err := c.Sync(); err != nil {
				t.Fatal(err)
			}
			st := c.State()
			if st.Status != tt.want || st.PID != tt.wantPID {
				t.Errorf("status %s pid %d, want %s pid %d", st.Status, st.PID, tt.want, tt.wantPID)
			}
			if tt.files["exit"] != "" && (st.ExitCode != 3 || !st.FinishedAt.Equal(at)) {
				t.Errorf("exit %d at %v, want 3 at %v", st.ExitCode, st.FinishedAt, at)
			}
			if tt.want == define.StatusRunning && st.SupervisorPID != os.Getppid() {
				t.Errorf("supervisor %d, want the init's parent %d", st.SupervisorPID, os.Getppid())
			}
			if _, err := os.Stat(c.runDir()); (err == nil) != tt.wantRunDir {
				t.Errorf("run directory exists: %v, want %v", err == nil, tt.wantRunDir)
			}
			rec, err := r.store.Container(c.ID())
			if err != nil || rec.State.Status != tt.want {
				t.Errorf("stored status %v (%v), want %s", rec, err, tt.want)
			}
		})
	}
}

// TestRemovingIsLeftAlone: a container an rm did not finish is not
// recovered by sync (rm releases everything) and refuses to start.
func TestRemovingIsLeftAlone(t *testing.T) {
	r := newTestRuntime(t)
	c := addRecoverContainer(t, r, define.StatusRemoving, map[string]string{"pid": "1"})
	if err := c.Start(t.Context()); !errors.Is(err, define.ErrInvalidState) {
		t.Errorf("Start of a removing container: %v, want ErrInvalidState", err)
	}
	if c.State().Status != define.StatusRemoving {
		t.Errorf("status %s, want removing", c.State().Status)
	}
}

func TestReleaseErrorIsOneLine(t *testing.T) {
	err := error(&releaseError{errs: []error{errors.New("a"), fmt.Errorf("b: %w", define.ErrUnavailable)}})
	if err.Error() != "a; b: unavailable" || !errors.Is(err, define.ErrUnavailable) {
		t.Errorf("releaseError = %q, Is(ErrUnavailable) %v", err, errors.Is(err, define.ErrUnavailable))
	}
}
