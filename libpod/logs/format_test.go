package logs_test

import (
	"errors"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/logs"
)

func TestLineFormat(t *testing.T) {
	at := time.Date(2026, 12, 3, 11, 22, 51, 434346000, time.UTC)
	l := logs.Line{Time: at, Stream: "stdout", Text: "hello"}
	for _, tc := range []struct {
		name string
		o    logs.PrintOptions
		want string
	}{
		{"plain", logs.PrintOptions{}, "hello"},
		{"prefix", logs.PrintOptions{Prefix: "d70d541d9ae1"}, "d70d541d9ae1 hello"},
		{"timestamps", logs.PrintOptions{Timestamps: true}, "2026-12-03T11:22:51.434346000Z hello"},
		{"prefix then timestamp", logs.PrintOptions{Prefix: "web", Timestamps: true}, "web 2026-12-03T11:22:51.434346000Z hello"},
		{"first color", logs.PrintOptions{Prefix: "web", Color: true}, "\033[37mweb hello\033[0m"},
		{"colors wrap around", logs.PrintOptions{Color: true, ColorIndex: 8}, "\033[31mhello\033[0m"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := l.Format(tc.o); got != tc.want {
				t.Errorf("Format(%+v) = %q, want %q", tc.o, got, tc.want)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"", time.Time{}},
		{"2026-12-03T11:22:51.5Z", time.Date(2026, 12, 3, 11, 22, 51, 5e8, time.UTC)},
		{"2026-12-03T11:22:51+01:00", time.Date(2026, 12, 3, 10, 22, 51, 0, time.UTC)},
		{"2026-12-03T11:22:51", time.Date(2026, 12, 3, 11, 22, 51, 0, time.Local)},
		{"2026-12-03+02:00", time.Date(2026, 12, 2, 22, 0, 0, 0, time.UTC)},
		{"2026-12-03", time.Date(2026, 12, 3, 0, 0, 0, 0, time.Local)},
		{"1700000000", time.Unix(1700000000, 0)},
		{"1700000000.25", time.Unix(1700000000, 25e7)},
	} {
		got, err := logs.ParseTime(tc.in)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	before := time.Now().Add(-10 * time.Minute)
	got, err := logs.ParseTime("10m")
	if err != nil || got.Before(before) || got.After(time.Now().Add(-10*time.Minute)) {
		t.Errorf("ParseTime(10m) = %v, %v; want ten minutes ago", got, err)
	}
	if _, err := logs.ParseTime("bogus"); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("ParseTime(bogus) error = %v, want ErrInvalidArg", err)
	}
}
