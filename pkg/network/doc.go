// Package network connects containers to CNI networks: it keeps network
// configurations (conflists in the network config directory), creates
// network namespaces as bind-mounted nsfs files under the runroot, and runs
// the CNI plugin chains (ADD/DEL) through libcni. It is the only package
// that imports libcni (and netlink).
//
// # Main types
//
//   - Manager (types.go): the interface libpod uses; its comment is the
//     contract. CNI (cni.go) is the real implementation, made by New;
//     networktest.Manager is the in-memory fake for libpod's unit tests,
//     and networktest.RunManagerTests the conformance suite both run.
//   - NewNamespace / RemoveNamespace (netns.go): persistent network
//     namespaces for containers.
//   - LockTraffic (netlock.go): a namespace closed to packets while its
//     TCP connections are dumped or restored: a pod's, and a user's
//     container's, whose CRIU cannot lock it.
//
// # Network domains
//
// ConfigDir and StateDir make a network domain: the networks, their
// leases, the lock, and the bridges and firewall chains (named after a hash
// of ConfigDir). Every podlite root configured with the same two shares
// them, so leases are host-wide: no two containers of any roots get one
// address. libcni's cache (CacheDir) stays per root: it describes that
// root's containers, whose DEL their own root runs. docs/ARCHITECTURE.md
// ("Host-wide network state") has the whole model.
//
// # Files on disk
//
//	ConfigDir/NAME.conflist        CNI conflist + "podlite" key (conflist.go)
//	ConfigDir/.podlite-networks.lock  the domain lock: shared by every ADD,
//	                               exclusive to create/remove networks,
//	                               rewrite the firewall, and for a Setup
//	                               that takes back its held addresses
//	StateDir/ipam/NAME/IP          host-local leases ("ID\r\nIFNAME", with
//	                               a third line "held" for an address Hold
//	                               keeps past the teardown; lease.go)
//	CacheDir/results/NAME-ID-IFNAME  libcni's record of each ADD
//	NETNSDIR/NAME                  nsfs bind mount; NETNSDIR itself is a
//	                               shared bind mount of itself
//
// Leases and libcni's cache are persistent (not under the runroot) on
// purpose: after a reboot the namespaces, bridges and iptables rules are
// gone but leases are not, and Teardown must still release them with the
// configuration and port mappings that ADD used. The lease directory is
// always the domain's, whatever dataDir an older conflist names.
//
// # Plugin chains
//
// bridge driver: bridge (isGateway, ipMasq unless internal, hairpinMode,
// host-local IPAM with one range per subnet, default routes unless
// internal) → portmap (portMappings, snat: publishing on 127.0.0.1 works,
// the plugin sets route_localnet on the bridge) → firewall (iptables) →
// tuning (mac, so static MACs work). macvlan driver: macvlan (master =
// NetworkInterface) → tuning. cniVersion is 1.0.0, the newest that
// Debian 12's plugins (1.1.1) speak.
//
// # Invariants
//
//   - Setup checks static IPs (in a subnet, not a gateway, not leased to
//     another container) before any plugin runs, adds networks in name
//     order with port mappings on the first only, and DELs everything it
//     added (including a network whose ADD failed) if any step fails.
//   - Teardown is idempotent and works without the namespace. The bridge
//     plugin cannot remove its masquerade rules then, so Teardown removes
//     them itself from libcni's cached result (masquerade.go).
//   - The default network ("podlite": Options.DefaultInterface and
//     DefaultSubnet, podlite0 and 10.90.0.0/16 by default) is created once
//     under the lock by EnsureDefault, which Setup calls for any request
//     naming it, and cannot be removed by RemoveNetwork (RemoveUnused
//     removes it when no container holds an address on it). Other
//     networks get podlite1, podlite2... and the first free /24 from
//     10.91.0.0 that overlaps no network, host address or host route.
//   - A network on which any container holds an address, or whose bridge
//     has an interface on it, is never removed: that container may be
//     another root's. Options.OwnLeaseDir, a root's leases from before
//     domains, is moved into the domain when the manager opens.
//   - Errors wrap libpod/define classes; plugin failures are
//     ErrUnavailable (ErrInvalidArg for configuration errors).
package network
