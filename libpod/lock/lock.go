package lock

// Locker is a cross-process lock on one object (container, pod or the
// runtime itself).
//
// Contract: Lock blocks until the lock is held; Unlock releases it. A Locker
// is not reentrant: locking twice from the same process deadlocks or fails.
// Locks are released by the kernel when the holding process dies, so a
// crashed podlite never leaves a container locked.
type Locker interface {
	Lock() error
	Unlock() error
	// TryLock takes the lock if it is free and reports whether it did.
	TryLock() (bool, error)
}

// Manager hands out Lockers by name (a container ID, "runtime", ...).
//
// Contract: two Lockers for the same name, in the same or different
// processes, exclude each other. Free removes the lock's backing resource
// once the object is gone; it must only be called while holding the lock.
type Manager interface {
	Locker(name string) (Locker, error)
	Free(name string) error
}
