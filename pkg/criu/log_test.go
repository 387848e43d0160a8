package criu_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/podlite/podlite/pkg/criu"
)

func TestLogReason(t *testing.T) {
	restoreLog := `(00.031735) Error (criu/util.c:1534): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted
(00.085948)      1: Error (criu/pagemap.c:557): Can't read async pr bytes (-1 / 36864 read, 0 off, 3 iovs)
(00.088335) Error (criu/cr-restore.c:2331): Restoring FAILED.
(00.090379) Error (criu/cgroup.c:2055): cg: cgroupd: recv req error: No such file or directory
`
	restorePath := filepath.Join(t.TempDir(), "restore.log")
	if err := os.WriteFile(restorePath, []byte(restoreLog), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, want := criu.LogReason(restorePath), "Can't read async pr bytes (-1 / 36864 read, 0 off, 3 iovs)"; got != want {
		t.Errorf("LogReason = %q, want %q (the cause, not what follows from it)", got, want)
	}
	log := `(00.051765) Error (criu/util.c:1534): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted
(00.070092) Error (criu/sk-inet.c:200): inet: Connected TCP socket, consider using --tcp-established option.
(00.070324) Error (criu/cr-dump.c:1545): Dump files (pid: 22805) failed with -1
(00.150914) Error (criu/cr-dump.c:1975): Dumping FAILED.
`
	path := filepath.Join(t.TempDir(), "dump.log")
	if err := os.WriteFile(path, []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, want := criu.LogReason(path), "inet: Connected TCP socket, consider using --tcp-established option"; got != want {
		t.Errorf("LogReason = %q, want %q", got, want)
	}
	if got := criu.LogReason(filepath.Join(t.TempDir(), "missing.log")); got != "" {
		t.Errorf("missing log: %q", got)
	}
}
