package statetest

import (
	"testing"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/state"
)

// NewPodConfig returns a pod config shaped like one `podlite pod create`
// writes.
func NewPodConfig(id, name string, i int) *define.PodConfig {
	return &define.PodConfig{
		ID: id, Name: name, Labels: map[string]string{"app": name}, CreatedAt: timeAt(i),
		CreateCommand: []string{"podlite", "pod", "create", "--name", name},
		Infra:         true, InfraName: id[:12] + "-infra",
		Share:      []string{define.ShareIPC, define.ShareNet, define.ShareUTS},
		ExitPolicy: define.PodExitContinue,
	}
}

func mustAddPod(t *testing.T, s state.Store, name string, i int) *define.PodConfig {
	t.Helper()
	cfg := NewPodConfig(ID("pod-"+name), name, i)
	if err := s.AddPod(cfg, &define.PodState{}); err != nil {
		t.Fatalf("adding pod %s: %v", name, err)
	}
	return cfg
}

func testAddPod(t *testing.T, s state.Store) {
	ctr := mustAdd(t, s, 0)
	pod := mustAddPod(t, s, "app", 1)
	add := []struct {
		name string
		cfg  *define.PodConfig
		st   *define.PodState
		want error
	}{
		{"name of a pod", NewPodConfig(ID("other"), "app", 2), &define.PodState{}, define.ErrExists},
		{"name of a container", NewPodConfig(ID("other"), ctr.Name, 2), &define.PodState{}, define.ErrExists},
		{"ID of a pod", NewPodConfig(pod.ID, "other", 2), &define.PodState{}, define.ErrExists},
		{"ID of a container", NewPodConfig(ctr.ID, "other", 2), &define.PodState{}, define.ErrExists},
		{"empty name", NewPodConfig(ID("other"), "", 2), &define.PodState{}, define.ErrInvalidArg},
		{"no state", NewPodConfig(ID("other"), "other", 2), nil, define.ErrInvalidArg},
		{"nil", nil, &define.PodState{}, define.ErrInvalidArg},
	}
	for _, tc := range add {
		t.Run(tc.name, func(t *testing.T) { checkErr(t, s.AddPod(tc.cfg, tc.st), tc.want) })
	}
	// A container cannot take a pod's name either.
	taken := NewConfig(ID("ctr-app"), "app", timeAt(3))
	checkErr(t, s.AddContainer(taken, NewState()), define.ErrExists)

	rec, err := s.Pod(pod.ID)
	checkErr(t, err, nil)
	EqualJSON(t, "pod config", rec.Config, pod)
	EqualJSON(t, "pod state", rec.State, &define.PodState{})
	rec.Config.Labels["app"] = "changed"
	again, err := s.Pod(pod.ID)
	checkErr(t, err, nil)
	EqualJSON(t, "pod config after changing a returned copy", again.Config, pod)
	_, err = s.Pod(ID("missing"))
	checkErr(t, err, define.ErrNoSuchPod)
}

func testLookupPod(t *testing.T, s state.Store) {
	ctr := mustAdd(t, s, 0)
	pod := mustAddPod(t, s, "app", 1)
	cases := []struct {
		in, want string
		err      error
	}{
		{pod.ID, pod.ID, nil},
		{"app", pod.ID, nil},
		{pod.ID[:10], pod.ID, nil},
		{ctr.Name, "", define.ErrNoSuchPod},
		{ctr.ID, "", define.ErrNoSuchPod},
		{"missing", "", define.ErrNoSuchPod},
		{"", "", define.ErrInvalidArg},
	}
	for _, tc := range cases {
		got, err := s.LookupPod(tc.in)
		checkErr(t, err, tc.err)
		if got != tc.want {
			t.Errorf("LookupPod(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// A pod's name does not resolve to a container.
	_, err := s.LookupContainer("app")
	checkErr(t, err, define.ErrNoSuchContainer)
}

func testPodMembers(t *testing.T, s state.Store) {
	pod := mustAddPod(t, s, "app", 0)
	member := NewConfig(ID("member"), "member", timeAt(1))
	member.Pod = pod.ID
	checkErr(t, s.AddContainer(member, NewState()), nil)
	orphan := NewConfig(ID("orphan"), "orphan", timeAt(2))
	orphan.Pod = ID("no such pod")
	checkErr(t, s.AddContainer(orphan, NewState()), define.ErrNoSuchPod)

	checkErr(t, s.SavePodState(pod.ID, &define.PodState{InfraID: member.ID}), nil)
	rec, err := s.Pod(pod.ID)
	checkErr(t, err, nil)
	if rec.State.InfraID != member.ID {
		t.Fatalf("infra ID %q after saving, want %q", rec.State.InfraID, member.ID)
	}
	checkErr(t, s.SavePodState(ID("missing"), &define.PodState{}), define.ErrNotFound)
	checkErr(t, s.SavePodState(pod.ID, nil), define.ErrInvalidArg)

	checkErr(t, s.RemovePod(pod.ID), define.ErrInvalidState)
	checkErr(t, s.RemoveContainer(member.ID), nil)
	checkErr(t, s.RemovePod(pod.ID), nil)
	checkErr(t, s.RemovePod(pod.ID), define.ErrNoSuchPod)
	// The name is free again, for a container too.
	checkErr(t, s.AddContainer(NewConfig(ID("reuse"), "app", timeAt(3)), NewState()), nil)
}

func testAllPods(t *testing.T, s state.Store) {
	pods, err := s.AllPods()
	checkErr(t, err, nil)
	if len(pods) != 0 {
		t.Fatalf("empty store lists %d pods", len(pods))
	}
	// Added out of creation order: the list follows creation.
	late := mustAddPod(t, s, "late", 5)
	early := mustAddPod(t, s, "early", 1)
	mustAdd(t, s, 0)
	pods, err = s.AllPods()
	checkErr(t, err, nil)
	var got []*define.PodConfig
	for _, p := range pods {
		got = append(got, p.Config)
	}
	EqualJSON(t, "all pods", got, []*define.PodConfig{early, late})
}
