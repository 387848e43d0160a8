/*
 * podlite's container supervisor: conmon's job, in the podlite binary.
 *
 * A constructor runs before the Go runtime starts. When _PODLITE_SUPERVISOR
 * is set it takes over the process and never returns, so a supervised
 * container costs one small C process (no Go heap, no goroutines) for its
 * whole life. It:
 *   - becomes a child subreaper and starts the "start" command (podlite
 *     re-executed), which creates the container with libcontainer and exits;
 *     the container's init is then reparented here;
 *   - owns the container's stdio: writes stdout/stderr (or the terminal) to
 *     the log file in k8s-file format, and feeds the stdin FIFO to it;
 *   - when the init exits, writes its exit code to DIR/exit (atomically) and
 *     execs the "exit" command (podlite container cleanup), which records
 *     the exit, releases the container's resources and applies the restart
 *     policy.
 *
 * Configuration (environment, removed before anything is executed):
 *   _PODLITE_SUPERVISOR   "1"
 *   _PODLITE_SUP_DIR      the container's run directory (exit, pid, stdin)
 *   _PODLITE_SUP_LOG      log file ("" for none)
 *   _PODLITE_SUP_JOURNAL  optional: "KEY=VALUE\n" fields; when set, each line of
 *                         output also goes to the journal with them (conmon's
 *                         journald driver: PRIORITY 6 for stdout, 3 for stderr)
 *   _PODLITE_SUP_STDIO    "pipe" | "tty" | "passthrough" | "null"
 *   _PODLITE_SUP_STDIN    "1" to keep stdin open through DIR/stdin
 *   _PODLITE_SUP_NSTART   argv[1..N] is the start command, the rest the exit command
 *   _PODLITE_SUP_LOGMAX   optional: the log's size limit in bytes; a line
 *                         that would pass it empties the log first (conmon's rule)
 *   _PODLITE_SUP_TIMEOUT  optional: seconds after which the container is
 *                         SIGKILLed and its exit recorded as -1 (conmon's --timeout)
 *   _PODLITE_SUP_NHEALTH  the K arguments after the start command are the health
 *                         command (K may be 0 or unset: no health checks)
 *   _PODLITE_SUP_HEALTH   "INTERVAL_MS STARTUP_MS": the health command runs every
 *                         INTERVAL_MS, or every STARTUP_MS (when not 0) until one
 *                         run exits HEALTH_STARTUP_DONE
 *   _PODLITE_SUP_NOTIFY   optional: "conmon", "container" or "healthy" (--sdnotify), acted on
 *                         when NOTIFY_SOCKET is set: once the container runs, the
 *                         supervisor sends MAINPID=<its PID> (and READY=1 for
 *                         conmon) to NOTIFY_SOCKET before the podlite that spawned
 *                         it returns; for container it binds DIR/notify/notify.sock
 *                         (the container's NOTIFY_SOCKET) and passes on what the
 *                         container sends there, MAINPID= lines dropped; for healthy
 *                         the health command sends READY=1 when the check first passes
 * fd 3 is the start command's report pipe to the podlite that spawned us.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <stddef.h>
#include <time.h>
#include <unistd.h>

#define REPORT_FD 3
#define CONSOLE_FD 4
/* journald's native protocol socket, and how much of a line without a
 * newline is held back before it is sent as a partial message (conmon's
 * STDIO_BUF_SIZE). */
#define JOURNAL_SOCKET "/run/systemd/journal/socket"
#define JOURNAL_HOLD 8192
/* A health command's exit code that ends the startup check's interval. */
#define HEALTH_STARTUP_DONE 3
/* --sdnotify modes the supervisor acts on */
#define NOTIFY_NONE 0
#define NOTIFY_CONMON 1
#define NOTIFY_CONTAINER 2
#define NOTIFY_HEALTHY 3 /* MAINPID only: the health check sends READY=1 */

