package filter_test

import (
	"errors"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/filter"
)

func TestPods(t *testing.T) {
	app := &filter.PodEntry{ID: "ab12cd", Name: "app-1", Status: "Degraded", Labels: map[string]string{"tier": "web"},
		Created: time.Unix(2000, 0), Networks: []string{"podlite"},
		Containers: []filter.PodMember{
			{ID: "ff0001", Name: "ab12cd-infra", Status: define.StatusRunning},
			{ID: "ee0002", Name: "web", Status: define.StatusExited},
			{ID: "dd0003", Name: "job", Status: define.StatusInitialized},
		}}
	tests := []struct {
		filters []string
		want    bool
	}{
		{nil, true},
		{[]string{"id=ab12"}, true},
		{[]string{"id=12cd"}, false},
		{[]string{"id=.*cd$"}, true}, // not hex: a regular expression
		{[]string{"name=app"}, true},
		{[]string{"name=^app$"}, false},
		{[]string{"name=db", "name=^app-[0-9]$"}, true},
		{[]string{"label=tier=web"}, true},
		{[]string{"label=tier=db"}, false},
		{[]string{"label!=tier"}, false},
		{[]string{"label!=owner"}, true},
		{[]string{"status=degraded"}, true},
		{[]string{"status=running"}, false},
		{[]string{"status=running", "status=degraded"}, true},
		{[]string{"network=podlite"}, true},
		{[]string{"network=nosuch"}, false},
		{[]string{"ctr-names=^web$"}, true},
		{[]string{"ctr-names=^db$"}, false},
		{[]string{"ctr-ids=ee00"}, true},
		{[]string{"ctr-ids=aa"}, false},
		{[]string{"ctr-status=exited"}, true},
		{[]string{"ctr-status=stopped"}, true},
		{[]string{"ctr-status=created"}, true}, // initialized counts as created
		{[]string{"ctr-status=paused"}, false},
		{[]string{"ctr-number=3"}, true},
		{[]string{"ctr-number=2"}, false},
		{[]string{"ctr-number=2", "ctr-number=3"}, true},
		{[]string{"until=1500"}, false},
		{[]string{"until=2500"}, true},
		{[]string{"name=app", "status=running"}, false},
	}
	for _, tt := range tests {
		match, err := filter.Pods(tt.filters, fakeLookups{})
		if err != nil {
			t.Fatalf("Pods(%v): %v", tt.filters, err)
		}
		if got := match(app); got != tt.want {
			t.Errorf("Pods(%v) = %v, want %v", tt.filters, got, tt.want)
		}
	}
	for _, bad := range []string{"status=bogus", "ctr-status=stopping", "ctr-number=two", "ctr-number=-1",
		"name=(", "until=someday", "pod=app", "noequals"} {
		if _, err := filter.Pods([]string{bad}, fakeLookups{}); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("Pods(%q): %v, want ErrInvalidArg", bad, err)
		}
	}
}
