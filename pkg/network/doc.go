// Package network connects containers to CNI networks: it keeps network
// configurations (conflists in the network config directory), creates
// network namespaces as bind-mounted nsfs files under the runroot, and runs
// the CNI plugin chains (ADD/CHECK/DEL) through libcni. It is the only
// package that imports libcni.
package network
