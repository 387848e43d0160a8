package pods_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/pods"
)

func TestParseShare(t *testing.T) {
	cases := []struct {
		in   []string
		set  bool
		want []string
		err  error
	}{
		{nil, false, []string{"ipc", "net", "uts"}, nil},
		{[]string{"net"}, true, []string{"net"}, nil},
		{[]string{"uts,net", "net"}, true, []string{"net", "uts"}, nil},
		{[]string{"+pid"}, true, []string{"ipc", "net", "pid", "uts"}, nil},
		{[]string{"+pid,cgroup"}, true, []string{"cgroup", "ipc", "net", "pid", "uts"}, nil},
		{[]string{"none"}, true, []string{}, nil},
		{[]string{"+none"}, true, nil, define.ErrInvalidArg},
		{[]string{"net,disk"}, true, nil, define.ErrInvalidArg},
		{[]string{""}, true, nil, define.ErrInvalidArg},
	}
	for _, tc := range cases {
		got, err := pods.ParseShare(tc.in, tc.set)
		if !errors.Is(err, tc.err) || (tc.err == nil && err != nil) {
			t.Errorf("ParseShare(%q): error %v, want %v", tc.in, err, tc.err)
			continue
		}
		if tc.err == nil && !slices.Equal(got, tc.want) {
			t.Errorf("ParseShare(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestExitPolicyAndInfraName(t *testing.T) {
	for in, want := range map[string]string{"": "continue", "continue": "continue", "stop": "stop"} {
		if got, err := pods.CheckExitPolicy(in); err != nil || got != want {
			t.Errorf("CheckExitPolicy(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := pods.CheckExitPolicy("sometimes"); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("CheckExitPolicy(sometimes): %v", err)
	}
	if got := pods.InfraName("0123456789abcdef", ""); got != "0123456789ab-infra" {
		t.Errorf("default infra name %q", got)
	}
	if got := pods.InfraName("0123456789abcdef", "mine"); got != "mine" {
		t.Errorf("--infra-name gave %q", got)
	}
}

func TestMemberNamespaces(t *testing.T) {
	cfg := &define.PodConfig{Infra: true, Share: []string{"ipc", "net", "pid", "uts"}}
	got := pods.MemberNamespaces(cfg, "INFRA")
	want := map[string]string{"ipc": "container:INFRA", "pid": "container:INFRA", "uts": "container:INFRA"}
	if len(got) != len(want) {
		t.Fatalf("MemberNamespaces = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("MemberNamespaces[%s] = %q, want %q", k, got[k], v)
		}
	}
	cfg.Infra = false
	if got := pods.MemberNamespaces(cfg, "INFRA"); len(got) != 0 {
		t.Errorf("a pod without infra shares %v", got)
	}
}

// TestInfraMounts: the binary at PausePath, the interpreter at the path the
// binary names, and each loaded library under its soname.
func TestInfraMounts(t *testing.T) {
	mounts, err := pods.InfraMounts("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	if mounts[0].Dest != pods.PausePath {
		t.Errorf("first mount %+v, want the binary at %s", mounts[0], pods.PausePath)
	}
	for _, m := range mounts {
		if m.Dest == "" || m.Source == "" {
			t.Errorf("incomplete mount %+v", m)
		}
	}
}
