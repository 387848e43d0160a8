package logs_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

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
