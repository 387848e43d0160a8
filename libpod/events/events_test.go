package events

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
)

func TestFilter(t *testing.T) {
	ctr := &Event{ID: "abcdef0123", Name: "web", Status: Start, Type: Container,
		Details: Details{Attributes: map[string]string{"tier": "front"}}}
	vol := &Event{Name: "data", Status: Create, Type: Volume}
	for _, tc := range []struct {
		filters  []string
		ctr, vol bool
	}{
		{nil, true, true},
		{[]string{"container=web"}, true, false},
		{[]string{"container=abc"}, true, false},
		{[]string{"container=bcd"}, false, false},
		{[]string{"event=start", "event=create"}, true, true},
		{[]string{"event=start", "type=volume"}, false, false},
		{[]string{"volume=data"}, false, true},
		{[]string{"label=tier"}, true, false},
		{[]string{"label=tier=front"}, true, false},
		{[]string{"label=tier=back"}, false, false},
		{[]string{"TYPE=container"}, true, false},
	} {
		f, err := NewFilter(tc.filters)
		if err != nil {
			t.Fatalf("%v: %v", tc.filters, err)
		}
		if f.Match(ctr) != tc.ctr || f.Match(vol) != tc.vol {
			t.Errorf("%v: container %v volume %v, want %v %v", tc.filters, f.Match(ctr), f.Match(vol), tc.ctr, tc.vol)
		}
	}
	for _, bad := range []string{"bogus=1", "event"} {
		if _, err := NewFilter([]string{bad}); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("filter %q: %v", bad, err)
		}
	}
}

func TestParseTime(t *testing.T) {
	now := time.Now()
	since, err := ParseTime("10m", true)
	if d := now.Sub(since); err != nil || d < 10*time.Minute-time.Second || d > 10*time.Minute+time.Second {
		t.Errorf("since 10m: %v %v", since, err)
	}
	until, err := ParseTime("10m", false)
	if err != nil || until.Before(now.Add(10*time.Minute)) {
		t.Errorf("until 10m: %v %v", until, err)
	}
	for in, want := range map[string]time.Time{
		"2024-01-02T03:04:05.5Z": time.Date(2024, 1, 2, 3, 4, 5, 5e8, time.UTC),
		"1700000000":             time.Unix(1700000000, 0),
		"1700000000.25":          time.Unix(1700000000, 25e7),
	} {
		if got, err := ParseTime(in, true); err != nil || !got.Equal(want) {
			t.Errorf("%s: %v %v, want %v", in, got, err, want)
		}
	}
	if _, err := ParseTime("yesterday", true); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("yesterday: %v", err)
	}
}

func TestWriteRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events", "events.log")
	l, err := New(BackendFile, path)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	for _, s := range []Status{Create, Start, Remove} {
		if err := l.Write(Event{ID: "id1", Name: "c", Status: s, Type: Container}); err != nil {
			t.Fatal(err)
		}
	}
	var got []Status
	err = l.Read(context.Background(), ReadOptions{Since: t0.Add(-time.Second)}, func(e *Event) error {
		got = append(got, e.Status)
		return nil
	})
	if err != nil || len(got) != 3 || got[1] != Start {
		t.Errorf("read back %v, %v", got, err)
	}
	none, _ := New(BackendNone, path+".none")
	if err := none.Write(Event{Status: Create}); err != nil {
		t.Errorf("none backend write: %v", err)
	}
	if err := none.Read(context.Background(), ReadOptions{}, nil); !errors.Is(err, define.ErrNotSupported) {
		t.Errorf("none backend read: %v", err)
	}
}

func TestHumanReadable(t *testing.T) {
	at := time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)
	e := Event{ID: "0123456789abcdef", Name: "web", Image: "img", Status: Start, Type: Container, Time: at,
		Details: Details{Attributes: map[string]string{"b": "2", "a": "1"}}}
	if got, want := e.HumanReadable(true), "2024-01-02 03:04:05.000000006 +0000 UTC container start 0123456789ab (image=img, name=web, a=1, b=2)"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	h := Event{ID: "0123456789abcdef", Name: "web", Image: "img", Status: HealthStatus, Type: Container, Time: at,
		HealthStatus: "unhealthy", HealthFailingStreak: 3}
	if got, want := h.HumanReadable(true), "2024-01-02 03:04:05.000000006 +0000 UTC container health_status 0123456789ab (image=img, name=web, health_status=unhealthy, health_failing_streak=3)"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	v := Event{Name: "data", Status: Remove, Type: Volume, Time: at}
	if got, want := v.HumanReadable(false), "2024-01-02 03:04:05.000000006 +0000 UTC volume remove data"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
