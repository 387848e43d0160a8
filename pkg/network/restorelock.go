package network

import (
	"fmt"
	"os/exec"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// restoreLockRule drops every packet a namespace receives. A pod's
// restore with established TCP connections holds it while its containers
// come back one by one: a connection restored before its peer on
// localhost would otherwise answer the peer's first packets with a
// reset, or be reset by the peer's, and TCP retransmits what was dropped
// once the rule goes.
var restoreLockRule = []string{"INPUT", "-m", "comment", "--comment", "podlite-restore-lock", "-j", "DROP"}

// LockNamespace adds restoreLockRule to the network namespace at netns
// and returns what removes it.
func LockNamespace(netns string) (unlock func() error, _ error) {
	if err := nsIptables(netns, "-I", restoreLockRule...); err != nil {
		return nil, err
	}
	return func() error { return nsIptables(netns, "-D", restoreLockRule...) }, nil
}

// nsIptables runs iptables op rule in the network namespace netns.
func nsIptables(netns, op string, rule ...string) error {
	args := append([]string{"--net=" + netns, "--", "iptables", "-w", op}, rule...)
	if out, err := exec.Command("nsenter", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("iptables %s in %s: %s: %w: %w", op, netns, strings.TrimSpace(string(out)), define.ErrUnavailable, err)
	}
	return nil
}
