// Package libpod is podlite's engine: the Runtime and its containers.
//
// A Runtime is opened per podlite process over one root (persistent) and
// runroot (volatile). Everything shared between processes lives in the
// state store (bbolt, opened per operation), the lock files and
// containers/storage; nothing is cached across processes.
//
// # Container lifecycle
//
//	      create            start / run
//	──────────────▶ created ──────────▶ running ◀──▶ paused
//	                   │                 │   ▲
//	                   │          stop   │   │ start / restart /
//	                   │          kill   ▼   │ restart policy
//	                   │   (exit) ──▶ exited ┘
//	                   ▼                 │
//	                removing ◀───────────┘ rm
//
// init takes a created or exited container to "initialized": prepared as
// a start prepares it (rootfs mounted, network set up, spec written in the
// run directory) without its command running; start runs it, rm releases
// it, a failed start or a reboot takes it back to created. Its run
// directory is init's, not the mark of an interrupted start.
//
// Every status change goes through define.CheckTransition. A running
// container is owned either by its supervisor (detached: package
// supervisor; a foreground run -it attached through it with detach keys
// holds only --rm, StartAndAttach) or by the foreground podlite that runs
// it attached (StartAttached); both
// write DIR/exit when it exits, and whichever podlite next takes the
// container's lock records the exit and releases the mount and runtime
// state (syncLocked). After a reboot the first podlite command resets
// running containers to exited (refreshAfterReboot).
//
// # Locks
//
// One flock file per container ID under RUNROOT/locks. Exported Container
// methods take the container's lock, sync the state, check the status, act
// and save; unexported methods ending in Locked expect the lock held. Lock
// order: the runtime refresh lock, then a pod's lock, then a container's
// lock, then a store transaction; a volume's lock is never held together
// with a container's, except by create and import, which hold their new
// container's lock until its record is stored (no one else knows that ID
// yet but RemoveOrphans, which holds no other lock).
//
// Pods: a pod's lock is the lock file named by its ID (pod and container
// IDs never collide: the store refuses it). A pod verb (create, start,
// stop, rm, checkpoint, restore) holds the pod's lock for its whole run, and takes its
// containers' locks under it one at a time, the infra container first on
// start and last on stop and rm; it never holds two container locks at
// once. A container verb never takes its pod's lock while it holds its
// own: one that needs the pod (create --pod, start of a member, whose
// infra must run) takes the pod's lock first. The store keeps membership
// consistent by itself (AddContainer checks the pod exists, RemovePod
// refuses while a member remains), so readers need no pod lock.
//
// # Crash safety
//
// Every step of create, start, stop and rm can be redone or undone by the
// next podlite that takes the container's lock (syncLocked,
// recoverStartLocked) or by rm (a container left "removing"); what no
// record names is removed by RemoveOrphans (rm --all, container prune).
// docs/ARCHITECTURE.md has the table, pkg/crashpoint the crash points.
//
// # Files
//
//	ROOT/podlite.db                  state store (libpod/state)
//	ROOT/storage/                    containers/storage (images, rootfs layers)
//	ROOT/containers/ID/              ctr.log, hostname, hosts, resolv.conf,
//	                                 containerenv (/run/.containerenv),
//	                                 localtime (--tz's /etc/localtime),
//	                                 healthcheck.log (health results),
//	                                 secrets/ (copies of --secret data);
//	                                 a checkpoint (checkpoint/, *.dump,
//	                                 network.status); import-volumes, the
//	                                 journal of an import in progress
//	ROOT/pods/ID/rootfs              a pod infra's empty rootfs (mount points only)
//	ROOT/pods/ID/pod.dump            a checkpointed pod's record (pod_restore.go) and
//	ROOT/pods/ID/pod.options         checkpointctl's view of it; its containers'
//	                                 checkpoints are in their own directories
//	ROOT/volumes/NAME/_data          named volumes
//	ROOT/secrets/                    secrets.json (records), secrets.lock,
//	                                 filedriver/ID (0600 data; libpod/secrets)
//	ROOT/tmp/                        temporary archives (checkpoint images), removed after use
//	ROOT/networks/cache/             libcni's record of this root's CNI ADDs
//	NETWORK_STATE_DIR/ipam/          the network domain's leases, shared by its roots
//	                                 (/var/lib/podlite/networks, pkg/network doc.go)
//	RUNROOT/alive                    this boot has been seen
//	RUNROOT/pause.pid, pause.lock    an ordinary user's pause process (pkg/rootless)
//	RUNROOT/locks/ID                 per-container and per-pod locks
//	RUNROOT/runtime/ID/              libcontainer's state
//	RUNROOT/containers/ID/           config.json (spec of this start), pid, exit, stdin;
//	                                 made first by a start and removed last when its
//	                                 exit is recorded, so on a container not running it
//	                                 marks an interrupted start; image-mounts.json (the
//	                                 images this start mounted, for its release after a
//	                                 crash), image-mounts/N/ (rw=true image mounts'
//	                                 overlays), shm (--ipc container:NAME's clone of the
//	                                 other container's /dev/shm); pasta.pid, pasta.log
//	                                 or slirp4netns.pid, .log (a user's network daemon:
//	                                 ended through its PID file before the directory goes);
//	                                 conmon.pid (the supervisor's PID, a generated unit's
//	                                 PIDFile=, unless --conmon-pidfile); notify/notify.sock
//	                                 (--sdnotify=container: the container's NOTIFY_SOCKET)
//	RUNROOT/slirp4netns/ID12.sock    slirp4netns's API socket (a short path)
//	RUNROOT/netns/ID                 a container's network namespace (nsfs bind mount);
//	                                 RUNROOT/netns/rootless-netns an ordinary user's
//	                                 rootless network namespace, which holds the user's
//	                                 CNI bridges
//	RUNROOT/rootless-netns/          its lock, pasta.pid and .log, ports/ID (published
//	                                 ports on user networks), run/ (firewall marker);
//	                                 all but the lock go with the namespace
//	                                 (pkg/network/rootlessnetns)
//	RUNROOT/events/events.log        the event log: one JSON object per line, appended
//	                                 in one O_APPEND write per event by every process
//	                                 (podman's file backend; libpod/events)
package libpod
