// Package define holds podlite's leaf types: the container configuration and
// state records, container status values, error classes and exit codes.
//
// It imports nothing from podlite, so every other package may import it.
package define
