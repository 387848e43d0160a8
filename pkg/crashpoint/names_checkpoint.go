package crashpoint

// Points of checkpoint, restore, checkpoint --export and restore --import.
// docs/ARCHITECTURE.md ("Crash safety") says what recovers each.
const (
	// CheckpointMetadataWritten: spec.dump and config.dump are beside the
	// (cleared) images; nothing recorded yet.
	CheckpointMetadataWritten = "checkpoint-metadata-written"
	// CheckpointMarked: the checkpointed mark is saved, the dump not begun.
	CheckpointMarked = "checkpoint-marked"
	// CheckpointDumped: CRIU's dump is complete, the exit not recorded.
	CheckpointDumped = "checkpoint-dumped"
	// CheckpointAddressesHeld: the exit is saved (exited, checkpointed),
	// the container's resources released and its addresses held again
	// for the restore; the checkpoint's details are not saved yet.
	CheckpointAddressesHeld = "checkpoint-addresses-held"
	// CheckpointStateWritten: the checkpointed state is saved whole.
	CheckpointStateWritten = "checkpoint-state-written"

	// RestoreChecked: the checkpoint is found whole and the addresses to
	// ask for are known; nothing is taken yet (the held addresses stay
	// held until the restore's CNI ADD takes them back).
	RestoreChecked = "restore-checked"
	// RestoreNetworkAdded: rootfs mounted, CNI ADD done, run files written.
	RestoreNetworkAdded = "restore-network-added"
	// RestoreSpawned: CRIU restored the processes under a new supervisor;
	// the running state is not written.
	RestoreSpawned = "restore-spawned"
	// RestoreStateWritten: the running state is written, the checkpoint's
	// images not removed yet.
	RestoreStateWritten = "restore-state-written"

	// ExportStarted: the checkpoint is complete, the archive not begun.
	ExportStarted = "export-started"
	// ExportMidArchive: the archive is written up to CRIU's images, in a
	// file that has no name yet.
	ExportMidArchive = "export-mid-archive"
	// ExportArchiveWritten: the whole archive is written and synced, not
	// yet in place at its path.
	ExportArchiveWritten = "export-archive-written"
	// ExportArchiveComplete: the archive is in place.
	ExportArchiveComplete = "export-archive-complete"

	// ImportUnpacked: the new container's storage container is created and
	// the archive unpacked into its directory.
	ImportUnpacked = "import-unpacked"
	// ImportRootfsApplied: the rootfs changes are applied to its layer.
	ImportRootfsApplied = "import-rootfs-applied"
	// ImportVolumesRestored: missing named volumes are created and filled.
	ImportVolumesRestored = "import-volumes-restored"
	// ImportBeforeRecord: everything is in place but the record.
	ImportBeforeRecord = "import-before-record"
	// ImportRecordStored: the checkpointed container's record is stored.
	ImportRecordStored = "import-record-stored"
)

func init() {
	register("checkpoint", CheckpointMetadataWritten, CheckpointMarked, CheckpointDumped, CheckpointAddressesHeld, CheckpointStateWritten)
	register("restore", RestoreChecked, RestoreNetworkAdded, RestoreSpawned, RestoreStateWritten)
	register("export", ExportStarted, ExportMidArchive, ExportArchiveWritten, ExportArchiveComplete)
	register("import", ImportUnpacked, ImportRootfsApplied, ImportVolumesRestored, ImportBeforeRecord, ImportRecordStored)
}
