/* sdnotify: send each argument as one line of a datagram to
 * $NOTIFY_SOCKET, as systemd-notify does (busybox has no such tool).
 * Built static by the e2e tests and mounted into a busybox container. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char msg[4096];
	size_t n = 0;
	if (!path || !*path || strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "sdnotify: no usable NOTIFY_SOCKET\n");
		return 1;
	}
	strcpy(a.sun_path, path);
	if (a.sun_path[0] == '@')
		a.sun_path[0] = 0;
	for (int i = 1; i < argc; i++)
		n += snprintf(msg + n, sizeof(msg) - n, "%s\n", argv[i]);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || sendto(fd, msg, n, 0, (struct sockaddr *)&a, offsetof(struct sockaddr_un, sun_path) + strlen(path)) < 0) {
		perror("sdnotify");
		return 1;
	}
	return 0;
}
