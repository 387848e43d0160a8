package filter_test

import (
	"errors"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/filter"
)

func TestContainers(t *testing.T) {
	web := &define.ContainerConfig{ID: "abc123", Name: "web-1", Pod: "pod-app", Labels: map[string]string{"app": "web"},
		ImageID: "feed42", Command: []string{"httpd", "-f"}, CreatedAt: time.Unix(2000, 0),
		RestartPolicy: define.RestartPolicy{Name: "always"}, Volumes: []string{"data"}}
	running := &define.ContainerState{Status: define.StatusRunning}
	tests := []struct {
		filters []string
		want    bool
	}{
		{nil, true},
		{[]string{"name=web"}, true},
		{[]string{"name=db"}, false},
		{[]string{"name=db", "name=web"}, true},
		{[]string{"id=abc"}, true},
		{[]string{"id=123"}, false},
		{[]string{"status=running"}, true},
		{[]string{"status=exited"}, false},
		{[]string{"label=app"}, true},
		{[]string{"label=app=web", "status=running"}, true},
		{[]string{"label=app=db"}, false},
		{[]string{"label=app", "name=db"}, false},
		{[]string{"label!=app"}, false},
		{[]string{"label!=tier"}, true},
		{[]string{"name=^web-[0-9]$"}, true},
		{[]string{"name=/web-1"}, true},
		{[]string{"command=httpd"}, true},
		{[]string{"command=-f"}, false},
		{[]string{"ancestor=busybox"}, true},
		{[]string{"ancestor=feed"}, true},
		{[]string{"ancestor=alpine"}, false},
		{[]string{"before=later"}, true},
		{[]string{"since=later"}, false},
		{[]string{"since=earlier"}, true},
		{[]string{"until=1500"}, false},
		{[]string{"until=2500"}, true},
		{[]string{"volume=data"}, true},
		{[]string{"volume=other"}, false},
		{[]string{"restart-policy=always"}, true},
		{[]string{"restart-policy=no"}, false},
		{[]string{"should-start-on-boot=true"}, true},
		{[]string{"exited=0"}, false},
		{[]string{"network=podlite"}, true},
		{[]string{"network=nosuch"}, false},
		{[]string{"pod=p1"}, false},
		{[]string{"pod=app"}, true},
		{[]string{"pod=p1", "pod=app"}, true},
		{[]string{"health=healthy"}, true},
		{[]string{"health=unhealthy"}, false},
		{[]string{"health=none", "health=healthy"}, true},
	}
	for _, tt := range tests {
		match, err := filter.Containers(tt.filters, fakeLookups{})
		if err != nil {
			t.Fatalf("Containers(%q): %v", tt.filters, err)
		}
		if got := match(web, running); got != tt.want {
			t.Errorf("Containers(%q) on web = %v, want %v", tt.filters, got, tt.want)
		}
	}
	for _, bad := range []string{"name", "colour=red", "status=sleepy", "exited=x", "restart-policy=sometimes", "health=sick", "before=nosuch", "name=("} {
		if _, err := filter.Containers([]string{bad}, fakeLookups{}); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("Containers(%q) error = %v, want ErrInvalidArg", bad, err)
		}
	}
}

// fakeLookups knows the image busybox (feed42), the containers earlier
// (created at 1000) and later (3000), and the network podlite, which
// every container is on.
type fakeLookups struct{}

func (fakeLookups) ContainerCreated(name string) (time.Time, error) {
	switch name {
	case "earlier":
		return time.Unix(1000, 0), nil
	case "later":
		return time.Unix(3000, 0), nil
	}
	return time.Time{}, define.ErrInvalidArg
}

func (fakeLookups) ImageID(name string) (string, error) {
	if name == "busybox" {
		return "feed42", nil
	}
	return "", define.ErrNotFound
}

func (fakeLookups) NetworkExists(name string) bool { return name == "podlite" }

func (fakeLookups) PodID(nameOrID string) (string, error) {
	if nameOrID == "app" {
		return "pod-app", nil
	}
	return "", define.ErrNoSuchPod
}

func (fakeLookups) ContainerNetworks(*define.ContainerConfig, *define.ContainerState) []string {
	return []string{"podlite"}
}

func (fakeLookups) ContainerHealth(*define.ContainerConfig, *define.ContainerState) string {
	return "healthy"
}
