package network

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// A network lock drops every packet in and out of a network namespace
// while its TCP connections are dumped, killed or restored, so that
// neither a peer nor the kernel answers a packet meant for a socket in
// repair mode (or one gone or not yet restored) with a reset; TCP
// retransmits what was dropped once the lock goes. Root's CRIU takes such
// a lock itself for one container, in a chain named CRIU; podlite takes
// its own, in a chain of its own name so the two never remove each
// other's rules: for a pod, whose members come back one by one into the
// infra's namespace, and for an ordinary user's CRIU, which runs with
// network-lock=skip. CRIU's mark 0xC114 is let through, as in CRIU's lock.
const (
	lockChain = "PODLITE-CR-LOCK"
	lockRules = "*filter\n:" + lockChain + " - [0:0]\n-I INPUT -j " + lockChain + "\n-I OUTPUT -j " + lockChain +
		"\n-A " + lockChain + " -m mark --mark 0xC114 -j ACCEPT\n-A " + lockChain + " -j DROP\nCOMMIT\n"
	unlockRules = "*filter\n:" + lockChain + " - [0:0]\n-D INPUT -j " + lockChain + "\n-D OUTPUT -j " + lockChain +
		"\n-X " + lockChain + "\nCOMMIT\n"
)

// LockTraffic drops all IPv4 and IPv6 traffic of the network namespace at
// nsPath and returns what lets it flow again.
func LockTraffic(nsPath string) (unlock func() error, _ error) {
	if err := InNamespace(nsPath, func() error { return restoreRules(lockRules) }); err != nil {
		return nil, err
	}
	return func() error { return InNamespace(nsPath, func() error { return restoreRules(unlockRules) }) }, nil
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

// SbinDirs hold iptables and its kin, which an ordinary user's $PATH
// often lacks.
var SbinDirs = []string{"/usr/sbin", "/sbin"}

// sbinTool finds tool in $PATH or SbinDirs.
func sbinTool(tool string) (string, error) {
	if p, err := exec.LookPath(tool); err == nil {
		return p, nil
	}
	for _, dir := range SbinDirs {
		if p, err := exec.LookPath(dir + "/" + tool); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("network lock: %s not found in $PATH, /usr/sbin or /sbin: %w", tool, define.ErrUnavailable)
}
