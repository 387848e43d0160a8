// Package supervisor starts and talks to podlite's per-container
// supervisor, the process that owns a detached container after the podlite
// command that started it has exited (conmon's job). A detachable exec -it
// session gets one too: its start command runs DIR/process.json in the
// container and its exit command is `container cleanup --exec`.
//
// The supervisor itself is C (supervisor.c): a constructor that takes over a
// re-executed podlite before the Go runtime starts, so each running
// container costs one process of about a megabyte. It starts the container
// through a second re-execution of podlite (the start command), becomes the
// container init's parent as a child subreaper, logs its output in k8s-file
// format (emptying the log before a line would pass --log-opt max-size,
// as conmon does) or, for the journald driver, sends each line to the
// journal in its native protocol with conmon's fields, kills the container at its --timeout (its exit then
// recorded as -1, as conmon records it), writes the exit code to DIR/exit
// and then execs the exit command (podlite container cleanup).
//
// Health checks have no daemon to run them (podman uses systemd timers):
// the supervisor of a container with a health check keeps a timerfd and,
// every interval, forks and execs `podlite healthcheck run ID` (one at a
// time: a tick while a check runs is skipped). The command records the
// result beside the container's files and applies --health-on-failure; it
// exits HealthStartupDone when the startup check has passed, which moves
// the timer from the startup interval to the regular one.
//
// With --sdnotify (conmon or container) and NOTIFY_SOCKET set, as in a
// systemd unit of Type=notify, the supervisor sends MAINPID=<its own PID>
// once the container runs, and READY=1 for conmon; for container it binds
// DIR/notify/notify.sock, which the container sees as
// /run/notify/notify.sock in its NOTIFY_SOCKET, and passes on what the
// container sends (READY=1, STATUS=…) without MAINPID= lines. The podlite
// that spawned it returns only after that first message: the unit's first
// main process must not exit before systemd knows its successor.
//
// Files in the container's run directory DIR:
//
//	pid      container init's host PID, written by the start command
//	exit     "CODE UNIXNANOS\n", written once the init has exited
//	stdin    FIFO feeding the container's stdin (interactive containers)
//	ctl      FIFO of "ROWS COLS\n" lines resizing the container's terminal (TTY)
//	notify/notify.sock  the container's notify socket (--sdnotify=container)
package supervisor
