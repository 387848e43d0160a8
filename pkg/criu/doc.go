// Package criu is podlite's single door to CRIU: it finds out whether the
// installed criu, on this kernel, can checkpoint and restore containers, and
// with which features.
//
// # Probes
//
// CRIU's behaviour depends on its version and on the kernel, so podlite asks
// before it checkpoints:
//
//   - [Version] asks criu over its RPC interface (go-criu's VERSION call) and
//     returns CRIU's integer form, major*10000 + minor*100 + sublevel, so
//     4.2.1 is 40201. [CheckVersion] compares it with [MinVersion].
//   - [Features] runs `criu check --feature NAME` for each [Feature] podlite
//     cares about; [SupportsPreDump] asks for soft-dirty memory tracking,
//     without which pre-dump (and so iterative migration) cannot work.
//   - [Probe] gathers all of it into an [Info] for `podlite info`.
//   - [DumpCPUInfo] records this CPU's features beside a checkpoint's
//     images, and [CheckCPUInfo] tells whether another CPU has them all
//     (`criu cpuinfo dump` and `check`).
//
// Every probe runs the first criu found in PATH, as go-criu does.
//
// # Checkpoint archives
//
// [Pack] writes a checkpoint directory as one archive (podlite's
// `checkpoint --export`), [ReadMetadata] reads its manifest and small
// members without decompressing the rest, and [Unpack] extracts it for
// restore, refusing anything that could write or point outside the target
// directory. The format (tar, zstd by default, podman's member names read by
// checkpointctl, plus a versioned podlite.manifest, metadata first) is
// documented at the top of archive.go; version 1 archives are kept in
// testdata/ and read by the tests. These functions need neither root nor
// criu.
//
// # Page servers
//
// A checkpoint can send its memory away instead of writing it: to a page
// server ([PageServer], read from ADDR:PORT by [ParsePageServer]) that
// runs `criu page-server` on the receiving host, after which [AddPages]
// puts the received pages beside the rest of the images; or lazily, with
// the dumping CRIU serving the pages until a restore's `criu lazy-pages`
// daemon ([StartLazyPages]) has fetched them all. [SupportsLazyPages] and
// [CanServeLazyPages] say beforehand whether this host can take part, and
// [AbortLazyDump] calls off a lazy dump nobody has connected to yet.
//
// # Errors
//
// A missing criu, one older than [MinVersion], or one that lacks the
// privileges to look at the kernel yields an error wrapping
// define.ErrNotSupported: checkpoint and restore cannot work on this host.
// A feature the kernel lacks is not an error: it reads as false.
// A malformed or hostile archive yields an error wrapping
// define.ErrInvalidArg that names the offending member; an archive of a
// format version podlite does not know, define.ErrNotSupported.
//
// # Invariants
//
// This is the only package that imports go-criu (see docs/CODE_STRUCTURE.md).
// It never prints; callers decide what to show.
package criu
