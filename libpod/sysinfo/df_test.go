package sysinfo

import (
	"reflect"
	"testing"
)

func TestDfSummary(t *testing.T) {
	d := &DfReport{
		ImagesSize: 1000,
		Images: []DfImage{
			{ImageID: "a", UniqueSize: 300, SharedSize: 200, Containers: 2},
			{ImageID: "a", UniqueSize: 300, SharedSize: 200, Containers: 2}, // a second name
			{ImageID: "b", UniqueSize: 400, SharedSize: 200},
		},
		Containers: []DfContainer{{Status: "running", RWSize: 5}, {Status: "exited", RWSize: 7}, {Status: "created"}},
		Volumes:    []DfVolume{{Links: 2, Size: 10}, {Size: 4, ReclaimableSize: 4}},
	}
	want := []DfSummary{
		{Type: "Images", Total: 3, Active: 1, RawSize: 1000, RawReclaimable: 700},
		{Type: "Containers", Total: 3, Active: 1, RawSize: 12, RawReclaimable: 7},
		{Type: "Local Volumes", Total: 2, Active: 2, RawSize: 14, RawReclaimable: 4},
	}
	if got := d.Summary(); !reflect.DeepEqual(got, want) {
		t.Errorf("Summary() = %+v, want %+v", got, want)
	}
}
