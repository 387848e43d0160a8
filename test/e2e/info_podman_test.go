package e2e

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
)

// jsonPaths flattens a JSON document into its key paths ("host.arch")
// and each value's JSON type. Objects under a path in opaque are kept
// whole: their keys are data (graphStatus), not shape.
func jsonPaths(t *testing.T, doc string, opaque ...string) map[string]string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("parsing JSON: %v\n%s", err, doc)
	}
	paths := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		m, ok := v.(map[string]any)
		if !ok || slices.Contains(opaque, prefix) {
			paths[prefix] = jsonType(v)
			return
		}
		if prefix != "" {
			paths[prefix] = "object"
			prefix += "."
		}
		for k, sub := range m {
			walk(prefix+k, sub)
		}
	}
	walk("", v)
	return paths
}

// comparePaths reports the paths one side has and the other has not,
// beyond the expected differences, and type mismatches on shared paths.
func comparePaths(t *testing.T, what string, ours, theirs map[string]string, onlyOurs, onlyTheirs []string) {
	t.Helper()
	for _, p := range slices.Sorted(maps.Keys(theirs)) {
		got, ok := ours[p]
		switch {
		case !ok && !slices.Contains(onlyTheirs, p):
			t.Errorf("%s: podman has %s, podlite has not", what, p)
		case ok && got != theirs[p] && got != "null" && theirs[p] != "null":
			t.Errorf("%s: %s is a %s, podman's a %s", what, p, got, theirs[p])
		}
	}
	for _, p := range slices.Sorted(maps.Keys(ours)) {
		if _, ok := theirs[p]; !ok && !slices.Contains(onlyOurs, p) {
			t.Errorf("%s: podlite has %s, podman has not", what, p)
		}
	}
}

// TestInfoVersionMatchPodman compares info and version with podman
// 4.3.1's: the JSON key paths and types, the template fields scripts
// read, and version's default layout. The expected differences are
// podman 5's additions to info (which podlite has), podlite's CRIU
// report, and remoteSocket (podlite has no API service).
func TestInfoVersionMatchPodman(t *testing.T) {
	pm := NewPodman(t)
	e := NewEnv(t)
	pmInfo := []string{"--events-backend", "file", "info"}

	infoOpaque := []string{"store.graphStatus", "store.graphOptions", "registries", "host.criu"}
	ours := jsonPaths(t, e.MustPodlite("info", "--format", "json").Stdout, infoOpaque...)
	theirs := jsonPaths(t, pm.MustRun(append(pmInfo, "--format", "json")...), infoOpaque...)
	newIn5 := []string{
		"host.databaseBackend", "host.networkBackendInfo", "host.networkBackendInfo.backend",
		"host.networkBackendInfo.path", "host.networkBackendInfo.dns", "host.rootlessNetworkCmd",
		"host.pasta", "host.pasta.executable", "host.pasta.package", "host.pasta.version",
		"host.variant", "store.transientStore",
	}
	comparePaths(t, "info json", ours, theirs, append(newIn5, "host.criu"), []string{"host.remoteSocket", "host.remoteSocket.path"})

	same := []string{
		".Host.Arch", ".Host.OS", ".Host.CPUs", ".Host.Kernel", ".Host.Hostname", ".Host.OCIRuntime.Name",
		".Host.Distribution.Distribution", ".Host.Distribution.Version", ".Host.Distribution.Codename",
		".Host.Security.Rootless", ".Host.Security.SELinuxEnabled", ".Host.CgroupsVersion", ".Host.CgroupManager",
		".Host.CgroupControllers", ".Host.NetworkBackend", ".Host.EventLogger", ".Host.LogDriver", ".Host.MemTotal",
		".Host.SwapTotal", ".Host.IDMappings.UIDMap", ".Host.ServiceIsRemote", ".Host.Linkmode",
		".Store.GraphDriverName", ".Store.ContainerStore.Number", ".Store.ContainerStore.Running",
		".Store.ContainerStore.Paused", ".Store.ContainerStore.Stopped", ".Store.ImageStore.Number",
		".Plugins.Volume", ".Plugins.Authorization",
	}
	// One call per engine: podman's info takes a second.
	format := "{{" + strings.Join(same, "}}|{{") + "}}"
	got := strings.Split(e.MustPodlite("info", "--format", format).Stdout, "|")
	want := strings.Split(pm.MustRun(append(pmInfo, "--format", format)...), "|")
	for i, field := range same {
		if got[i] != want[i] {
			t.Errorf("info --format {{%s}}: podlite %q, podman %q", field, got[i], want[i])
		}
	}
	// Set, though with podlite's values: paths, versions.
	set := []string{".Host.OCIRuntime.Path", ".Host.OCIRuntime.Version", ".Host.Conmon.Path", ".Host.Uptime",
		".Store.GraphRoot", ".Store.RunRoot", ".Store.VolumePath", ".Version.Version", ".Version.GoVersion"}
	values := strings.Split(e.MustPodlite("info", "--format", "{{"+strings.Join(set, "}}|{{")+"}}").Stdout, "|")
	for i, field := range set {
		if strings.TrimSpace(values[i]) == "" {
			t.Errorf("info --format {{%s}} is empty", field)
		}
	}

	ours = jsonPaths(t, e.MustPodlite("version", "--format", "json").Stdout)
	theirs = jsonPaths(t, pm.MustRun("version", "--format", "json"))
	comparePaths(t, "version json", ours, theirs, nil, nil)
	for _, format := range []string{"{{.Client.Os}} {{.Client.OsArch}} {{.Server}}", "{{.Os}}", "{{.Server.Os}}"} {
		if got, want := e.MustPodlite("version", "--format", format).Stdout, pm.MustRun("version", "--format", format); got != want {
			t.Errorf("version --format %s: podlite %q, podman %q", format, got, want)
		}
	}
	labels := func(out string) (l []string) {
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			label, _, _ := strings.Cut(line, ":")
			l = append(l, label)
		}
		return l
	}
	if got, want := labels(e.MustPodlite("version").Stdout), labels(pm.MustRun("version")); !slices.Equal(got, want) {
		t.Errorf("version's lines: podlite %q, podman %q", got, want)
	}
}
