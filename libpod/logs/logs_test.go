package logs_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/logs"
)

func TestWriteThenReadJoinsPartialLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ctr.log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	out, errw := logs.NewWriters(f)
	for _, w := range []struct {
		w    *logs.Writer
		text string
	}{{out, "one\ntw"}, {out, "o\n"}, {errw, "oops\n"}, {out, "three"}} {
		if _, err := w.w.Write([]byte(w.text)); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()

	var got []logs.Line
	if err := logs.Read(path, logs.Options{Tail: -1}, func(l logs.Line) error {
		got = append(got, l)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []struct{ stream, text string }{{"stdout", "one"}, {"stdout", "two"}, {"stderr", "oops"}, {"stdout", "three"}}
	if len(got) != len(want) {
		t.Fatalf("got %d lines %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		if got[i].Stream != w.stream || got[i].Text != w.text {
			t.Errorf("line %d = %s %q, want %s %q", i, got[i].Stream, got[i].Text, w.stream, w.text)
		}
	}
}

// Records: each record as written, a partial one (a prompt) on its own.
func TestReadRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ctr.log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := logs.NewWriters(f)
	for _, text := range []string{"/ # ", "echo\n"} {
		if _, err := out.Write([]byte(text)); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	var got []logs.Line
	if err := logs.Read(path, logs.Options{Tail: -1, Records: true}, func(l logs.Line) error {
		got = append(got, l)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Text != "/ # " || !got[0].Partial || got[1].Text != "echo" || got[1].Partial {
		t.Fatalf("records %+v, want the partial prompt then the line", got)
	}
}

func TestReadTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ctr.log")
	var buf bytes.Buffer
	out, _ := logs.NewWriters(&buf)
	out.Write([]byte("a\nb\nc\nd\n"))
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		tail int
		want string
	}{{-1, "abcd"}, {0, ""}, {2, "cd"}, {10, "abcd"}} {
		var got string
		logs.Read(path, logs.Options{Tail: tc.tail}, func(l logs.Line) error {
			got += l.Text
			return nil
		})
		if got != tc.want {
			t.Errorf("tail %d: got %q, want %q", tc.tail, got, tc.want)
		}
	}
}

// TestReadFollow waits for the file to appear, keeps the tail of what is
// there at first, then sends lines as they are written, including a record
// whose newline arrives in a later write.
func TestReadFollow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ctr.log")
	stop := make(chan struct{})
	got := make(chan string, 16)
	done := make(chan error, 1)
	go func() {
		done <- logs.Read(path, logs.Options{Tail: 1, Follow: true, Stop: stop}, func(l logs.Line) error {
			got <- l.Stream + " " + l.Text
			return nil
		})
	}()
	next := func(want string) {
		t.Helper()
		select {
		case l := <-got:
			if l != want {
				t.Fatalf("got %q, want %q", l, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no line, want %q", want)
		}
	}

	var buf bytes.Buffer
	out, _ := logs.NewWriters(&buf)
	out.Write([]byte("a\nb\n"))
	// Renamed into place, so Read never sees it half written.
	if err := os.WriteFile(path+".tmp", buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		t.Fatal(err)
	}
	next("stdout b")

	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, errw := logs.NewWriters(f)
	errw.Write([]byte("par"))
	errw.Write([]byte("tial\n"))
	next("stderr partial")

	buf.Reset()
	out, _ = logs.NewWriters(&buf)
	out.Write([]byte("split\n"))
	rec := buf.Bytes()
	f.Write(rec[:len(rec)/2])
	time.Sleep(120 * time.Millisecond)
	f.Write(rec[len(rec)/2:])
	next("stdout split")

	// Emptied (--log-opt max-size), the log is read again from its top.
	if err := f.Truncate(0); err != nil {
		t.Fatal(err)
	}
	time.Sleep(120 * time.Millisecond)
	out, _ = logs.NewWriters(f)
	out.Write([]byte("after\n"))
	next("stdout after")

	close(stop)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read did not return after Stop")
	}
}

func TestLimitedEmptiesTheLogPastMaxSize(t *testing.T) {
	f, err := os.OpenFile(filepath.Join(t.TempDir(), "ctr.log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := logs.NewLimited(f, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"abcd\n", "efgh\nijkl\n"} {
		if _, err := l.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "ijkl\n" {
		t.Fatalf("log after three records into 10 bytes: %q, want the last one", b)
	}
}
