package network

import (
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// lockRules drop every packet a namespace receives or sends. A pod's
// checkpoint with established TCP connections holds them while it kills
// the dumped processes, so that no peer sees their sockets close; a pod's
// restore, while its containers come back one by one: a connection
// restored before its peer on localhost would otherwise answer the
// peer's first packets with a reset, or be reset by the peer's. TCP
// retransmits what was dropped once the rules go.
var lockRules = [][]string{
	{"INPUT", "-m", "comment", "--comment", "podlite-cr-lock", "-j", "DROP"},
	{"OUTPUT", "-m", "comment", "--comment", "podlite-cr-lock", "-j", "DROP"},
}

// LockNamespace adds lockRules to the network namespace at netns and
// returns what removes them.
func LockNamespace(netns string) (unlock func() error, _ error) {
	unlock = func() error {
		var errs []error
		for _, rule := range lockRules {
			errs = append(errs, nsIptables(netns, "-D", rule...))
		}
		return errors.Join(errs...)
	}
	for _, rule := range lockRules {
		if err := nsIptables(netns, "-I", rule...); err != nil {
			if uerr := unlock(); uerr != nil {
				slog.Debug("removing a partial namespace lock", "netns", netns, "error", uerr)
			}
			return nil, err
		}
	}
	return unlock, nil
}

// nsIptables runs iptables op rule in the network namespace netns.
func nsIptables(netns, op string, rule ...string) error {
	args := append([]string{"--net=" + netns, "--", "iptables", "-w", op}, rule...)
	if out, err := exec.Command("nsenter", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("iptables %s in %s: %s: %w: %w", op, netns, strings.TrimSpace(string(out)), define.ErrUnavailable, err)
	}
	return nil
}
