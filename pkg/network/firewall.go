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

// podlite's firewall for bridge networks works per network, not per
// container. The CNI bridge plugin's ipMasq and the firewall plugin add and
// remove several iptables rules for every container, which is most of the
// time a container's network setup takes, and they let the host route
// between any two bridges. Instead, for each network configuration
// directory podlite keeps two chains, rewritten together with one
// iptables-restore whenever the set of networks changes and once per boot
// (a marker under RunDir, which a reboot empties along with the rules):
//
//	filter PLFW-<hash>, jumped to from PODLITE-FORWARD at the top of FORWARD:
//	  -i bA -o bB -j REJECT                  for every pair of bridges (isolation)
//	  -o bN -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
//	  -i bN -j ACCEPT                        (internal: -i bN -o bN only, then REJECT)
//
// REJECT rather than DROP: a connection to a network it may not reach
// fails at once instead of hanging until TCP gives up.
//	nat PLNAT-<hash>, jumped to from PODLITE-POSTROUTING in POSTROUTING:
//	  -s SUBNET ! -d SUBNET -j MASQUERADE     for each non-internal bridge
//
// Published ports stay with the portmap plugin, run only for containers
// that publish some.

const (
	forwardChain     = "PODLITE-FORWARD"
	postroutingChain = "PODLITE-POSTROUTING"
)

// firewallRules returns the managed chains and their rules.
func (c *CNI) firewallRules(nets []*Network) (filterChain, natChain string, filter, nat []string) {
	sum := sha256.Sum256([]byte(c.opts.ConfigDir))
	id := hex.EncodeToString(sum[:])[:12]
	filterChain, natChain = "PLFW-"+id, "PLNAT-"+id
	var bridges []*Network
	for _, n := range nets {
		if n.Driver == DriverBridge && n.NetworkInterface != "" {
			bridges = append(bridges, n)
		}
	}
	slices.SortFunc(bridges, func(a, b *Network) int { return strings.Compare(a.NetworkInterface, b.NetworkInterface) })
	for _, from := range bridges {
		for _, to := range bridges {
			if from != to {
				filter = append(filter, fmt.Sprintf("-A %s -i %s -o %s -j REJECT", filterChain, from.NetworkInterface, to.NetworkInterface))
			}
		}
	}
	for _, n := range bridges {
		br := n.NetworkInterface
		if n.Internal {
			filter = append(filter,
				fmt.Sprintf("-A %s -i %s -o %s -j ACCEPT", filterChain, br, br),
				fmt.Sprintf("-A %s -i %s -j REJECT", filterChain, br),
				fmt.Sprintf("-A %s -o %s -j REJECT", filterChain, br))
			continue
		}
		filter = append(filter,
			fmt.Sprintf("-A %s -o %s -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", filterChain, br),
			fmt.Sprintf("-A %s -i %s -j ACCEPT", filterChain, br))
		for _, s := range n.Subnets {
			nat = append(nat, fmt.Sprintf("-A %s -s %s ! -d %s -j MASQUERADE", natChain, s.Subnet, s.Subnet))
		}
	}
	return filterChain, natChain, filter, nat
}

// syncFirewall rewrites the managed chains for the current networks. The
// caller holds the configuration lock.
func (c *CNI) syncFirewall() error {
	nets, err := c.Networks()
	if err != nil {
		return err
	}
	filterChain, natChain, filter, nat := c.firewallRules(nets)
	if len(filter) == 0 && len(nat) == 0 {
		// No bridge left: remove the chains rather than keep empty ones
		// for a configuration directory that may be gone (tests make many).
		for _, args := range [][]string{
			{"-D", forwardChain, "-j", filterChain}, {"-F", filterChain}, {"-X", filterChain},
			{"-t", "nat", "-D", postroutingChain, "-j", natChain}, {"-t", "nat", "-F", natChain}, {"-t", "nat", "-X", natChain},
		} {
			_ = exec.Command("iptables", append([]string{"-w"}, args...)...).Run()
		}
		return c.markFirewall(nil)
	}
	for _, j := range []struct{ table, chain, target string }{
		{"filter", "FORWARD", forwardChain}, {"filter", forwardChain, filterChain},
		{"nat", "POSTROUTING", postroutingChain}, {"nat", postroutingChain, natChain},
	} {
		if err := ensureChainJump(j.table, j.chain, j.target); err != nil {
			return err
		}
	}
	// Declaring a chain in iptables-restore --noflush empties it first.
	input := "*filter\n:" + filterChain + " - [0:0]\n" + joinLines(filter) + "COMMIT\n" +
		"*nat\n:" + natChain + " - [0:0]\n" + joinLines(nat) + "COMMIT\n"
	cmd := exec.Command("iptables-restore", "--noflush", "-w")
	cmd.Stdin = strings.NewReader(input)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("writing the networks' firewall rules: %v: %s", err, bytes.TrimSpace(out))
	}
	return c.markFirewall(append(filter, nat...))
}

// ensureFirewall syncs the chains unless this boot already did for the
// current networks.
func (c *CNI) ensureFirewall() error {
	if c.opts.RunDir != "" {
		nets, err := c.Networks()
		if err != nil {
			return err
		}
		_, _, filter, nat := c.firewallRules(nets)
		if b, err := os.ReadFile(c.firewallMarker()); err == nil && string(b) == joinLines(append(filter, nat...)) {
			return nil
		}
	}
	unlock, err := c.lockConfig()
	if err != nil {
		return err
	}
	defer unlock()
	return c.syncFirewall()
}

func (c *CNI) markFirewall(rules []string) error {
	if c.opts.RunDir == "" {
		return nil
	}
	return os.WriteFile(c.firewallMarker(), []byte(joinLines(rules)), 0o600)
}

func (c *CNI) firewallMarker() string { return filepath.Join(c.opts.RunDir, "firewall-synced") }

func joinLines(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// ensureChainJump creates chain target in table if needed and makes chain
// jump to it: inserted first in a built-in chain, appended otherwise.
func ensureChainJump(table, chain, target string) error {
	ipt := func(args ...string) *exec.Cmd {
		return exec.Command("iptables", append([]string{"-w", "-t", table}, args...)...)
	}
	if ipt("-n", "-L", target).Run() != nil {
		if out, err := ipt("-N", target).CombinedOutput(); err != nil && !bytes.Contains(out, []byte("exists")) {
			return fmt.Errorf("creating iptables chain %s: %v: %s", target, err, bytes.TrimSpace(out))
		}
	}
	if ipt("-C", chain, "-j", target).Run() == nil {
		return nil
	}
	args := []string{"-A", chain, "-j", target}
	if chain == "FORWARD" || chain == "POSTROUTING" {
		args = []string{"-I", chain, "1", "-j", target}
	}
	if out, err := ipt(args...).CombinedOutput(); err != nil {
		return fmt.Errorf("adding jump from %s to %s: %v: %s", chain, target, err, bytes.TrimSpace(out))
	}
	return nil
}
