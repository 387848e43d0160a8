// Package lock provides podlite's cross-process locks: one flock(2) file
// per container (or other object) under the runroot. See Locker and Manager
// for the contract; libpod/doc.go gives the lock order.
package lock
