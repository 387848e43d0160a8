package criu

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// CPUInfoImage is the file `criu cpuinfo dump` writes into an image
// directory: the CPU's vendor, model, instruction capabilities and FPU
// (xsave) features. CRIU's own dump leaves it out unless asked
// (--cpu-cap=image), and its restore reads it only then.
const CPUInfoImage = "cpuinfo.img"

// DumpCPUInfo records this CPU's features in dir/cpuinfo.img, creating dir
// when it is missing.
func DumpCPUInfo(dir string) error {
	return cpuinfoDumpOf(binary, dir)
}

// CheckCPUInfo returns nil when this CPU has every feature recorded in
// dir/cpuinfo.img. Otherwise it returns one line with CRIU's reason,
// wrapping define.ErrNotSupported.
func CheckCPUInfo(dir string) error {
	return cpuinfoCheckOf(binary, dir)
}

// CheckCPUInfoImage is CheckCPUInfo for the bytes of a cpuinfo.img, such
// as the one ReadMetadata finds in an archive.
func CheckCPUInfoImage(img []byte) error {
	dir, err := os.MkdirTemp("", "podlite-cpuinfo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, CPUInfoImage), img, 0o600); err != nil {
		return err
	}
	return CheckCPUInfo(dir)
}

func cpuinfoDumpOf(path, dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("recording the CPU's features: %w", err)
	}
	out, err := exec.Command(path, "cpuinfo", "dump", "-D", dir).CombinedOutput()
	if err != nil {
		return cpuinfoError(path, "recording the CPU's features", out, err)
	}
	return nil
}

func cpuinfoCheckOf(path, dir string) error {
	out, err := exec.Command(path, "cpuinfo", "check", "-D", dir).CombinedOutput()
	if err != nil {
		return cpuinfoError(path, "checking the CPU features the checkpoint recorded", out, err)
	}
	return nil
}

// cpuinfoError turns a failed `criu cpuinfo` into one line: what was
// being done and CRIU's first complaint.
func cpuinfoError(path, doing string, out []byte, err error) error {
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		return missingError(path, err)
	}
	if perr := privilegeError(out); perr != nil {
		return perr
	}
	return fmt.Errorf("%s: %s: %w", doing, cpuinfoReason(out), define.ErrNotSupported)
}

// cpuinfoReason picks CRIU's first error message out of its output, the
// one that says why; later ones only report that it gave up.
func cpuinfoReason(out []byte) string {
	for line := range strings.Lines(string(out)) {
		if m := errorLine.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			reason := strings.TrimSuffix(strings.TrimSpace(m[1]), ".")
			return strings.TrimPrefix(reason, "cpu: ")
		}
	}
	return firstLine(out)
}
