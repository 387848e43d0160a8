// Package pasta gives an ordinary user's container its network through
// pasta (package passt): a network namespace made in the user's namespace,
// with pasta attached to it from outside, copying the host's addresses and
// routes (--config-net), forwarding published ports with its own -t/-u
// (source addresses kept) and mapping the gateway address to the host's
// loopback (host.containers.internal). pasta forks into its own session
// and PID namespace, so it outlives the command that started it; its PID
// file is how Stop finds it.
package pasta
