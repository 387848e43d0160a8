package storage

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestProcessToken: a live process has a token that stays the same, a
// process that exited has none, so a reused PID is not taken for it.
func TestProcessToken(t *testing.T) {
	self := processToken(os.Getpid())
	if !strings.HasPrefix(self, strconv.Itoa(os.Getpid())+" ") || self != processToken(os.Getpid()) {
		t.Fatalf("token of this process: %q, then %q", self, processToken(os.Getpid()))
	}
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if tok := processToken(cmd.Process.Pid); tok != "" && tok == self {
		t.Fatalf("an exited process has this process's token %q", tok)
	}
	if tok := processToken(-1); tok != "" {
		t.Fatalf("token of no process: %q", tok)
	}
}
