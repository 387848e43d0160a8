// Package oci runs containers through runc's libcontainer, linked into the
// podlite binary: no runc or crun executable is involved. It is the only
// package that imports libcontainer.
//
// The process that calls Start becomes the parent of the container's init
// (podlite re-executes itself as "podlite init"); whoever must reap the
// container has to be that process or a subreaper above it. libcontainer
// keeps its own state under the runtime root (in the runroot), which is what
// Load, Signal, Pause and Delete read back in later podlite processes.
package oci
