// Package lock provides podlite's cross-process locks. See Locker and
// Manager for the contract; libpod/doc.go gives the lock order.
//
// # Implementations
//
// FileManager is the real one: one flock(2) file per name (a container ID,
// "runtime-refresh", ...) in a directory under the runroot, so a reboot
// clears them all. There is no numbered lock pool to run out of or to leak.
// MemoryManager is the in-process fake for unit tests; locktest is the
// conformance suite both pass.
//
// # Invariants
//
//   - A flock belongs to an open file description, so every Lock opens the
//     file anew: two Lockers exclude each other in one process as in two, and
//     one Locker shared by goroutines queues them. Unlock closes the
//     descriptor, which is the only reference (O_CLOEXEC keeps children from
//     inheriting one), so it releases the lock; so does the holder's death.
//   - Free unlinks the file while the caller holds the lock. A waiter that
//     then gets the lock holds it on the unlinked file, which excludes no one
//     who opens the name afterwards; Lock therefore checks after every flock
//     that its descriptor is still the file at the path (device and inode)
//     and starts over if not.
//   - Names are single path elements; anything else wraps define.ErrInvalidArg.
//     Unlocking a lock not held wraps define.ErrInvalidState; system call
//     failures wrap define.ErrUnavailable.
package lock
