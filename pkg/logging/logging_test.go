package logging

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/podlite/podlite/libpod/define"
)

func TestParseLevel(t *testing.T) {
	for _, tc := range []struct {
		in string
		sl slog.Level
		ll logrus.Level
	}{
		{"trace", LevelTrace, logrus.TraceLevel},
		{"debug", slog.LevelDebug, logrus.DebugLevel},
		{"INFO", slog.LevelInfo, logrus.InfoLevel},
		{"warn", slog.LevelWarn, logrus.WarnLevel},
		{"warning", slog.LevelWarn, logrus.WarnLevel},
		{"error", slog.LevelError, logrus.ErrorLevel},
		{"fatal", slog.LevelError + 4, logrus.FatalLevel},
		{"panic", slog.LevelError + 8, logrus.PanicLevel},
	} {
		sl, ll, err := ParseLevel(tc.in)
		if err != nil || sl != tc.sl || ll != tc.ll {
			t.Errorf("ParseLevel(%q) = %v, %v, %v", tc.in, sl, ll, err)
		}
	}
	for _, bad := range []string{"", "bogus", "verbose", "5"} {
		_, _, err := ParseLevel(bad)
		if want := fmt.Sprintf("Log Level %q is not supported, choose from: trace, debug, info, warn, warning, error, fatal, panic", bad); !errors.Is(err, define.ErrInvalidArg) || err.Error() != want {
			t.Errorf("ParseLevel(%q) = %v", bad, err)
		}
	}
}

// TestSetupThreshold: slog says what is at or above the level only.
func TestSetupThreshold(t *testing.T) {
	defer slog.SetDefault(slog.Default())
	var buf bytes.Buffer
	if err := Setup("warn", &buf, false); err != nil {
		t.Fatal(err)
	}
	slog.Info("quiet")
	slog.Warn("loud")
	if out := buf.String(); strings.Contains(out, "quiet") || !strings.Contains(out, "loud") {
		t.Errorf("at warn: %q", out)
	}
	if logrus.GetLevel() != logrus.ErrorLevel {
		t.Errorf("logrus at %v, want error at the default level", logrus.GetLevel())
	}
	buf.Reset()
	if err := Setup("debug", &buf, false); err != nil {
		t.Fatal(err)
	}
	slog.Debug("details")
	if !strings.Contains(buf.String(), "details") || logrus.GetLevel() != logrus.DebugLevel {
		t.Errorf("at debug: %q, logrus %v", buf.String(), logrus.GetLevel())
	}
}

// TestSetupSyslog: with --syslog each message also reaches the system log.
func TestSetupSyslog(t *testing.T) {
	defer slog.SetDefault(slog.Default())
	sock := filepath.Join(t.TempDir(), "log")
	conn, err := net.ListenPacket("unixgram", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	syslogNetwork, syslogAddr = "unixgram", sock
	defer func() { syslogNetwork, syslogAddr = "", "" }()
	var buf bytes.Buffer
	if err := Setup("info", &buf, true); err != nil {
		t.Fatal(err)
	}
	slog.Info("to both", "k", "v")
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	b := make([]byte, 4096)
	n, _, err := conn.ReadFrom(b)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b[:n]); !strings.Contains(got, "podlite") || !strings.Contains(got, "to both") {
		t.Errorf("syslog got %q", got)
	}
	if !strings.Contains(buf.String(), "to both") {
		t.Errorf("stderr got %q", buf.String())
	}
	syslogAddr = filepath.Join(t.TempDir(), "none")
	if err := Setup("info", &buf, true); !errors.Is(err, define.ErrUnavailable) {
		t.Errorf("no syslog: %v", err)
	}
}
