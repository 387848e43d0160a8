package sysinfo

import (
	"reflect"
	"testing"
)

func TestParseIDMap(t *testing.T) {
	got, err := parseIDMap("         0       1001          1\n         1     100000      65536\n")
	want := []IDMap{{0, 1001, 1}, {1, 100000, 65536}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("parseIDMap = %v, %v; want %v", got, err, want)
	}
	if _, err := parseIDMap("0 x 1"); err == nil {
		t.Error("parseIDMap accepted a bad line")
	}
}
