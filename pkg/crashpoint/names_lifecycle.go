package crashpoint

// Crash points of create, start, stop and rm. docs/ARCHITECTURE.md ("Crash
// safety") says what recovers from each.
const (
	// CreateFilesWritten: the new container's etc files are written; it
	// has no rootfs and no record yet.
	CreateFilesWritten = "create-files-written"
	// CreateRootfsCreated: its rootfs layer exists; the record is not
	// written yet.
	CreateRootfsCreated = "create-rootfs-created"
	// CreateStateSaved: the record is written; create has not returned.
	CreateStateSaved = "create-state-saved"

	// StartRootfsMounted: the rootfs is mounted (the run directory exists).
	StartRootfsMounted = "start-rootfs-mounted"
	// StartNetworkAdded: CNI ADD is done: namespace, veth, lease.
	StartNetworkAdded = "start-network-added"
	// StartSpecWritten: this start's spec is in the run directory.
	StartSpecWritten = "start-spec-written"
	// StartBeforeState: the container runs under its supervisor; the record
	// still says it does not.
	StartBeforeState = "start-before-state"
	// StartStateSaved: the record says running; start has not returned.
	StartStateSaved = "start-state-saved"

	// StopStoppingSaved: the record says stopping; no signal sent yet.
	StopStoppingSaved = "stop-stopping-saved"
	// StopBeforeExitState: the container exited and its resources are
	// released; the exit is not recorded yet. Fires in whichever process
	// records the exit: stop, or the supervisor's cleanup.
	StopBeforeExitState = "stop-before-exit-state"
	// StopExitStateSaved: the exit is recorded; the run directory (with
	// the exit file) is not removed yet.
	StopExitStateSaved = "stop-exit-state-saved"

	// RmMarked: the record says removing; nothing is released yet.
	RmMarked = "rm-marked"
	// RmReleased: runtime state, networks (CNI DEL) and mount are released.
	RmReleased = "rm-released"
	// RmRootfsDeleted: the rootfs layer is deleted.
	RmRootfsDeleted = "rm-rootfs-deleted"
	// RmFilesRemoved: the container's files are removed; the record is
	// not deleted yet.
	RmFilesRemoved = "rm-files-removed"
	// RmRecordDeleted: the record is deleted; the lock file is not.
	RmRecordDeleted = "rm-record-deleted"
)

func init() {
	register("create", CreateFilesWritten, CreateRootfsCreated, CreateStateSaved)
	register("start", StartRootfsMounted, StartNetworkAdded, StartSpecWritten, StartBeforeState, StartStateSaved)
	register("stop", StopStoppingSaved, StopBeforeExitState, StopExitStateSaved)
	register("rm", RmMarked, RmReleased, RmRootfsDeleted, RmFilesRemoved, RmRecordDeleted)
}
