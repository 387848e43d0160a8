// Package images holds the image commands: `podlite image VERB` and their
// top-level aliases (`podlite pull`, `podlite images`, `podlite rmi`, ...).
// Each command is built by a newXxxCommand constructor, copies its flags
// into libpod's options, makes one libpod call and prints.
package images
