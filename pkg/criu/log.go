package criu

import (
	"bufio"
	"os"
	"regexp"
	"strings"
)

var errorLine = regexp.MustCompile(`Error \([^)]*\): (.*)$`)

// noise are error lines CRIU logs that are not why a dump or restore
// failed: the summary lines, and the rlimit it cannot raise without
// CAP_SYS_RESOURCE (which does not stop it).
var noise = []string{"rlimit:", "Dump files", "Dumping FAILED", "Restoring FAILED", "Restore failed", "Error (criu/cr-restore"}

// LogReason returns the most telling error of a CRIU log (dump.log,
// restore.log): the first error line that is neither a summary nor known
// noise, or "" when there is none. The first, as what CRIU logs after it
// follows from it (a failed restore's cgroup daemon, for one, then logs
// "cg: cgroupd: recv req error").
func LogReason(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := errorLine.FindStringSubmatch(sc.Text())
		if m == nil || isNoise(sc.Text()) {
			continue
		}
		return strings.TrimSuffix(strings.TrimSpace(m[1]), ".")
	}
	return ""
}

func isNoise(line string) bool {
	for _, n := range noise {
		if strings.Contains(line, n) {
			return true
		}
	}
	return false
}
