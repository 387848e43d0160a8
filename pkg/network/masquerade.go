package network

import (
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strings"

	"github.com/containernetworking/cni/libcni"
)

// The bridge plugin (containernetworking-plugins up to at least 1.1.1)
// removes a container's masquerade rules on DEL only if it can find the
// addresses in the container's namespace: when the namespace is already
// gone, it returns early and leaves the POSTROUTING jump and the per
// container nat chain behind. After a real reboot those rules are gone
// anyway; when only the namespace went away (a crash, a lost mount),
// removeStaleMasquerade removes them the way the plugin would have, from
// the addresses in libcni's cached result.

// masqChain is the plugins' utils.FormatChainName: "CNI-" and the first
// 24 hex digits of sha512(network name + container ID).
func masqChain(network, containerID string) string {
	sum := sha512.Sum512([]byte(network + containerID))
	return "CNI-" + hex.EncodeToString(sum[:])[:24]
}

// masqComment is the plugins' utils.FormatComment.
func masqComment(network, containerID string) string {
	return fmt.Sprintf("name: %q id: %q", network, containerID)
}

// namespaceGone reports whether a DEL will find no namespace at path.
func namespaceGone(path string) bool {
	if path == "" {
		return true
	}
	_, err := os.Stat(path)
	return errors.Is(err, fs.ErrNotExist)
}

// removeStaleMasquerade deletes the bridge plugin's masquerade rules of
// one attachment when its namespace is gone. Errors are logged: the rules
// may well not exist.
func (c *CNI) removeStaleMasquerade(a attachment) {
	if !bridgeMasquerades(a.list) {
		return
	}
	cached, err := c.cni.GetNetworkListCachedResult(a.list, a.rt)
	if err != nil || cached == nil {
		return
	}
	st, err := statusFrom(cached, a.rt)
	if err != nil {
		return
	}
	chain := masqChain(a.list.Name, a.rt.ContainerID)
	comment := masqComment(a.list.Name, a.rt.ContainerID)
	removed := false
	for _, addr := range st.Addresses {
		ipn, err := netParseCIDR(addr.IP)
		if err != nil {
			continue
		}
		tool := "iptables"
		if ipn.IP.To4() == nil {
			tool = "ip6tables"
		}
		// The plugins have used both forms of the source over the years.
		for _, src := range []string{ipn.IP.String(), ipn.String()} {
			if iptables(tool, "-t", "nat", "-D", "POSTROUTING", "-s", src, "-j", chain, "-m", "comment", "--comment", comment) == nil {
				removed = true
			}
		}
		_ = iptables(tool, "-t", "nat", "-F", chain)
		_ = iptables(tool, "-t", "nat", "-X", chain)
	}
	if removed {
		slog.Debug("removed masquerade rules of a container whose namespace is gone", "network", a.list.Name, "container", a.rt.ContainerID)
	}
}

// bridgeMasquerades reports whether the list's first plugin is a bridge
// with ipMasq.
func bridgeMasquerades(list *libcni.NetworkConfigList) bool {
	if len(list.Plugins) == 0 || list.Plugins[0].Network.Type != "bridge" {
		return false
	}
	var conf struct {
		IPMasq bool `json:"ipMasq"`
	}
	return json.Unmarshal(list.Plugins[0].Bytes, &conf) == nil && conf.IPMasq
}

func netParseCIDR(s string) (*net.IPNet, error) {
	ip, ipn, err := net.ParseCIDR(s)
	if err != nil {
		return nil, err
	}
	ipn.IP = ip
	return ipn, nil
}

func iptables(tool string, args ...string) error {
	out, err := exec.Command(tool, append([]string{"-w"}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w: %s", tool, strings.Join(args, " "), err, out)
	}
	return nil
}
