/* slirp.c - slirp4netns beside a container: started on its network
 * namespace, waited for, given the published ports, stopped.  See
 * slirp.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"
#include "slirp.h"
#include "util.h"

#define SLIRP_PROG "slirp4netns"
#define SLIRP_API "api.sock"
#define SLIRP_LOG "slirp4netns.log"
#define SLIRP_READY_MS 10000
/* its fds in the child: the ready fd it writes "1" to, the exit fd */
#define SLIRP_READY_FD 3
#define SLIRP_EXIT_FD 4

int slirp_port_parse(const char *arg, struct slirp_port *p, struct brig_err *e)
{
	char buf[128], *proto, *port, *host;
	uint64_t hp, cp;
	struct in_addr a;

	memset(p, 0, sizeof(*p));
	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf))
		return brig_errf(e, EINVAL, "invalid -p '%.40s...': too long", arg);
	if ((proto = strchr(buf, '/'))) {
		*proto++ = 0;
		if (strcmp(proto, "tcp") && strcmp(proto, "udp"))
			return brig_errf(e, EINVAL, "invalid -p '%s': protocol tcp or udp", arg);
		p->udp = !strcmp(proto, "udp");
	}
	port = strrchr(buf, ':');
	if (!port)
		return brig_errf(e, EINVAL, "invalid -p '%s': rootless needs HOSTPORT:PORT", arg);
	*port++ = 0;
	host = strrchr(buf, ':');
	if (host) {
		*host++ = 0;
		if (inet_pton(AF_INET, buf, &a) != 1)
			return brig_errf(e, EINVAL, "invalid -p '%s': bad host address", arg);
		inet_ntop(AF_INET, &a, p->host_addr, sizeof(p->host_addr));
	} else {
		host = buf;
	}
	if (parse_uint(host, 65535, &hp, e) < 0 || parse_uint(port, 65535, &cp, e) < 0 || hp < 1 ||
	    cp < 1)
		return brig_errf(e, EINVAL, "invalid -p '%s': ports are 1-65535", arg);
	p->host_port = (uint16_t)hp;
	p->guest_port = (uint16_t)cp;
	return 0;
}

