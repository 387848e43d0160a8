// Package networks holds the CNI network commands, `podlite network VERB`:
// create, ls, inspect, rm, prune and exists. Each command is built by a
// newXxxCommand constructor, copies its flags into arguments of one libpod
// call and prints the result in podman's formats.
package networks
