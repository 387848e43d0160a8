package top

import (
	"errors"
	"os"
	"strconv"
	"testing"
)

// The test process reads itself: its host PID is its PID (no PID
// namespace of its own), its parent outside the table shows as 0 unless
// it shares the namespace, as ps inside a container shows it.
func TestTableOfSelf(t *testing.T) {
	pid := os.Getpid()
	rows, err := Table([]int{pid}, []string{"pid,hpid", "comm", "%C", "seccomp", "capamb", "state", "vsz"}, "/")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"PID", "HPID", "COMMAND", "%CPU", "SECCOMP", "AMBIENT CAPS", "STATE", "VSZ"}
	if len(rows) != 2 || len(rows[0]) != len(want) {
		t.Fatalf("rows %q", rows)
	}
	for i, h := range want {
		if rows[0][i] != h {
			t.Errorf("header %d: %q, want %q", i, rows[0][i], h)
		}
	}
	row := rows[1]
	if row[0] != strconv.Itoa(pid) || row[1] != strconv.Itoa(pid) || row[2] != "top.test" || row[6] != "R" {
		t.Errorf("row %q", row)
	}
	if row[5] != "none" {
		t.Errorf("ambient caps %q, want none", row[5])
	}
	if _, err := strconv.ParseUint(row[7], 10, 64); err != nil {
		t.Errorf("vsz %q", row[7])
	}
}

func TestUnknownDescriptor(t *testing.T) {
	for _, list := range [][]string{{"aux"}, {"pid,bogus"}, {"-eo", "pid"}, {"pid  user"}} {
		if _, err := Table(nil, list, "/"); !errors.Is(err, ErrUnknownDescriptor) {
			t.Errorf("%q: %v, want ErrUnknownDescriptor", list, err)
		}
		if Known(list) {
			t.Errorf("%q known", list)
		}
	}
	if !Known(nil) || !Known([]string{"pid,user", "%a"}) {
		t.Error("podman's descriptors not known")
	}
}

func TestCapSet(t *testing.T) {
	for mask, want := range map[string]string{
		"0000000000000000": "none",
		"000001ffffffffff": "full",
		"0000000000000021": "CHOWN,KILL",
		"0000000000002000": "NET_RAW",
	} {
		if got := capSet("CapEff")(nil, &process{caps: map[string]string{"CapEff": mask}}); got != want {
			t.Errorf("%s: %q, want %q", mask, got, want)
		}
	}
}
