package network

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// A network lock drops every packet in and out of a container's network
// namespace while CRIU dumps or restores its TCP connections, so that
// neither the peer nor the kernel answers a packet meant for a socket in
// repair mode (or one gone or not yet restored) with a reset. CRIU takes
// this lock itself when run with host privileges; an ordinary user's CRIU
// runs with network-lock=skip, and podlite, root of the user's
// namespace that owns the container's network namespace, takes it
// instead, with CRIU's rules (the chain CRIU, its mark 0xC114 let through).
const (
	lockChain = "CRIU"
	lockRules = "*filter\n:" + lockChain + " - [0:0]\n-I INPUT -j " + lockChain + "\n-I OUTPUT -j " + lockChain +
		"\n-A " + lockChain + " -m mark --mark 0xC114 -j ACCEPT\n-A " + lockChain + " -j DROP\nCOMMIT\n"
	unlockRules = "*filter\n:" + lockChain + " - [0:0]\n-D INPUT -j " + lockChain + "\n-D OUTPUT -j " + lockChain +
		"\n-X " + lockChain + "\nCOMMIT\n"
)

// LockTraffic drops all IPv4 and IPv6 traffic of the network namespace at
// nsPath until UnlockTraffic.
func LockTraffic(nsPath string) error {
	return InNamespace(nsPath, func() error { return restoreRules(lockRules) })
}

// UnlockTraffic undoes LockTraffic.
func UnlockTraffic(nsPath string) error {
	return InNamespace(nsPath, func() error { return restoreRules(unlockRules) })
}

func restoreRules(rules string) error {
	var errs []error
	for _, tool := range []string{"iptables-restore", "ip6tables-restore"} {
		path, err := sbinTool(tool)
		if err != nil {
			return err
		}
		cmd := exec.Command(path, "--noflush")
		cmd.Stdin = strings.NewReader(rules)
		if out, err := cmd.CombinedOutput(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %v: %s", tool, err, bytes.TrimSpace(out)))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("network lock: %w: %w", define.ErrUnavailable, err)
	}
	return nil
}

// sbinTool finds tool in $PATH or the sbin directories an ordinary
// user's $PATH may lack.
func sbinTool(tool string) (string, error) {
	if p, err := exec.LookPath(tool); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/sbin"} {
		if p, err := exec.LookPath(dir + "/" + tool); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("network lock: %s not found in $PATH, /usr/sbin or /sbin: %w", tool, define.ErrUnavailable)
}
