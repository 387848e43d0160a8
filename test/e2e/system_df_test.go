package e2e

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestSystemDfMatchesPodman runs system df on podlite and podman 4.3.1
// over the same images, containers and volumes.
func TestSystemDfMatchesPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	both := func(args ...string) {
		t.Helper()
		e.MustPodlite(args...)
		pm.MustRun(args...)
	}
	both("tag", img, "localhost/second:1")
	both("volume", "create", "data")
	both("volume", "create", "spare")
	both("run", "-d", "--network", "none", "--name", "up", "-v", "data:/data", img, "sh", "-c", "echo 12345 > /data/f; echo abc > /rw; sleep 1000")
	both("run", "--network", "none", "--name", "done", img, "sh", "-c", "echo abcdefgh > /rw")
	both("create", "--network", "none", "--name", "fresh", img, "true")
	waitFor(t, func() bool {
		return strings.Contains(e.MustPodlite("exec", "up", "cat", "/rw").Stdout, "abc") &&
			strings.Contains(pm.MustRun("exec", "up", "cat", "/rw"), "abc")
	})

	// The summary: same types, counts and active counts (4.3.1 counts
	// an image with two names as two active images, 5.x as one, as
	// podlite); the same reclaimable share of images and volumes, and the
	// same volumes line.
	format := "{{.Type}}|{{.Total}}|{{.Active}}|{{.Reclaimable}}"
	ours := dfLines(e.MustPodlite("system", "df", "--format", format).Stdout)
	theirs := dfLines(pm.MustRun("system", "df", "--format", format))
	noSize := func(l string) string { return l[:strings.LastIndex(l, "|")] }
	percent := func(l string) string { return l[strings.LastIndex(l, "("):] }
	if len(ours) != 3 || len(theirs) != 3 || !strings.HasPrefix(ours[0], "Images|2|1|") || !strings.HasPrefix(theirs[0], "Images|2|") ||
		percent(ours[0]) != percent(theirs[0]) || noSize(ours[1]) != noSize(theirs[1]) || ours[2] != theirs[2] {
		t.Errorf("system df: podlite\n%s\npodman\n%s", strings.Join(ours, "\n"), strings.Join(theirs, "\n"))
	}
	// Containers: the read-write layers (their sizes depend on what each
	// writes there), reclaimable unless running, on both.
	checkContainerReclaim(t, "podlite", e.MustPodlite("system", "df", "--format", "{{.RawSize}} {{.RawReclaimable}}").Stdout,
		e.MustPodlite("ps", "-a", "--size", "--format", "json").Stdout)
	checkContainerReclaim(t, "podman", pm.MustRun("system", "df", "--format", "{{.RawSize}} {{.RawReclaimable}}"),
		pm.MustRun("ps", "-a", "--size", "--format", "json"))
	o, p := e.MustPodlite("system", "df").Stdout, pm.MustRun("system", "df")
	if headerWords(strings.SplitN(o, "\n", 2)[0]) != headerWords(strings.SplitN(p, "\n", 2)[0]) {
		t.Errorf("system df table: podlite\n%s\npodman\n%s", o, p)
	}

	// json (podman 5's shape; 4.3.1 prints none).
	var rows []map[string]any
	if err := json.Unmarshal([]byte(e.MustPodlite("system", "df", "--format", "json").Stdout), &rows); err != nil || len(rows) != 3 {
		t.Fatalf("system df --format json: %v: %v", err, rows)
	}
	for _, k := range []string{"Type", "Total", "Active", "RawSize", "RawReclaimable", "TotalCount", "Size", "Reclaimable"} {
		if _, ok := rows[1][k]; !ok {
			t.Errorf("system df json lacks %s: %v", k, rows[1])
		}
	}

	// -v: the same three tables with the same rows.
	o, p = e.MustPodlite("system", "df", "-v").Stdout, pm.MustRun("system", "df", "-v")
	if dfVerboseShape(o) != dfVerboseShape(p) {
		t.Errorf("system df -v: podlite\n%s\npodman\n%s", o, p)
	}
	r := e.Podlite("system", "df", "-v", "--format", "json")
	expectOneLineError(t, r)

	// An image built on another shares its layers (podman 5's split;
	// 4.3.1's differs, so podlite alone).
	e.MustPodlite("commit", "-q", "done", "localhost/derived:1")
	shared := map[string]string{}
	for _, l := range strings.Split(e.MustPodlite("system", "df", "-v").Stdout, "\n") {
		if f := strings.Fields(l); len(f) > 7 && (f[0] == "localhost/busybox" || f[0] == "localhost/derived") {
			shared[f[0]] = f[len(f)-3]
		}
	}
	if len(shared) != 2 || shared["localhost/busybox"] != shared["localhost/derived"] || shared["localhost/busybox"] == "0B" {
		t.Errorf("shared sizes of an image and one built on it: %v", shared)
	}
}

// dfVerboseShape keeps of `system df -v` the section titles, the headers,
// and each row's columns that do not depend on IDs, times or layer
// sizes (images' repository, tag, sizes and containers; containers'
// command, local volumes, status and name; volumes' whole rows), rows
// sorted (podman lists containers by ID).
func dfVerboseShape(out string) string {
	var b strings.Builder
	var rows []string
	flush := func() {
		slices.Sort(rows)
		b.WriteString(strings.Join(rows, "\n") + "\n")
		rows = nil
	}
	section := 0
	for _, l := range strings.Split(out, "\n") {
		var fields []string
		for _, c := range strings.Split(strings.TrimSpace(l), "  ") {
			if c = strings.TrimSpace(c); c != "" {
				fields = append(fields, c)
			}
		}
		switch {
		case len(fields) == 0:
			continue
		case strings.HasSuffix(l, "space usage:"):
			flush()
			section++
			b.WriteString(l + "\n")
			continue
		case section == 1 && len(fields) == 8 && fields[0] != "REPOSITORY":
			fields = slices.Delete(fields, 2, 4)
		case section == 2 && len(fields) == 8 && fields[0] != "CONTAINER ID":
			fields = []string{fields[2], fields[3], fields[6], fields[7]}
		}
		rows = append(rows, strings.Join(fields, "|"))
	}
	flush()
	return b.String()
}

func dfLines(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") }

// checkContainerReclaim checks df's containers line (RawSize
// RawReclaimable) against ps: all read-write layers, and those of the
// containers that do not run.
func checkContainerReclaim(t *testing.T, who, df, ps string) {
	t.Helper()
	var listed []struct {
		State string
		Size  struct{ RwSize int64 }
	}
	if err := json.Unmarshal([]byte(ps), &listed); err != nil {
		t.Fatalf("%s ps --size --format json: %v", who, err)
	}
	var all, idle int64
	for _, c := range listed {
		all += c.Size.RwSize
		if c.State != "running" {
			idle += c.Size.RwSize
		}
	}
	if got, want := dfLines(df)[1], fmt.Sprintf("%d %d", all, idle); got != want || idle == 0 {
		t.Errorf("%s: system df containers %q, ps sums %q", who, got, want)
	}
}
