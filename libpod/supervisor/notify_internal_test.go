package supervisor

import (
	"errors"
	"net"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
)

// fakeManager reads one notification as systemd does and, when release
// is set, closes the file descriptors it carried (a barrier's pipe).
func fakeManager(t *testing.T, release bool) (string, <-chan string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	got := make(chan string, 4)
	go func() {
		for {
			buf, oob := make([]byte, 4096), make([]byte, 1024)
			n, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
			if err != nil {
				return
			}
			got <- string(buf[:n])
			msgs, _ := syscall.ParseSocketControlMessage(oob[:oobn])
			for _, m := range msgs {
				fds, _ := syscall.ParseUnixRights(&m)
				for _, fd := range fds {
					if release {
						syscall.Close(fd)
					}
				}
			}
		}
	}()
	return path, got
}

func TestNotifyReadyWaitsForTheBarrier(t *testing.T) {
	path, got := fakeManager(t, true)
	t.Setenv("NOTIFY_SOCKET", path)
	if err := NotifyReady(); err != nil {
		t.Fatal(err)
	}
	if m := <-got; m != "READY=1" {
		t.Errorf("first message %q, want READY=1", m)
	}
	if m := <-got; m != "BARRIER=1" {
		t.Errorf("second message %q, want BARRIER=1", m)
	}

	path, _ = fakeManager(t, false) // never closes the barrier's pipe
	t.Setenv("NOTIFY_SOCKET", path)
	start := time.Now()
	if err := notifyBarrier(200 * time.Millisecond); !errors.Is(err, define.ErrUnavailable) || time.Since(start) > 2*time.Second {
		t.Errorf("a barrier never released: %v after %s, want ErrUnavailable at the timeout", err, time.Since(start))
	}
}