struct sup {
	const char *dir;
	int log_fd;
	/* journald driver: the fields block (NULL: none), the socket, and the
	 * line held back for each stream (0 stdout, 1 stderr) */
	char *jfields;
	int jfd;
	char jhold[2][JOURNAL_HOLD];
	size_t jhold_len[2];
	long long log_max, log_size; /* --log-opt max-size (0: none), bytes in the log */
	int out_fd, err_fd;   /* container output, -1 once at EOF */
	int cons_fd;          /* console socket; -1 once the master arrived */
	int master_fd;        /* terminal master, or -1 */
	int stdin_fifo;       /* DIR/stdin opened O_RDWR, or -1 */
	int stdin_fd;         /* write end of the container's stdin, or -1 */
	int ctl_fifo;         /* DIR/ctl for a terminal: "ROWS COLS\n" resizes it */
	pid_t start_pid, ctr_pid;
	int have_exit, exit_code, timed_out;
	/* health checks: the command, its timer, the run in progress */
	char **health_argv;
	int timer_fd;
	long interval_ms, startup_ms;
	pid_t health_pid;
	/* --sdnotify: the mode, systemd's socket, the container's socket
	 * (container mode), and whether the report pipe is still held open */
	int notify_mode;
	char notify_path[108];
	int notify_fd;
	int report_open;
	/* children reaped before the container's PID was known */
	pid_t early_pid[16];
	int early_status[16], nearly;
};

static void die(const char *what)
{
	char msg[512];
	int n = snprintf(msg, sizeof(msg), "{\"error\":\"supervisor: %s: %s\"}\n", what, strerror(errno));
	if (write(REPORT_FD, msg, n) < 0) {
		/* nobody to tell */
	}
	_exit(1);
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return;
		}
		buf += n;
		len -= n;
	}
}

/* log_chunk writes one read's worth of output as k8s-file lines:
 * "TIMESTAMP STREAM F|P TEXT\n"; F ends a line, P is a partial line. */
static void log_chunk(struct sup *s, const char *stream, const char *buf, size_t len)
{
	if (s->log_fd < 0 || len == 0)
		return;
	struct timespec ts;
	struct tm tm;
	char stamp[64], zone[8];
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	char prefix[128];
	while (len > 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) : len;
		int plen = snprintf(prefix, sizeof(prefix), "%s.%09ld%.3s:%s %s %c ", stamp, ts.tv_nsec,
				    zone, zone + 3, stream, nl ? 'F' : 'P');
		long long rec = plen + (long long)n + 1;
		if (s->log_max > 0 && s->log_size + rec > s->log_max && ftruncate(s->log_fd, 0) == 0)
			s->log_size = 0;
		s->log_size += rec;
		write_all(s->log_fd, prefix, plen);
		write_all(s->log_fd, buf, n);
		write_all(s->log_fd, "\n", 1);
		if (!nl)
			break;
		buf += n + 1;
		len -= n + 1;
	}
}

/* journal_send_fd passes a message too large for a datagram in a sealed
 * memfd, as the native protocol allows. */
static void journal_send_fd(struct sup *s, struct msghdr *m)
{
	int mfd = memfd_create("journal-message", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return;
	for (size_t i = 0; i < m->msg_iovlen; i++)
		write_all(mfd, m->msg_iov[i].iov_base, m->msg_iov[i].iov_len);
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct msghdr fm = { .msg_name = m->msg_name, .msg_namelen = m->msg_namelen,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&fm);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &mfd, sizeof(int));
	if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) == 0)
		sendmsg(s->jfd, &fm, MSG_NOSIGNAL);
	close(mfd);
}

/* journal_send sends held + buf as one message of stream idx in the
 * native protocol: MESSAGE in the binary form (it may hold a newline),
 * then PRIORITY, the container's fields and, for a line without its
 * newline, CONTAINER_PARTIAL_MESSAGE=true. */
static void journal_send(struct sup *s, int idx, const char *buf, size_t len, int partial)
{
	uint64_t mlen = s->jhold_len[idx] + len;
	unsigned char le[8];
	for (int i = 0; i < 8; i++)
		le[i] = (unsigned char)(mlen >> (8 * i));
	const char *prio = idx ? "\nPRIORITY=3\n" : "\nPRIORITY=6\n";
	const char *part = "CONTAINER_PARTIAL_MESSAGE=true\n";
	struct iovec iov[] = {
		{ "MESSAGE\n", 8 }, { le, 8 }, { s->jhold[idx], s->jhold_len[idx] }, { (void *)buf, len },
		{ (void *)prio, strlen(prio) }, { s->jfields, strlen(s->jfields) }, { (void *)part, partial ? strlen(part) : 0 },
	};
	struct sockaddr_un addr = { .sun_family = AF_UNIX, .sun_path = JOURNAL_SOCKET };
	struct msghdr m = { .msg_name = &addr, .msg_namelen = sizeof(addr), .msg_iov = iov, .msg_iovlen = 7 };
	s->jhold_len[idx] = 0;
	if (sendmsg(s->jfd, &m, MSG_NOSIGNAL) < 0 && (errno == EMSGSIZE || errno == ENOBUFS))
		journal_send_fd(s, &m);
}

