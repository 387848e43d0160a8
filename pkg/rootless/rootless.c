/*
 * A constructor runs before the Go runtime starts, while the process still
 * has one thread: setns(2) into a user namespace refuses a multi-threaded
 * caller, so joining must happen here (podman's rootless_linux.c joins in
 * the same place). It acts on two variables only, both set by package
 * rootless when it re-executes podlite, and both removed before Go runs:
 *
 *   _PODLITE_PAUSE=1        this process is the pause process: it holds
 *                           the user and mount namespaces it was cloned
 *                           into, and does nothing else until SIGTERM or
 *                           SIGKILL.
 *   _PODLITE_USERNS_JOIN=PID join PID's user namespace, then its mount
 *                           namespace, keeping the working directory, and
 *                           let Go start inside them.
 *
 * Anything else (no variable set) returns at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Exit status of a process that could not join: podman's engine error. */
#define JOIN_FAILED 125

static void pause_forever(void)
{
	sigset_t set;
	int fd;

	unsetenv("_PODLITE_PAUSE");
	/* The pause process must not hold the caller's terminal or files. */
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	/* Only SIGTERM and SIGKILL end it: a terminal's SIGINT or SIGHUP
	 * (it has none after setsid, but a test may send one) is ignored. */
	sigfillset(&set);
	sigdelset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (;;)
		pause();
}

static int open_ns(const char *pid, const char *kind)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/ns/%s", pid, kind);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fprintf(stderr, "joining the rootless user namespace: opening %s: %s\n", path, strerror(errno));
	return fd;
}

static void join(const char *pid)
{
	char cwd[PATH_MAX];
	int userfd, mntfd, havecwd;

	havecwd = getcwd(cwd, sizeof(cwd)) != NULL;
	userfd = open_ns(pid, "user");
	mntfd = open_ns(pid, "mnt");
	if (userfd < 0 || mntfd < 0)
		_exit(JOIN_FAILED);
	if (setns(userfd, CLONE_NEWUSER) < 0) {
		fprintf(stderr, "joining the rootless user namespace of pause process %s: %s\n", pid, strerror(errno));
		_exit(JOIN_FAILED);
	}
	if (setns(mntfd, CLONE_NEWNS) < 0) {
		fprintf(stderr, "joining the rootless mount namespace of pause process %s: %s\n", pid, strerror(errno));
		_exit(JOIN_FAILED);
	}
	close(userfd);
	close(mntfd);
	/* setns into a mount namespace moves the caller to its root. The
	 * caller's user is root in the namespace now (podman's layout maps
	 * it to 0); a directory it can no longer enter is left as /. */
	if (havecwd && chdir(cwd) < 0)
		fprintf(stderr, "warning: cannot return to %s in the rootless namespace: %s\n", cwd, strerror(errno));
}

__attribute__((constructor)) static void podlite_rootless_init(void)
{
	const char *pid;

	if (getenv("_PODLITE_PAUSE") != NULL)
		pause_forever();
	pid = getenv("_PODLITE_USERNS_JOIN");
	if (pid == NULL)
		return;
	/* Copied: unsetenv may reuse the string's memory. */
	char buf[32];
	snprintf(buf, sizeof(buf), "%s", pid);
	unsetenv("_PODLITE_USERNS_JOIN");
	join(buf);
}
