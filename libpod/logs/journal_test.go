package logs

import (
	"testing"
	"time"
)

func TestJournalFieldBlock(t *testing.T) {
	id := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	for _, c := range []struct {
		tag, want string
	}{
		{"", "CONTAINER_ID_FULL=" + id + "\nCONTAINER_ID=0123456789ab\nCONTAINER_NAME=web\nSYSLOG_IDENTIFIER=web\n"},
		{"t1", "CONTAINER_ID_FULL=" + id + "\nCONTAINER_ID=0123456789ab\nCONTAINER_TAG=t1\nCONTAINER_NAME=web\nSYSLOG_IDENTIFIER=t1\n"},
	} {
		if got := JournalFieldBlock(JournalFields(id, "web", c.tag)); got != c.want {
			t.Errorf("tag %q: %q, want %q", c.tag, got, c.want)
		}
	}
}

// TestJournalEntries checks how journalctl's JSON entries become lines:
// priority 3 is stderr, a full line loses its newline, partial messages
// join the next one, MESSAGE given as bytes is read too, and Since drops
// older entries.
func TestJournalEntries(t *testing.T) {
	var got []Line
	lr := &logReader{opts: Options{Tail: -1, Since: time.UnixMicro(1500)}, fn: func(l Line) error {
		got = append(got, l)
		return nil
	}}
	cursor := ""
	for _, e := range []string{
		`{"__CURSOR":"c0","__REALTIME_TIMESTAMP":"1000","MESSAGE":"old\n","PRIORITY":"6"}`,
		`{"__CURSOR":"c1","__REALTIME_TIMESTAMP":"2000","MESSAGE":"out\n","PRIORITY":"6"}`,
		`{"__CURSOR":"c2","__REALTIME_TIMESTAMP":"3000","MESSAGE":"ab","PRIORITY":"3","CONTAINER_PARTIAL_MESSAGE":"true"}`,
		`{"__CURSOR":"c3","__REALTIME_TIMESTAMP":"4000","MESSAGE":[99,10],"PRIORITY":"3"}`,
	} {
		var err error
		if cursor, err = lr.journalEntry([]byte(e), cursor); err != nil {
			t.Fatal(err)
		}
	}
	if cursor != "c3" {
		t.Errorf("cursor %q, want c3", cursor)
	}
	want := []Line{{Time: time.UnixMicro(2000), Stream: "stdout", Text: "out"}, {Time: time.UnixMicro(3000), Stream: "stderr", Text: "abc"}}
	if len(got) != len(want) {
		t.Fatalf("lines %+v, want %+v", got, want)
	}
	for i := range want {
		if !got[i].Time.Equal(want[i].Time) || got[i].Stream != want[i].Stream || got[i].Text != want[i].Text || got[i].Partial {
			t.Errorf("line %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