/* journal_chunk sends one read's complete lines to the journal and holds
 * back the rest, as conmon does; a line longer than JOURNAL_HOLD goes as
 * partial messages. */
static void journal_chunk(struct sup *s, int idx, const char *buf, size_t len)
{
	while (s->jfields && len > 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) + 1 : len;
		if (!nl && s->jhold_len[idx] + n < JOURNAL_HOLD) {
			memcpy(s->jhold[idx] + s->jhold_len[idx], buf, n);
			s->jhold_len[idx] += n;
			return;
		}
		journal_send(s, idx, buf, n, !nl);
		buf += n;
		len -= n;
	}
}

/* journal_flush sends the line held back for stream idx, at its end. */
static void journal_flush(struct sup *s, int idx)
{
	if (s->jfields && s->jhold_len[idx] > 0)
		journal_send(s, idx, "", 0, 1);
}

/* pump reads what is available on *fd and logs it; closes it at EOF. */
static void pump(struct sup *s, int *fd, const char *stream)
{
	char buf[32768];
	int idx = strcmp(stream, "stderr") == 0;
	ssize_t n = read(*fd, buf, sizeof(buf));
	if (n > 0) {
		log_chunk(s, stream, buf, n);
		journal_chunk(s, idx, buf, n);
		return;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	journal_flush(s, idx);
	close(*fd);
	*fd = -1;
}

/* recv_master takes the terminal master libcontainer's init sends. */
static void recv_master(struct sup *s)
{
	char name[256], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = name, .iov_len = sizeof(name) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	ssize_t n = recvmsg(s->cons_fd, &msg, MSG_CMSG_CLOEXEC);
	if (n < 0 && errno == EINTR)
		return;
	struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
		memcpy(&s->master_fd, CMSG_DATA(c), sizeof(int));
		s->stdin_fd = s->master_fd;
	}
	close(s->cons_fd);
	s->cons_fd = -1;
}

static void forward_stdin(struct sup *s)
{
	char buf[32768];
	ssize_t n = read(s->stdin_fifo, buf, sizeof(buf));
	if (n > 0 && s->stdin_fd >= 0)
		write_all(s->stdin_fd, buf, n);
}

/* resize applies the "ROWS COLS" lines written to the control FIFO to
 * the container's terminal. */
static void resize(struct sup *s)
{
	char buf[256];
	ssize_t n = read(s->ctl_fifo, buf, sizeof(buf) - 1);
	if (n <= 0)
		return;
	buf[n] = 0;
	char *line = buf, *nl;
	while ((nl = strchr(line, '\n')) != NULL) {
		*nl = 0;
		struct winsize ws = { 0 };
		if (sscanf(line, "%hu %hu", &ws.ws_row, &ws.ws_col) == 2 && s->master_fd >= 0)
			ioctl(s->master_fd, TIOCSWINSZ, &ws);
		line = nl + 1;
	}
}

