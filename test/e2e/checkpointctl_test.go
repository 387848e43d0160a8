package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckpointctlReadsArchives: checkpointctl, the tool that reads
// podman's checkpoint archives, shows and inspects podlite's with the
// right name, image, ID, address and process tree — compressed each way,
// with a network and without.
func TestCheckpointctlReadsArchives(t *testing.T) {
	e := NewEnv(t)
	ctl := requireTool(t, "checkpointctl", "go install github.com/checkpoint-restore/checkpointctl@v1.6.0")
	img := e.LoadBusybox()
	dir := t.TempDir()
	for _, tc := range []struct{ name, compress, network string }{
		{"zstd-bridge", "zstd", "bridge"},
		{"gzip-none", "gzip", "none"},
		{"plain-bridge", "none", "bridge"},
	} {
		id := strings.TrimSpace(e.MustPodlite("run", "-d", "--name", tc.name, "--network", tc.network, img, "sh", "-c", counterScript).Stdout)
		waitFor(t, func() bool { return lastCount(t, e, tc.name) >= 2 })
		ip, _, _ := strings.Cut(netOf(e, tc.name), " ")
		archive := filepath.Join(dir, tc.name+".tar")
		e.MustPodlite("container", "checkpoint", "-c", tc.compress, "-e", archive, tc.name)

		show, err := exec.Command(ctl, "show", archive).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: checkpointctl show: %v\n%s", tc.name, err, show)
		}
		row := lastLine(string(show))
		for _, want := range []string{tc.name, "localhost/busybox:latest", id[:12], "runc", "Podman"} {
			if !strings.Contains(row, want) {
				t.Errorf("%s: checkpointctl show lacks %q:\n%s", tc.name, want, show)
			}
		}
		insp, err := exec.Command(ctl, "inspect", "--all", archive).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: checkpointctl inspect --all: %v\n%s", tc.name, err, insp)
		}
		wants := []string{"ID: " + id, "Image: localhost/busybox:latest", "Process tree", "sh -c i=0"}
		if tc.network == "bridge" {
			wants = append(wants, "IP: "+ip+"/")
		}
		for _, want := range wants {
			if !strings.Contains(string(insp), want) {
				t.Errorf("%s: checkpointctl inspect --all lacks %q:\n%s", tc.name, want, insp)
			}
		}
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
