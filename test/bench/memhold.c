/*
 * memhold: the benchmark's memory workload. It allocates MB mebibytes of
 * anonymous memory, fills PERCENT of it (half by default) with bytes from
 * /dev/urandom, which do not compress, and the rest with log-like text,
 * which does, prints "ready" and sleeps until killed, so that a checkpoint
 * has that much memory to dump.
 * test/bench/bench.sh builds it with gcc -static and copies it into the
 * image; the image has no libc.
 *
 * Usage: memhold MB [PERCENT]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t mb = argc > 1 ? strtoul(argv[1], NULL, 10) : 200;
	size_t percent = argc > 2 ? strtoul(argv[2], NULL, 10) : 50;
	size_t size = mb << 20, off = 0;
	size_t random = percent >= 100 ? size : size / 100 * percent;
	char *buf = malloc(size);
	int fd = open("/dev/urandom", O_RDONLY);

	if (buf == NULL || fd < 0) {
		perror("memhold");
		return 1;
	}
	while (off < random) {
		ssize_t n = read(fd, buf + off, random - off);
		if (n <= 0) {
			perror("memhold: reading /dev/urandom");
			return 1;
		}
		off += n;
	}
	close(fd);
	for (unsigned long i = 0; off < size; i++) {
		char line[96];
		int n = snprintf(line, sizeof line, "%08lu level=info msg=\"request served\" path=/api/v1/items/%lu status=200\n",
				 i, i % 9973);
		if ((size_t)n > size - off)
			n = size - off;
		memcpy(buf + off, line, n);
		off += n;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