static pid_t read_pid(const char *dir)
{
	char path[4096], buf[32];
	snprintf(path, sizeof(path), "%s/pid", dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return (pid_t)atoi(buf);
}

static void write_exit(struct sup *s)
{
	char tmp[4096], path[4096], buf[64];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(tmp, sizeof(tmp), "%s/.exit", s->dir);
	snprintf(path, sizeof(path), "%s/exit", s->dir);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	int n = snprintf(buf, sizeof(buf), "%d %lld%09ld\n", s->timed_out ? -1 : s->exit_code, (long long)ts.tv_sec,
			 ts.tv_nsec);
	write_all(fd, buf, n);
	fsync(fd);
	close(fd);
	rename(tmp, path);
}

static int status_code(int st)
{
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

/* arm_timer sets the health timer to the interval of the check due next. */
static void arm_timer(struct sup *s)
{
	long ms = s->startup_ms > 0 ? s->startup_ms : s->interval_ms;
	struct itimerspec its = { 0 };
	its.it_value.tv_sec = its.it_interval.tv_sec = ms / 1000;
	its.it_value.tv_nsec = its.it_interval.tv_nsec = (ms % 1000) * 1000000L;
	if (s->timer_fd >= 0 && ms > 0)
		timerfd_settime(s->timer_fd, 0, &its, NULL);
}

static void reset_signals(void);

/* run_health starts the health command, unless one still runs (a slow
 * check skips the ticks it overlaps, as podman's timer does). */
static void run_health(struct sup *s)
{
	uint64_t ticks;
	if (read(s->timer_fd, &ticks, sizeof(ticks)) < 0 || s->health_pid > 0 || s->ctr_pid <= 0 || s->have_exit)
		return;
	pid_t pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		setenv("_PODLITE_HEALTH_TIMER", "1", 1);
		reset_signals();
		execv("/proc/self/exe", s->health_argv);
		_exit(127);
	}
	s->health_pid = pid;
}

/* sd_send sends one datagram to systemd's NOTIFY_SOCKET ("@" starts an
 * abstract address). */
static void sd_send(struct sup *s, const char *msg, size_t len)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t n = strlen(s->notify_path);
	if (n == 0 || n >= sizeof(a.sun_path) || len == 0)
		return;
	memcpy(a.sun_path, s->notify_path, n);
	if (a.sun_path[0] == '@')
		a.sun_path[0] = 0;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	sendto(fd, msg, len, MSG_NOSIGNAL, (struct sockaddr *)&a, offsetof(struct sockaddr_un, sun_path) + n);
	close(fd);
}

/* notify_started tells systemd, once the container runs, that the
 * supervisor is the unit's main process (and, for conmon, that it is
 * ready), then lets the podlite that spawned us return: releasing the
 * report pipe only now keeps the unit's first main process alive until
 * systemd knows its successor. */
static void notify_started(struct sup *s)
{
	if (s->notify_mode != NOTIFY_NONE) {
		char msg[64];
		int n = snprintf(msg, sizeof(msg), "MAINPID=%d\n%s", (int)getpid(),
				 s->notify_mode == NOTIFY_CONMON ? "READY=1\n" : "");
		sd_send(s, msg, n);
	}
	if (s->report_open) {
		close(REPORT_FD);
		s->report_open = 0;
	}
}

/* relay_notify passes on one message the container sent to its socket;
 * MAINPID= lines are dropped (the supervisor stays the main process). */
static void relay_notify(struct sup *s)
{
	char buf[4096], out[4096];
	ssize_t n = recv(s->notify_fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	if (n <= 0)
		return;
	buf[n] = 0;
	size_t o = 0;
	char *save = NULL;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t l = strlen(line);
		if (strncmp(line, "MAINPID=", 8) == 0 || o + l + 1 > sizeof(out))
			continue;
		memcpy(out + o, line, l);
		out[o + l] = '\n';
		o += l + 1;
	}
	sd_send(s, out, o);
}

/* bind_notify binds the container's notify socket, DIR/notify/notify.sock
 * (the directory is mounted at /run/notify in the container), writable by
 * whichever user the container runs as. It binds a relative name from
 * within the directory: the full path can be longer than sun_path. */
static void bind_notify(struct sup *s)
{
	char dir[4096];
	struct sockaddr_un a = { .sun_family = AF_UNIX, .sun_path = "notify.sock" };
	snprintf(dir, sizeof(dir), "%s/notify", s->dir);
	int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	s->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (cwd < 0 || s->notify_fd < 0 || chdir(dir) < 0)
		die("binding the container's notify socket");
	unlink(a.sun_path);
	if (bind(s->notify_fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("binding the container's notify socket");
	chmod(a.sun_path, 0777);
	if (fchdir(cwd) < 0)
		die("binding the container's notify socket");
	close(cwd);
}

/* reap collects every exited child; returns -1 when the start command
 * failed (nothing to supervise). */
static int reap(struct sup *s)
{
	int st;
	pid_t pid;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid == s->start_pid) {
			s->start_pid = 0;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				return -1;
			s->ctr_pid = read_pid(s->dir);
			if (s->ctr_pid <= 0)
				return -1;
			notify_started(s);
			/* The init may have died and been reaped before the start
			 * command's exit was seen. */
			for (int i = 0; i < s->nearly; i++) {
				if (s->early_pid[i] == s->ctr_pid) {
					s->have_exit = 1;
					s->exit_code = status_code(s->early_status[i]);
				}
			}
		} else if (pid == s->health_pid && pid > 0) {
			s->health_pid = 0;
			if (s->startup_ms > 0 && WIFEXITED(st) && WEXITSTATUS(st) == HEALTH_STARTUP_DONE) {
				s->startup_ms = 0;
				arm_timer(s);
			}
		} else if (pid == s->ctr_pid) {
			s->have_exit = 1;
			s->exit_code = status_code(st);
		} else if (s->ctr_pid == 0 && s->nearly < 16) {
			s->early_pid[s->nearly] = pid;
			s->early_status[s->nearly++] = st;
		}
	}
	return 0;
}

