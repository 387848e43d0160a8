// Package rootlessnetns gives an ordinary user's CNI networks a place to
// live, as podman's rootless-netns does: one network namespace per
// rootless runroot, made in the user's namespace and kept as the nsfs bind
// mount RUNROOT/netns/rootless-netns, holding the networks' bridges and
// firewall chains, and joined to the host by pasta (--config-net: the
// host's address and default route copied onto pasta's tap, outbound
// traffic leaving through pasta's sockets on the host).
//
// Manager wraps the CNI manager: every call that touches links or
// iptables runs on a thread that joined the namespace, so the plugins
// (bridge, host-local, portmap, firewall, tuning) and iptables run there,
// as the user's root, which owns the namespace. Setup creates the
// namespace and pasta on first use; Teardown removes both once no
// container has an interface (a veth) in it any more, so a user with no
// container on a network has none of it. Calls that need no namespace
// while there is none (network create, rm, prune, reset) run in a
// throwaway empty one.
//
// Published ports (-p) of containers on user networks go through the
// namespace's pasta: pasta forwards HOST_PORT on the host to the same port
// in the namespace, where the portmap plugin's DNAT sends it on to the
// container. pasta takes its ports on its command line only, so a change
// of the set restarts it with the union of every container's ports
// (RUNROOT/rootless-netns/ports/ID); connections through pasta (outbound
// ones of the other containers too) are cut then.
//
// Files, under RUNROOT/rootless-netns:
//
//	lock        serialises every call of Manager (flock, exclusive)
//	pasta.pid   pasta's PID; pasta.log what it printed
//	ports/ID    a container's published ports (JSON)
//	run/        the CNI manager's RunDir: firewall marker of this namespace
package rootlessnetns
