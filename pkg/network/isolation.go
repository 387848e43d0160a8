package network

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// Bridge networks are isolated from each other: the CNI plugins route
// between any two bridges on the host (the bridge plugin masquerades and
// the firewall plugin accepts per container), so a container on one
// network could reach every other network. podlite keeps, per network
// configuration directory, one iptables chain of DROP rules for every
// ordered pair of its bridge networks, jumped to from PODLITE-ISOLATION at
// the top of FORWARD. The chain is rewritten whenever the set of networks
// changes, and once per boot (a marker under RunDir, which a reboot
// empties along with the rules) before the first container connects.

const isolationChain = "PODLITE-ISOLATION"

// isolationRules returns the managed chain's name and its rules.
func (c *CNI) isolationRules(nets []*Network) (string, []string) {
	sum := sha256.Sum256([]byte(c.opts.ConfigDir))
	chain := "PLISO-" + hex.EncodeToString(sum[:])[:12]
	var bridges []string
	for _, n := range nets {
		if n.Driver == DriverBridge && n.NetworkInterface != "" {
			bridges = append(bridges, n.NetworkInterface)
		}
	}
	slices.Sort(bridges)
	var rules []string
	for _, from := range bridges {
		for _, to := range bridges {
			if from != to {
				rules = append(rules, fmt.Sprintf("-A %s -i %s -o %s -j DROP", chain, from, to))
			}
		}
	}
	return chain, rules
}

// syncIsolation rewrites the isolation chain for the current networks.
// The caller holds the configuration lock.
func (c *CNI) syncIsolation() error {
	nets, err := c.Networks()
	if err != nil {
		return err
	}
	chain, rules := c.isolationRules(nets)
	if len(rules) == 0 {
		// Fewer than two bridges: nothing to isolate, and no chain left
		// behind by a configuration directory that is gone (tests make many).
		_ = exec.Command("iptables", "-w", "-D", isolationChain, "-j", chain).Run()
		_ = exec.Command("iptables", "-w", "-F", chain).Run()
		_ = exec.Command("iptables", "-w", "-X", chain).Run()
		if c.opts.RunDir != "" {
			return os.WriteFile(c.isolationMarker(), nil, 0o600)
		}
		return nil
	}
	if err := ensureChainJump("FORWARD", isolationChain, true); err != nil {
		return err
	}
	if err := ensureChainJump(isolationChain, chain, false); err != nil {
		return err
	}
	// Declaring the chain in iptables-restore --noflush empties it first.
	input := "*filter\n:" + chain + " - [0:0]\n" + strings.Join(append(rules, "COMMIT", ""), "\n")
	cmd := exec.Command("iptables-restore", "--noflush", "-w")
	cmd.Stdin = strings.NewReader(input)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("writing network isolation rules: %v: %s", err, bytes.TrimSpace(out))
	}
	if c.opts.RunDir != "" {
		return os.WriteFile(c.isolationMarker(), []byte(strings.Join(rules, "\n")), 0o600)
	}
	return nil
}

// ensureIsolation syncs the isolation chain unless this boot already did
// for the current networks.
func (c *CNI) ensureIsolation() error {
	if c.opts.RunDir != "" {
		nets, err := c.Networks()
		if err != nil {
			return err
		}
		_, rules := c.isolationRules(nets)
		if b, err := os.ReadFile(c.isolationMarker()); err == nil && string(b) == strings.Join(rules, "\n") {
			return nil
		}
	}
	unlock, err := c.lockConfig()
	if err != nil {
		return err
	}
	defer unlock()
	return c.syncIsolation()
}

func (c *CNI) isolationMarker() string { return filepath.Join(c.opts.RunDir, "isolation-synced") }

// ensureChainJump creates chain target if needed and makes chain jump to
// it (inserted first, or appended).
func ensureChainJump(chain, target string, first bool) error {
	if err := exec.Command("iptables", "-w", "-n", "-L", target).Run(); err != nil {
		if out, err := exec.Command("iptables", "-w", "-N", target).CombinedOutput(); err != nil && !bytes.Contains(out, []byte("exists")) {
			return fmt.Errorf("creating iptables chain %s: %v: %s", target, err, bytes.TrimSpace(out))
		}
	}
	if exec.Command("iptables", "-w", "-C", chain, "-j", target).Run() == nil {
		return nil
	}
	args := []string{"-w", "-A", chain, "-j", target}
	if first {
		args = []string{"-w", "-I", chain, "1", "-j", target}
	}
	if out, err := exec.Command("iptables", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("adding jump from %s to %s: %v: %s", chain, target, err, bytes.TrimSpace(out))
	}
	return nil
}
