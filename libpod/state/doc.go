// Package state keeps podlite's container, pod and volume records: the Store
// interface, BoltStore (the real one, one bbolt file under the root) and
// MemoryStore (the fake for unit tests). Both share their record logic
// (txstore.go) and differ only in how they run a transaction; statetest is
// the conformance suite both pass.
//
// # Records
//
// A container is an immutable define.ContainerConfig plus a mutable
// define.ContainerState, each stored as JSON. The config's OCI spec is kept
// apart from the rest of the config so that listing containers (`ps -a`)
// never decodes it: it is most of a record's size. Rename is the one change
// to a stored config.
//
// # Bucket tree
//
// Schema version 2 (version 1 had no pods and podstates buckets):
//
//	meta/
//	  version           → SchemaVersion, decimal ASCII ("2")
//	configs/
//	  <container ID>    → define.ContainerConfig as JSON, "spec" always null
//	specs/
//	  <container ID>    → the config's OCI spec (runtime-spec Spec) as JSON
//	states/
//	  <container ID>    → define.ContainerState as JSON
//	names/
//	  <container name>  → <container ID>
//	  <pod name>        → <pod ID>
//	volumes/
//	  <volume name>     → define.Volume as JSON
//	pods/
//	  <pod ID>          → define.PodConfig as JSON
//	podstates/
//	  <pod ID>          → define.PodState as JSON
//
// Invariants: configs, specs and states have the same keys; pods and
// podstates have the same keys, none of them a container's; names maps
// every config's and every pod's Name to its ID and nothing else (pods and
// containers share one namespace of names, as in podman). A container's
// config names its pod (Pod), which exists: AddContainer checks it and
// RemovePod refuses while a container names it. Volume names are a namespace of
// their own. Keys sort bytewise, which gives volumes their name order and
// makes an ID prefix one cursor seek.
//
// # Schema changes
//
// Any change to the tree or to how a value is encoded raises SchemaVersion,
// appends a step to migrations (migrations.go) with a test, adds the old
// layout as a fixture under testdata/, and redraws the tree above in the
// same change. The first write of a process, or a read that finds an old
// version, migrates the file in one write transaction; a file newer than
// this podlite is refused with define.ErrNotSupported rather than guessed
// at.
//
// # Concurrency
//
// BoltStore opens the file for each operation and closes it after, so that
// several podlite processes can share it: reads take bbolt's shared flock,
// writes its exclusive one, both waiting at most 10 seconds before failing
// with define.ErrUnavailable. A store does not lock containers; callers that
// read, change and save a state hold the container's lock (libpod/lock)
// around the whole sequence.
package state
