package criu

import (
	"fmt"
	"os"

	"github.com/checkpoint-restore/go-criu/v8/stats"
)

// DumpStats are CRIU's statistics of a dump, in its own units
// (microseconds, pages), with podman's JSON names.
type DumpStats struct {
	FreezingTime uint32 `json:"freezing_time"`
	FrozenTime   uint32 `json:"frozen_time"`
	MemdumpTime  uint32 `json:"memdump_time"`
	MemwriteTime uint32 `json:"memwrite_time"`
	PagesScanned uint64 `json:"pages_scanned"`
	PagesWritten uint64 `json:"pages_written"`
}

// RestoreStats are CRIU's statistics of a restore.
type RestoreStats struct {
	PagesCompared   uint64 `json:"pages_compared"`
	PagesSkippedCow uint64 `json:"pages_skipped_cow"`
	ForkingTime     uint32 `json:"forking_time"`
	RestoreTime     uint32 `json:"restore_time"`
	PagesRestored   uint64 `json:"pages_restored"`
}

// ReadDumpStats reads stats-dump, which CRIU writes in its work directory.
func ReadDumpStats(dir string) (*DumpStats, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	s, err := stats.CriuGetDumpStats(d)
	if err != nil {
		return nil, fmt.Errorf("reading CRIU's dump statistics in %s: %w", dir, err)
	}
	return &DumpStats{
		FreezingTime: s.GetFreezingTime(), FrozenTime: s.GetFrozenTime(), MemdumpTime: s.GetMemdumpTime(),
		MemwriteTime: s.GetMemwriteTime(), PagesScanned: s.GetPagesScanned(), PagesWritten: s.GetPagesWritten(),
	}, nil
}

// ReadRestoreStats reads stats-restore from CRIU's work directory.
func ReadRestoreStats(dir string) (*RestoreStats, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	s, err := stats.CriuGetRestoreStats(d)
	if err != nil {
		return nil, fmt.Errorf("reading CRIU's restore statistics in %s: %w", dir, err)
	}
	return &RestoreStats{
		PagesCompared: s.GetPagesCompared(), PagesSkippedCow: s.GetPagesSkippedCow(), ForkingTime: s.GetForkingTime(),
		RestoreTime: s.GetRestoreTime(), PagesRestored: s.GetPagesRestored(),
	}, nil
}
