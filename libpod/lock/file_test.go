package lock_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/lock"
	"github.com/podlite/podlite/libpod/lock/locktest"
)

// helperEnv makes the test binary a lock holder for the cross-process
// tests: it locks the name in the directory the variable gives, says
// "locked" on stdout and holds the lock until its stdin closes.
const helperEnv = "PODLITE_LOCKTEST_HOLDER"

const helperLockName = "ctr"

func TestMain(m *testing.M) {
	if dir := os.Getenv(helperEnv); dir != "" {
		os.Exit(holdLock(dir))
	}
	os.Exit(m.Run())
}

func holdLock(dir string) int {
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	m, err := lock.NewFileManager(dir)
	if err != nil {
		return fail(err)
	}
	l, err := m.Locker(helperLockName)
	if err != nil {
		return fail(err)
	}
	if err := l.Lock(); err != nil {
		return fail(err)
	}
	fmt.Println("locked")
	_, _ = io.Copy(io.Discard, os.Stdin)
	if err := l.Unlock(); err != nil {
		return fail(err)
	}
	return 0
}

// startHolder runs the test binary as a lock holder on dir and returns once
// it holds the lock; closing the returned writer makes it unlock and exit.
func startHolder(t *testing.T, dir string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+dir)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("lock holder said %q, %v; want \"locked\"", line, err)
	}
	return cmd, stdin
}

func newFileManager(t *testing.T, dir string) *lock.FileManager {
	t.Helper()
	m, err := lock.NewFileManager(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFileManager(t *testing.T) {
	locktest.Run(t, func(t *testing.T) lock.Manager { return newFileManager(t, t.TempDir()) })
}

func TestNewFileManagerCreatesDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run", "locks")
	newFileManager(t, dir)
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); !fi.IsDir() || perm != 0o700 {
		t.Fatalf("lock dir mode %v, want a 0700 directory", fi.Mode())
	}
}

func TestFileLockAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	_, release := startHolder(t, dir)
	l := locktest.MustLocker(t, newFileManager(t, dir), helperLockName)

	if ok, err := l.TryLock(); err != nil || ok {
		t.Fatalf("TryLock() = %v, %v while another process holds the lock; want false", ok, err)
	}
	acquired := make(chan error, 1)
	go func() { acquired <- l.Lock() }()
	select {
	case err := <-acquired:
		t.Fatalf("Lock returned (%v) while another process holds the lock", err)
	case <-time.After(100 * time.Millisecond):
	}
	if err := release.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-acquired; err != nil {
		t.Fatal(err)
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
}

// TestFileLockHolderDies checks that a crashed podlite leaves nothing
// locked: the kernel drops a flock with its holder.
func TestFileLockHolderDies(t *testing.T) {
	dir := t.TempDir()
	cmd, _ := startHolder(t, dir)
	l := locktest.MustLocker(t, newFileManager(t, dir), helperLockName)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // killed: the error is expected
	if ok, err := l.TryLock(); err != nil || !ok {
		t.Fatalf("TryLock() = %v, %v after the holder died; want true", ok, err)
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
}
