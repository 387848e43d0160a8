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
// directory podlite keeps three chains, rewritten together with one
// iptables-restore whenever the set of networks changes and once per boot
// (a marker under RunDir, which a reboot empties along with the rules):
//
//	filter PLISO-<hash>, jumped to from PODLITE-ISOLATE, the first rule of
//	PODLITE-FORWARD (which FORWARD jumps to first):
//	  -i bA -o bB -j REJECT                  for every pair of bridges
//	  -i bN -o bN -j ACCEPT; -i bN -j REJECT; -o bN -j REJECT   (internal bN)
//	filter PLFW-<hash>, jumped to from PODLITE-FORWARD after that:
//	  -o bN -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
//	  -i bN -j ACCEPT
//	nat PLNAT-<hash>, jumped to from PODLITE-POSTROUTING in POSTROUTING:
//	  -s SUBNET ! -d SUBNET -j MASQUERADE     for each non-internal bridge
//
// Every directory's isolation comes before any directory's ACCEPT: two
// directories may share a bridge (the default network's), and one's ACCEPT
// must not let traffic past another's REJECT. REJECT rather than DROP: a
// connection to a network it may not reach fails at once instead of
// hanging until TCP gives up. Published ports stay with the portmap
// plugin, run only for containers that publish some.

const (
	isolateChain     = "PODLITE-ISOLATE"
	forwardChain     = "PODLITE-FORWARD"
	postroutingChain = "PODLITE-POSTROUTING"
)

// firewallChains are one configuration directory's managed chains and rules.
type firewallChains struct {
	isoChain, fwChain, natChain string
	iso, fwd, nat               []string
}

func (f firewallChains) all() []string {
	return append(append(append([]string{}, f.iso...), f.fwd...), f.nat...)
}

// firewallRules returns the managed chains and their rules.
func (c *CNI) firewallRules(nets []*Network) firewallChains {
	sum := sha256.Sum256([]byte(c.opts.ConfigDir))
	id := hex.EncodeToString(sum[:])[:12]
	f := firewallChains{isoChain: "PLISO-" + id, fwChain: "PLFW-" + id, natChain: "PLNAT-" + id}
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
				f.iso = append(f.iso, fmt.Sprintf("-A %s -i %s -o %s -j REJECT", f.isoChain, from.NetworkInterface, to.NetworkInterface))
			}
		}
	}
	for _, n := range bridges {
		br := n.NetworkInterface
		if n.Internal {
			f.iso = append(f.iso,
				fmt.Sprintf("-A %s -i %s -o %s -j ACCEPT", f.isoChain, br, br),
				fmt.Sprintf("-A %s -i %s -j REJECT", f.isoChain, br),
				fmt.Sprintf("-A %s -o %s -j REJECT", f.isoChain, br))
			continue
		}
		f.fwd = append(f.fwd,
			fmt.Sprintf("-A %s -o %s -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", f.fwChain, br),
			fmt.Sprintf("-A %s -i %s -j ACCEPT", f.fwChain, br))
		for _, s := range n.Subnets {
			f.nat = append(f.nat, fmt.Sprintf("-A %s -s %s ! -d %s -j MASQUERADE", f.natChain, s.Subnet, s.Subnet))
		}
	}
	return f
}

// syncFirewall rewrites the managed chains for the current networks. The
// caller holds the configuration lock.
func (c *CNI) syncFirewall() error {
	nets, err := c.Networks()
	if err != nil {
		return err
	}
	f := c.firewallRules(nets)
	if len(f.all()) == 0 {
		// No bridge left: remove the chains rather than keep empty ones
		// for a configuration directory that may be gone (tests make many).
		for _, args := range [][]string{
			{"-D", isolateChain, "-j", f.isoChain}, {"-F", f.isoChain}, {"-X", f.isoChain},
			{"-D", forwardChain, "-j", f.fwChain}, {"-F", f.fwChain}, {"-X", f.fwChain},
			{"-t", "nat", "-D", postroutingChain, "-j", f.natChain}, {"-t", "nat", "-F", f.natChain}, {"-t", "nat", "-X", f.natChain},
		} {
			_ = exec.Command("iptables", append([]string{"-w"}, args...)...).Run()
		}
		return c.markFirewall(nil)
	}
	if err := exec.Command("iptables", "-w", "-n", "-L", isolateChain).Run(); err != nil {
		_ = exec.Command("iptables", "-w", "-N", isolateChain).Run()
	}
	for _, j := range []struct{ table, chain, target string }{
		{"filter", "FORWARD", forwardChain}, {"filter", isolateChain, f.isoChain},
		{"filter", forwardChain, f.fwChain},
		{"nat", "POSTROUTING", postroutingChain}, {"nat", postroutingChain, f.natChain},
	} {
		if err := ensureChainJump(j.table, j.chain, j.target); err != nil {
			return err
		}
	}
	if err := ensureFirstJump(forwardChain, isolateChain); err != nil {
		return err
	}
	// Declaring a chain in iptables-restore --noflush empties it first.
	input := "*filter\n:" + f.isoChain + " - [0:0]\n:" + f.fwChain + " - [0:0]\n" + joinLines(f.iso) + joinLines(f.fwd) + "COMMIT\n" +
		"*nat\n:" + f.natChain + " - [0:0]\n" + joinLines(f.nat) + "COMMIT\n"
	cmd := exec.Command("iptables-restore", "--noflush", "-w")
	cmd.Stdin = strings.NewReader(input)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("writing the networks' firewall rules: %v: %s", err, bytes.TrimSpace(out))
	}
	return c.markFirewall(f.all())
}

// ensureFirewall syncs the chains unless this boot already did for the
// current networks.
func (c *CNI) ensureFirewall() error {
	if c.opts.RunDir != "" {
		nets, err := c.Networks()
		if err != nil {
			return err
		}
		if b, err := os.ReadFile(c.firewallMarker()); err == nil && string(b) == joinLines(c.firewallRules(nets).all()) {
			return nil
		}
	}
	unlock, err := c.lockDomain(true)
	if err != nil {
		return err
	}
	defer unlock()
	return c.syncFirewall()
}

// ReloadFirewall implements Manager.
func (c *CNI) ReloadFirewall() error {
	unlock, err := c.lockDomain(true)
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
	if err := os.MkdirAll(c.opts.RunDir, 0o755); err != nil {
		return err
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

// ensureFirstJump makes the first rule of chain (filter table) a jump to
// target, wherever that jump was before.
func ensureFirstJump(chain, target string) error {
	out, err := exec.Command("iptables", "-w", "-S", chain).Output()
	if err != nil {
		return fmt.Errorf("listing iptables chain %s: %w", chain, err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "-A ") {
			if line == "-A "+chain+" -j "+target {
				return nil
			}
			break
		}
	}
	_ = exec.Command("iptables", "-w", "-D", chain, "-j", target).Run()
	if out, err := exec.Command("iptables", "-w", "-I", chain, "1", "-j", target).CombinedOutput(); err != nil {
		return fmt.Errorf("adding jump from %s to %s: %v: %s", chain, target, err, bytes.TrimSpace(out))
	}
	return nil
}
