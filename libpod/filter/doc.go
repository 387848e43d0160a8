// Package filter turns the --filter KEY=VALUE values of podlite's ls, ps
// and prune commands into predicates over containers, images, volumes and
// networks.
//
// The semantics are podman's: values of different keys must all match,
// several values of one key match if any does (label and label! on
// volumes and networks excepted: each of their values must hold). A
// malformed filter or an unknown key is an error wrapping
// define.ErrInvalidArg; parsing happens once, before anything is listed.
//
// Each predicate is a plain function type: Container, Image, Volume and
// Network, built by Containers, Images, Volumes and Networks.
package filter