int slirp_hostfwd_request(const struct slirp_port *p, char *buf, size_t len)
{
	int n = snprintf(buf, len,
			 "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": \"%s\", "
			 "\"host_addr\": \"%s\", \"host_port\": %u, \"guest_port\": %u}}",
			 p->udp ? "udp" : "tcp", *p->host_addr ? p->host_addr : "0.0.0.0",
			 p->host_port, p->guest_port);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

int slirp_reply_parse(const char *buf, size_t len, struct brig_err *e)
{
	cleanup_json json_t *j = json_loadb(buf, len, 0, NULL);
	const char *desc;

	if (!json_is_object(j))
		return brig_errf(e, EPROTO, "slirp4netns: a reply that is not a JSON object");
	if (json_object_get(j, "return"))
		return 0;
	desc = json_string_value(json_object_get(json_object_get(j, "error"), "desc"));
	if (!desc)
		return brig_errf(e, EPROTO, "slirp4netns: a reply without return or error");
	return brig_errf(e, EADDRINUSE, "slirp4netns: %.200s", desc);
}

/* The child: fds 3 (ready) and 4 (exit), stdout and stderr to the log in
 * dir (its cwd, where it binds api.sock), then slirp4netns. */
static void __attribute__((noreturn)) slirp_exec(int dir, int ready, int quit, int ns)
{
	char netns[] = "/proc/self/fd/5";
	const char *argv[] = {SLIRP_PROG,
			      "--configure",
			      "--mtu=65520",
			      "--disable-host-loopback",
			      "--ready-fd=3",
			      "--exit-fd=4",
			      "--api-socket=" SLIRP_API,
			      "--netns-type=path",
			      netns,
			      "tap0",
			      NULL};
	int log;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* out of the way first: any of them may be 3, 4 or 5 already */
	ready = fcntl(ready, F_DUPFD_CLOEXEC, 10);
	quit = fcntl(quit, F_DUPFD_CLOEXEC, 10);
	ns = fcntl(ns, F_DUPFD_CLOEXEC, 10);
	if (ready < 0 || quit < 0 || ns < 0 || fchdir(dir) < 0 || dup2(ready, SLIRP_READY_FD) < 0 ||
	    dup2(quit, SLIRP_EXIT_FD) < 0 || dup2(ns, 5) < 0)
		_exit(127);
	log = open(SLIRP_LOG, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	fd_to_null(0, 0);
	if (log >= 0 && (dup2(log, 1) < 0 || dup2(log, 2) < 0))
		_exit(127);
	close_range(6, ~0U, 0);
	execvp(SLIRP_PROG, (char *const *)argv);
	_exit(127);
}

/* The first line slirp4netns logged (its complaint; a usage text may
 * follow), for an error message. */
static void first_log_line(int dir, char *out, size_t len)
{
	char buf[512];
	cleanup_close int fd = openat(dir, SLIRP_LOG, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	*out = 0;
	if (n <= 0)
		return;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	snprintf(out, len, ": %.200s", buf);
}

/* Ready: slirp4netns wrote "1" to the ready fd (EOF: it died). */
static int wait_ready(int fd, int dir, struct brig_err *e)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char c = 0, why[256];
	int r;

	while ((r = poll(&p, 1, SLIRP_READY_MS)) < 0 && errno == EINTR)
		;
	if (r == 0)
		return brig_errf(e, ETIMEDOUT, SLIRP_PROG ": not ready after %d s",
				 SLIRP_READY_MS / 1000);
	if (r < 0)
		return brig_errno(e, "poll " SLIRP_PROG);
	if (read(fd, &c, 1) == 1 && c == '1')
		return 0;
	first_log_line(dir, why, sizeof(why));
	return brig_errf(e, EIO, SLIRP_PROG " failed%s%s", why,
			 *why ? "" : " (is the slirp4netns package installed?)");
}

/* One request over a new connection to the API socket, one reply. */
static int api_call(int dir, const char *req, struct brig_err *e)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	cleanup_close int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char reply[1024];
	size_t got = 0;
	ssize_t n;

	/* through the directory's fd: the path stays short whatever dir is */
	snprintf(a.sun_path, sizeof(a.sun_path), "/proc/self/fd/%d/" SLIRP_API, dir);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		return brig_errno(e, SLIRP_PROG " API socket");
	if (write_all(s, req, strlen(req)) < 0 || shutdown(s, SHUT_WR) < 0)
		return brig_errno(e, SLIRP_PROG " API request");
	while (got < sizeof(reply) - 1 &&
	       (n = read(s, reply + got, sizeof(reply) - 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return brig_errno(e, SLIRP_PROG " API reply");
		got += (size_t)n;
	}
	return slirp_reply_parse(reply, got, e);
}

static int publish(const struct slirp_net *n, int dir, struct brig_err *e)
{
	char req[512];

	for (size_t i = 0; i < n->n_ports; i++) {
		const struct slirp_port *p = &n->ports[i];
		if (slirp_hostfwd_request(p, req, sizeof(req)) < 0)
			return brig_errf(e, EINVAL, "publish port %u: request too long",
					 p->host_port);
		if (api_call(dir, req, e) < 0)
			return brig_err_ctx(e, "publish %s%s%u:%u/%s", p->host_addr,
					    *p->host_addr ? ":" : "", p->host_port, p->guest_port,
					    p->udp ? "udp" : "tcp");
	}
	return 0;
}

int slirp_start(struct slirp_net *n, int netns, struct brig_err *e)
{
	cleanup_close int dir = open(n->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int ready[2], quit[2];

	if (dir < 0)
		return brig_errno(e, "open %s", n->dir);
	unlinkat(dir, SLIRP_API, 0); /* a previous run's */
	if (pipe2(ready, O_CLOEXEC) < 0)
		return brig_errno(e, "pipe");
	if (pipe2(quit, O_CLOEXEC) < 0) {
		close(ready[0]);
		close(ready[1]);
		return brig_errno(e, "pipe");
	}
	n->pid = fork();
	if (n->pid == 0)
		slirp_exec(dir, ready[1], quit[0], netns);
	close(ready[1]);
	close(quit[0]);
	n->exit_fd = quit[1];
	if (n->pid < 0) {
		n->pid = 0;
		close(ready[0]);
		slirp_stop(n);
		return brig_errno(e, "fork " SLIRP_PROG);
	}
	if (wait_ready(ready[0], dir, e) < 0 || publish(n, dir, e) < 0) {
		close(ready[0]);
		slirp_stop(n);
		return -e->code;
	}
	close(ready[0]);
	return 0;
}

