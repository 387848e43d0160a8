package health_test

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/health"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"curl -f http://localhost/", []string{"CMD-SHELL", "curl -f http://localhost/"}},
		{`["CMD", "ls", "/"]`, []string{"CMD", "ls", "/"}},
		{`["CMD-SHELL", "exit 0"]`, []string{"CMD-SHELL", "exit 0"}},
		{`["ls", "/"]`, []string{"CMD", "ls", "/"}},
		{`["true"]`, []string{"CMD-SHELL", "true"}},
		{"CMD-SHELL echo a b", []string{"CMD-SHELL", "echo a b"}},
		{"none", []string{"NONE"}},
	}
	for _, tt := range tests {
		got, err := health.ParseCommand(tt.in)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ParseCommand(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := health.ParseCommand("[]"); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("empty array: %v, want ErrInvalidArg", err)
	}
}

func TestBuild(t *testing.T) {
	image := &define.HealthConfig{Test: []string{"CMD", "true"}, Interval: 5 * time.Second}
	retries := uint(0)
	bad := []health.Options{
		{Cmd: "true", Interval: "0.5s"},
		{Cmd: "true", Interval: "soon"},
		{Cmd: "true", Timeout: "0s"},
		{Cmd: "true", StartPeriod: "-1s"},
		{Cmd: "true", Retries: &retries},
		{Cmd: "true", OnFailure: "explode"},
		{Cmd: "true", LogDestination: "relative/dir"},
		{Cmd: "true", NoHealthcheck: true},
		{Cmd: "true", StartupInterval: "1s"},
	}
	for _, o := range bad {
		if _, err := health.Build(o, nil); err == nil {
			t.Errorf("Build(%+v) accepted", o)
		}
	}
	hc, err := health.Build(health.Options{}, image)
	if err != nil || hc.Config.Interval != 5*time.Second || hc.Config.Timeout != health.DefaultTimeout || hc.Config.Retries != 3 || hc.OnFailure != "none" {
		t.Errorf("image's check: %+v, %v", hc, err)
	}
	hc, err = health.Build(health.Options{Interval: "disable"}, image)
	if err != nil || hc.Config.Interval != 0 {
		t.Errorf("--health-interval disable over the image: %+v, %v", hc, err)
	}
	for _, o := range []health.Options{{NoHealthcheck: true}, {Cmd: "none"}} {
		if hc, err := health.Build(o, image); hc != nil || err != nil {
			t.Errorf("Build(%+v) = %+v, %v; want no check", o, hc, err)
		}
	}
}

func TestRecord(t *testing.T) {
	hc := &define.HealthCheck{Config: &define.HealthConfig{Retries: 2}, OnFailure: "kill", MaxLogCount: 2, MaxLogSize: 3}
	r := &health.Results{Status: define.HealthStarting}
	fail, pass := health.Entry{ExitCode: 1, Output: "abcdef"}, health.Entry{}
	started := time.Now().Add(-time.Minute)
	if o := r.Record(hc, fail, started); o.Healthy || o.Action != "" || r.Status != define.HealthStarting || r.FailingStreak != 1 {
		t.Fatalf("first failure: %+v %+v", o, r)
	}
	if o := r.Record(hc, fail, started); o.Action != "kill" || r.Status != define.HealthUnhealthy {
		t.Fatalf("second failure: %+v %+v", o, r)
	}
	if o := r.Record(hc, pass, started); !o.Healthy || r.Status != define.HealthHealthy || r.FailingStreak != 0 {
		t.Fatalf("pass: %+v %+v", o, r)
	}
	if len(r.Log) != 2 || r.Log[0].Output != "abc" {
		t.Errorf("log not bounded: %+v", r.Log)
	}
	// In the start period failures do not count.
	hc.Config.StartPeriod = time.Hour
	r = &health.Results{Status: define.HealthStarting}
	for range 3 {
		r.Record(hc, fail, time.Now())
	}
	if r.FailingStreak != 0 || r.Status != define.HealthStarting {
		t.Errorf("start period: %+v", r)
	}
}

func TestRecordStartup(t *testing.T) {
	hc := &define.HealthCheck{Config: &define.HealthConfig{Retries: 1},
		Startup: &define.StartupHealthConfig{HealthConfig: define.HealthConfig{Retries: 2}, Successes: 2}}
	r := &health.Results{}
	if o := r.Record(hc, health.Entry{}, time.Now()); o.StartupDone || !r.InStartup(hc) {
		t.Fatalf("one of two passes ended the startup check: %+v", r)
	}
	if o := r.Record(hc, health.Entry{}, time.Now()); !o.StartupDone || r.InStartup(hc) || r.Status != define.HealthStarting {
		t.Fatalf("two passes: %+v %+v", o, r)
	}
	r = &health.Results{}
	r.Record(hc, health.Entry{ExitCode: 1}, time.Now())
	if o := r.Record(hc, health.Entry{ExitCode: 1}, time.Now()); o.Action != "restart" {
		t.Errorf("startup out of retries: %+v", o)
	}
}

func TestSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "healthcheck.log")
	r, err := health.Load(path)
	if err != nil || r.Status != define.HealthStarting {
		t.Fatalf("missing file: %+v %v", r, err)
	}
	r.Status, r.FailingStreak = define.HealthUnhealthy, 4
	if err := r.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := health.Load(path)
	if err != nil || back.Status != define.HealthUnhealthy || back.FailingStreak != 4 {
		t.Errorf("loaded %+v %v", back, err)
	}
}

func TestFromImageConfig(t *testing.T) {
	blob := []byte(`{"config":{"Healthcheck":{"Test":["CMD-SHELL","true"],"Interval":2000000000,"Retries":4}}}`)
	hc, err := health.FromImageConfig(blob)
	if err != nil || hc.Interval != 2*time.Second || hc.Retries != 4 || hc.Test[1] != "true" {
		t.Errorf("FromImageConfig = %+v, %v", hc, err)
	}
	if hc, err := health.FromImageConfig([]byte(`{"config":{}}`)); hc != nil || err != nil {
		t.Errorf("no healthcheck: %+v, %v", hc, err)
	}
}

// TestUpdate: update's flags replace the values given and keep the
// others, without changing the check they start from.
func TestUpdate(t *testing.T) {
	cur, err := health.Build(health.Options{Cmd: "true", Interval: "10s"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	two := uint(2)
	got, err := health.Update(cur, health.Options{Retries: &two, OnFailure: "kill"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Config.Retries != 2 || got.Config.Interval != 10*time.Second || got.OnFailure != "kill" || got.Config.Test[1] != "true" {
		t.Errorf("Update kept or changed the wrong values: %+v %+v", got, got.Config)
	}
	if cur.Config.Retries != health.DefaultRetries || cur.OnFailure != "none" {
		t.Errorf("Update changed the check it started from: %+v", cur.Config)
	}
	for _, tc := range []struct {
		cur  *define.HealthCheck
		opts health.Options
		err  error
	}{
		{nil, health.Options{Retries: &two}, define.ErrInvalidArg},
		{cur, health.Options{NoHealthcheck: true, Cmd: "true"}, define.ErrInvalidArg},
		{cur, health.Options{NoHealthcheck: true}, nil},
		{cur, health.Options{Cmd: "none"}, nil},
	} {
		hc, err := health.Update(tc.cur, tc.opts)
		if !errors.Is(err, tc.err) || (tc.err == nil && hc != nil) {
			t.Errorf("Update(%+v) = %v, %v; want no check, %v", tc.opts, hc, err, tc.err)
		}
	}
}