/* reset_signals gives every ignored signal its default disposition back
 * and empties the mask. An ignored signal stays ignored across exec, so
 * whatever the supervisor or podlite's own caller (nohup, a shell, make)
 * ignored would otherwise reach the container, which could never trap it.
 * The raw system call reaches the signals glibc keeps to itself (32, 33);
 * handlers already installed are left alone. */
static void reset_signals(void)
{
	struct {
		void *handler;
		unsigned long flags;
		void *restorer;
		unsigned long mask;
	} act, old;
	for (int sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (syscall(SYS_rt_sigaction, sig, NULL, &old, sizeof(old.mask)) != 0 || old.handler != SIG_IGN)
			continue;
		memset(&act, 0, sizeof(act));
		act.handler = SIG_DFL;
		syscall(SYS_rt_sigaction, sig, &act, NULL, sizeof(act.mask));
	}
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* until_timeout is poll's timeout for --timeout: -1 without one, else the
 * milliseconds left; past the deadline it kills the container once. */
static int until_timeout(struct sup *s, const struct timespec *deadline)
{
	if (deadline->tv_sec == 0 || s->timed_out || s->have_exit)
		return -1;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long left = (deadline->tv_sec - now.tv_sec) * 1000LL + (deadline->tv_nsec - now.tv_nsec) / 1000000;
	if (left > 0)
		return left > 60000 ? 60000 : (int)left;
	if (s->ctr_pid <= 0)
		return 10; /* the start command has not reported the PID yet */
	kill(s->ctr_pid, SIGKILL);
	s->timed_out = 1;
	return -1;
}

static void exec_argv(char **argv)
{
	execv("/proc/self/exe", argv);
	_exit(127);
}

static void supervise(int argc, char **argv)
{
	struct sup s = { .log_fd = -1, .jfd = -1, .out_fd = -1, .err_fd = -1, .cons_fd = -1, .master_fd = -1,
			 .stdin_fifo = -1, .stdin_fd = -1, .ctl_fifo = -1, .notify_fd = -1 };
	s.dir = getenv("_PODLITE_SUP_DIR");
	const char *logp = getenv("_PODLITE_SUP_LOG");
	const char *stdio = getenv("_PODLITE_SUP_STDIO");
	const char *keep_stdin = getenv("_PODLITE_SUP_STDIN");
	const char *nstart_s = getenv("_PODLITE_SUP_NSTART");
	const char *logmax_s = getenv("_PODLITE_SUP_LOGMAX");
	const char *timeout_s = getenv("_PODLITE_SUP_TIMEOUT");
	s.log_max = logmax_s ? atoll(logmax_s) : 0;
	long timeout = timeout_s ? atol(timeout_s) : 0;
	const char *nhealth_s = getenv("_PODLITE_SUP_NHEALTH");
	const char *health_s = getenv("_PODLITE_SUP_HEALTH");
	const char *notify_s = getenv("_PODLITE_SUP_NOTIFY");
	const char *notify_sock = getenv("NOTIFY_SOCKET");
	if (notify_s && notify_sock && *notify_sock) {
		s.notify_mode = strcmp(notify_s, "conmon") == 0	   ? NOTIFY_CONMON :
				strcmp(notify_s, "container") == 0 ? NOTIFY_CONTAINER :
				strcmp(notify_s, "healthy") == 0   ? NOTIFY_HEALTHY :
								       NOTIFY_NONE;
		snprintf(s.notify_path, sizeof(s.notify_path), "%s", notify_sock);
	}
	if (!s.dir || !stdio || !nstart_s) {
		errno = EINVAL;
		die("incomplete configuration");
	}
	int nstart = atoi(nstart_s), nhealth = nhealth_s ? atoi(nhealth_s) : 0;
	if (nstart < 1 || nhealth < 0 || nstart + nhealth >= argc) {
		errno = EINVAL;
		die("bad command split");
	}
	s.timer_fd = -1;
	if (nhealth > 0) {
		if (!health_s || sscanf(health_s, "%ld %ld", &s.interval_ms, &s.startup_ms) != 2) {
			errno = EINVAL;
			die("bad health check interval");
		}
		s.health_argv = calloc(nhealth + 1, sizeof(char *));
		for (int i = 0; i < nhealth; i++)
			s.health_argv[i] = argv[1 + nstart + i];
	}
	/* Copy what we need before clearing the environment the commands inherit. */
	char dir[3072]; /* leaves room for the file names appended to it */
	snprintf(dir, sizeof(dir), "%s", s.dir);
	s.dir = dir;
	int want_stdin = keep_stdin && strcmp(keep_stdin, "1") == 0;
	int tty = strcmp(stdio, "tty") == 0, pipes = strcmp(stdio, "pipe") == 0;
	int passthrough = strcmp(stdio, "passthrough") == 0;
	if (logp && *logp) {
		s.log_fd = open(logp, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (s.log_fd < 0)
			die("opening the log file");
		struct stat lst;
		if (fstat(s.log_fd, &lst) == 0)
			s.log_size = lst.st_size;
	}
	const char *jfields = getenv("_PODLITE_SUP_JOURNAL");
	if (jfields && *jfields) {
		s.jfields = strdup(jfields);
		s.jfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (!s.jfields || s.jfd < 0)
			die("opening the journal socket");
	}
	char stdio_mode[16];
	snprintf(stdio_mode, sizeof(stdio_mode), "%s", stdio);
	unsetenv("_PODLITE_SUPERVISOR");
	unsetenv("_PODLITE_SUP_DIR");
	unsetenv("_PODLITE_SUP_LOG");
	unsetenv("_PODLITE_SUP_JOURNAL");
	unsetenv("_PODLITE_SUP_STDIO");
	unsetenv("_PODLITE_SUP_STDIN");
	unsetenv("_PODLITE_SUP_NSTART");
	unsetenv("_PODLITE_SUP_LOGMAX");
	unsetenv("_PODLITE_SUP_TIMEOUT");
	unsetenv("_PODLITE_SUP_NHEALTH");
	unsetenv("_PODLITE_SUP_HEALTH");
	unsetenv("_PODLITE_SUP_NOTIFY");

	/* Detach: the podlite that spawned us returns at once and never has to
	 * reap us; the start command reports our PID (its parent) instead. */
	pid_t bg = fork();
	if (bg < 0)
		die("fork");
	if (bg > 0)
		_exit(0);
	setsid();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die("becoming a subreaper");
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		die("signalfd");
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	if (s.health_argv) {
		s.timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (s.timer_fd < 0)
			die("creating the health check timer");
		arm_timer(&s);
	}

	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, in[2] = { -1, -1 }, cons[2] = { -1, -1 };
	if (pipes && (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0))
		die("creating output pipes");
	if (tty && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, cons) < 0)
		die("creating the console socket");
	if (tty) {
		char ctl[4096];
		snprintf(ctl, sizeof(ctl), "%s/ctl", dir);
		unlink(ctl);
		if (mkfifo(ctl, 0600) < 0)
			die("creating the control fifo");
		s.ctl_fifo = open(ctl, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (s.ctl_fifo < 0)
			die("opening the control fifo");
	}
	if (want_stdin) {
		char fifo[4096];
		snprintf(fifo, sizeof(fifo), "%s/stdin", dir);
		unlink(fifo);
		if (mkfifo(fifo, 0600) < 0)
			die("creating the stdin fifo");
		/* O_RDWR keeps the FIFO from reporting EOF between attaches. */
		s.stdin_fifo = open(fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (s.stdin_fifo < 0)
			die("opening the stdin fifo");
		if (!tty && pipe2(in, O_CLOEXEC) < 0)
			die("creating the stdin pipe");
	}

	if (s.notify_mode == NOTIFY_CONTAINER)
		bind_notify(&s);

	struct timespec deadline = { 0, 0 };
	if (timeout > 0) {
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += timeout;
	}
	s.start_pid = fork();
	if (s.start_pid < 0)
		die("fork");
	if (s.start_pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(in[0] >= 0 ? in[0] : null, 0);
		if (pipes) {
			dup2(out[1], 1);
			dup2(err[1], 2);
		} else if (!passthrough) {
			dup2(null, 1);
			dup2(null, 2);
		}
		if (tty) {
			dup2(cons[1], CONSOLE_FD);
			setenv("_PODLITE_CONSOLE_FD", "4", 1);
		}
		reset_signals();
		char **start = calloc(nstart + 1, sizeof(char *));
		for (int i = 0; i < nstart; i++)
			start[i] = argv[1 + i];
		exec_argv(start);
	}
	/* With --sdnotify the report pipe stays open until systemd has been
	 * told (notify_started). */
	s.report_open = s.notify_mode != NOTIFY_NONE;
	if (!s.report_open)
		close(REPORT_FD);
	if (out[1] >= 0)
		close(out[1]);
	if (err[1] >= 0)
		close(err[1]);
	if (in[0] >= 0)
		close(in[0]);
	if (cons[1] >= 0)
		close(cons[1]);
	s.out_fd = out[0];
	s.err_fd = err[0];
	s.stdin_fd = in[1];
	s.cons_fd = cons[0];
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	dup2(null, 0);
	if (!passthrough) {
		dup2(null, 1);
		dup2(null, 2);
	}

	for (;;) {
		struct pollfd p[8];
		int n = 0, drain = s.have_exit;
		p[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = s.out_fd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = s.err_fd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = s.cons_fd >= 0 ? s.cons_fd : s.master_fd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = s.stdin_fifo, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = s.ctl_fifo, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = drain ? -1 : s.timer_fd, .events = POLLIN };
		/* The container's messages wait until systemd knows the
		 * supervisor as the main process (notify_started). */
		p[n++] = (struct pollfd){ .fd = s.ctr_pid > 0 && !drain ? s.notify_fd : -1, .events = POLLIN };
		if (drain && s.out_fd < 0 && s.err_fd < 0 && s.master_fd < 0)
			break;
		/* After the exit, output still buffered in the pipes is drained;
		 * a writer kept alive elsewhere cannot hold the exit up long. */
		int r = poll(p, n, drain ? 500 : until_timeout(&s, &deadline));
		if (r < 0 && errno != EINTR)
			die("poll");
		if (r == 0 && drain)
			break;
		if (r == 0)
			continue; /* until_timeout's wake-up */
		if (p[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) > 0) {
			}
			if (reap(&s) < 0)
				_exit(1); /* the start command reported its failure itself */
		}
		if (p[1].revents)
			pump(&s, &s.out_fd, "stdout");
		if (p[2].revents)
			pump(&s, &s.err_fd, "stderr");
		if (p[3].revents) {
			if (s.cons_fd >= 0)
				recv_master(&s);
			else
				pump(&s, &s.master_fd, "stdout");
		}
		if (p[4].revents & POLLIN)
			forward_stdin(&s);
		if (p[5].revents & POLLIN)
			resize(&s);
		if (p[6].revents & POLLIN)
			run_health(&s);
		if (p[7].revents & POLLIN)
			relay_notify(&s);
		if (tty && s.master_fd < 0)
			s.stdin_fd = -1; /* it was the master, now closed */
	}
	journal_flush(&s, 0);
	journal_flush(&s, 1);
	write_exit(&s);
	if (s.stdin_fifo >= 0) {
		char fifo[4096];
		snprintf(fifo, sizeof(fifo), "%s/stdin", dir);
		unlink(fifo);
	}
	if (s.log_fd >= 0)
		close(s.log_fd);
	if (s.timer_fd >= 0)
		close(s.timer_fd);
	exec_argv(argv + 1 + nstart + nhealth);
}

/* A container's processes ("podlite init", for its first process and for
 * exec) start from default signal dispositions, whatever podlite inherited. */
__attribute__((constructor)) static void podlite_init_signals(void)
{
	if (getenv("_LIBCONTAINER_INITPIPE") != NULL)
		reset_signals();
}

__attribute__((constructor)) static void podlite_supervisor(int argc, char **argv, char **envp)
{
	(void)envp;
	const char *mode = getenv("_PODLITE_SUPERVISOR");
	if (mode == NULL || strcmp(mode, "1") != 0)
		return;
	supervise(argc, argv);
}
