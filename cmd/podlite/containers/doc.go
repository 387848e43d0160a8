// Package containers holds the container commands: `podlite container
// VERB` and their top-level aliases (`podlite run`, `podlite ps`, ...).
// Each command is built by a newXxxCommand constructor, copies its flags
// into a libpod options struct, makes one libpod call and prints.
package containers
