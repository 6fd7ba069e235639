/* tiocsti.c - a test program run inside containers (confine.bats): push
 * the characters of argv[1] into the input of the terminal on fd 0 with
 * TIOCSTI, as an attack on the terminal of whoever started the container
 * would.  Prints "TIOCSTI ok" or "TIOCSTI: <why>" and exits 0 when every
 * character went in, 1 otherwise.  Built static (make tests-helpers) so it
 * runs in any image. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

int main(int argc, char **argv)
{
	const char *s = argc > 1 ? argv[1] : "id\n";

	for (; *s; s++) {
		if (ioctl(0, TIOCSTI, s) < 0) {
			printf("TIOCSTI: %s\n", strerror(errno));
			return 1;
		}
	}
	printf("TIOCSTI ok\n");
	return 0;
}
