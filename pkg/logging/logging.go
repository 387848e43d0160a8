// Package logging sets up podlite's process-wide logging from the global
// flags: slog for podlite's own messages, logrus for the libraries that log
// through it (libcontainer, containers/storage), both at podman's levels.
package logging

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"log/syslog"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/podlite/podlite/libpod/define"
)

// Levels are podman's --log-level values, most verbose first.
var Levels = []string{"trace", "debug", "info", "warn", "warning", "error", "fatal", "panic"}

// The system log's address: "" for the local one (/dev/log); tests move it.
var syslogNetwork, syslogAddr string

// LevelTrace is slog's level for podman's "trace", below debug.
const LevelTrace = slog.LevelDebug - 4

// ParseLevel returns the slog and logrus levels of a --log-level value, or
// podman's error for a value it does not know.
func ParseLevel(s string) (slog.Level, logrus.Level, error) {
	switch strings.ToLower(s) {
	case "trace":
		return LevelTrace, logrus.TraceLevel, nil
	case "debug":
		return slog.LevelDebug, logrus.DebugLevel, nil
	case "info":
		return slog.LevelInfo, logrus.InfoLevel, nil
	case "warn", "warning":
		return slog.LevelWarn, logrus.WarnLevel, nil
	case "error":
		return slog.LevelError, logrus.ErrorLevel, nil
	// slog has nothing above error: fatal and panic keep only errors
	// that end the process, which podlite returns rather than logs.
	case "fatal":
		return slog.LevelError + 4, logrus.FatalLevel, nil
	case "panic":
		return slog.LevelError + 8, logrus.PanicLevel, nil
	}
	return 0, 0, &LevelError{Level: s}
}

// LevelError is an unknown --log-level. It prints as podman's message,
// which podman prints without "Error: " and exits 1 on (the CLI does too).
type LevelError struct{ Level string }

func (e *LevelError) Error() string {
	return fmt.Sprintf("Log Level %q is not supported, choose from: %s", e.Level, strings.Join(Levels, ", "))
}

func (e *LevelError) Unwrap() error { return define.ErrInvalidArg }

// Setup makes level the threshold of slog's default logger and logrus,
// writing to w and, with toSyslog, to the system log as well.
func Setup(level string, w io.Writer, toSyslog bool) error {
	sl, ll, err := ParseLevel(level)
	if err != nil {
		return err
	}
	if ll == logrus.WarnLevel {
		// libcontainer warns with whole CRIU logs, which podlite's
		// errors summarise: at the default level it says errors only.
		ll = logrus.ErrorLevel
	}
	logrus.SetLevel(ll)
	var h slog.Handler = slog.NewTextHandler(w, &slog.HandlerOptions{Level: sl})
	if toSyslog {
		sw, err := syslog.Dial(syslogNetwork, syslogAddr, syslog.LOG_INFO|syslog.LOG_USER, "podlite")
		if err != nil {
			return fmt.Errorf("connecting to syslog: %w: %w", err, define.ErrUnavailable)
		}
		h = teeHandler{h, slog.NewTextHandler(sw, &slog.HandlerOptions{Level: sl})}
		logrus.AddHook(&syslogHook{w: sw})
	}
	slog.SetDefault(slog.New(h))
	return nil
}

// teeHandler sends each record to both handlers.
type teeHandler [2]slog.Handler

func (t teeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return t[0].Enabled(ctx, l) || t[1].Enabled(ctx, l)
}

func (t teeHandler) Handle(ctx context.Context, r slog.Record) error {
	return errors.Join(t[0].Handle(ctx, r.Clone()), t[1].Handle(ctx, r))
}

func (t teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return teeHandler{t[0].WithAttrs(as), t[1].WithAttrs(as)}
}

func (t teeHandler) WithGroup(name string) slog.Handler {
	return teeHandler{t[0].WithGroup(name), t[1].WithGroup(name)}
}

// syslogHook copies the libraries' logrus entries to the system log.
type syslogHook struct{ w *syslog.Writer }

func (h *syslogHook) Levels() []logrus.Level { return logrus.AllLevels }

func (h *syslogHook) Fire(e *logrus.Entry) error {
	line, err := e.String()
	if err != nil {
		return err
	}
	return h.w.Info(line)
}
