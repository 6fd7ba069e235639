/* slirp_stop.c - slirp_stop (slirp.h), apart from the rest of slirp.c:
 * brig-monitor, slirp4netns's parent once the container runs, links it
 * alone (no jansson, no netlink). */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "slirp.h"

void slirp_stop(struct slirp_net *n)
{
	if (n->exit_fd > 0)
		close(n->exit_fd);
	n->exit_fd = -1;
	if (n->pid <= 0)
		return;
	/* the exit fd's EOF ends it; SIGTERM for one that stopped reading */
	kill(n->pid, SIGTERM);
	while (waitpid(n->pid, NULL, 0) < 0 && errno == EINTR)
		;
	n->pid = 0;
}
