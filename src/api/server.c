/* server.c - the listening socket, who may connect, and a thread per
 * connection reading requests and calling their handlers.
 *
 * The socket is root:GROUP 0660, as Docker's: whoever can connect can
 * start privileged containers, so it is root-equivalent.  Each client's
 * credentials are checked again (SO_PEERCRED, SO_PEERGROUPS): root, the
 * daemon's own user, or a member of the group (supplementary groups
 * count). */
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "conn.h"
#include "io.h"
#include "http_lazy.h"
#include "serve.h"
#include "warn.h"

#define MAX_CLIENTS 1024
#define IDLE_SECONDS 120 /* a client silent this long is dropped */
#define SEND_SECONDS 60  /* a client not reading this long is dropped */

static pthread_mutex_t engine = PTHREAD_MUTEX_INITIALIZER;
static atomic_int clients;
static volatile sig_atomic_t stopping;

void api_engine_lock(void)
{
	pthread_mutex_lock(&engine);
}

void api_engine_unlock(void)
{
	pthread_mutex_unlock(&engine);
}

struct server {
	const struct brig_ctx *c;
	gid_t gid;
	bool have_group;
};

/* Root, our own user, or a member of the group. */
static bool peer_allowed(const struct server *s, int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	gid_t groups[NGROUPS_MAX];

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return false;
	if (cr.uid == 0 || cr.uid == geteuid())
		return true;
	if (!s->have_group)
		return false;
	if (cr.gid == s->gid)
		return true;
	len = sizeof(groups);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
		return false;
	for (size_t i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == s->gid)
			return true;
	return false;
}

void conn_dispatch(struct api_conn *k)
{
	struct api_req r = {
		.c = k->c,
		.method = http_method_str(k->parser.method),
		.path = k->rq.path,
		.body = k->rq.body,
		.body_len = k->rq.body_len,
		.body_fd = k->rq.body_fd,
		.conn = k,
	};

	for (size_t i = 0; i < API_MAX_PARAMS; i++)
		r.params[i] = k->rq.params[i];
	if (r.body_fd >= 0 && lseek(r.body_fd, 0, SEEK_SET) < 0)
		r.body_fd = -1;
	if (!k->rq.route) {
		api_reply_error(&r, 501, "brig does not implement %s %s", r.method, r.path);
		return;
	}
	if (k->rq.route->fn(&r) < 0 || !k->rq.replied)
		k->keep_alive = false;
	if (k->rq.streaming)
		k->keep_alive = false; /* a stream cut short: the client must see the end */
	if (!k->rq.replied && !k->hijacked)
		api_reply_error(&r, 500, "%s %s gave no answer", r.method, r.path);
}

static void *serve_client(void *arg)
{
	struct api_conn *k = arg;

	while (!k->hijacked && conn_next_request(k) == 1) {
		conn_dispatch(k);
		conn_request_done(k);
		if (!k->keep_alive || k->hijacked)
			break;
	}
	conn_request_done(k);
	if (k->fd >= 0)
		close(k->fd);
	free(k);
	atomic_fetch_sub(&clients, 1);
	return NULL;
}

static void set_timeouts(int fd)
{
	struct timeval in = { .tv_sec = IDLE_SECONDS }, out = { .tv_sec = SEND_SECONDS };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &in, sizeof(in));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &out, sizeof(out));
}

static void start_client(const struct server *s, int fd)
{
	pthread_attr_t attr;
	struct api_conn *k;
	pthread_t t;

	if (!peer_allowed(s, fd)) {
		brig_warn("serve: a client that is neither root nor in the group was refused");
		close(fd);
		return;
	}
	if (atomic_fetch_add(&clients, 1) >= MAX_CLIENTS) {
		atomic_fetch_sub(&clients, 1);
		close(fd);
		return;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		atomic_fetch_sub(&clients, 1);
		close(fd);
		return;
	}
	k->fd = fd;
	k->c = s->c;
	k->rq.body_fd = -1;
	set_timeouts(fd);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, serve_client, k) != 0) {
		atomic_fetch_sub(&clients, 1);
		close(fd);
		free(k);
	}
	pthread_attr_destroy(&attr);
}

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static int listen_on(const char *path, const struct server *s, struct brig_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return brig_errf(e, ENAMETOOLONG, "socket path %s is too long", path);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return brig_errno(e, "socket");
	if (unlink(path) < 0 && errno != ENOENT) {
		close(fd);
		return brig_errno(e, "remove the old socket %s", path);
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 512) < 0 ||
	    chmod(path, 0660) < 0 || chown(path, 0, s->have_group ? s->gid : 0) < 0) {
		brig_errno(e, "listen on %s", path);
		close(fd);
		unlink(path);
		return -e->code;
	}
	return fd;
}

static void find_group(struct server *s, const char *name)
{
	struct group *g = getgrnam(name);

	s->have_group = g != NULL;
	if (g)
		s->gid = g->gr_gid;
	else
		brig_warn("group %s does not exist: only root may use the socket", name);
}

/* The socket's directory (the runroot) must let the group through to it:
 * root:GROUP 0710 lets members reach the socket and list nothing. */
static void open_dir(const struct server *s, const char *path)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!s->have_group || !slash || slash == dir)
		return;
	*slash = '\0';
	struct stat st;
	if (stat(dir, &st) == 0 && st.st_uid == 0 && !(st.st_mode & S_IXGRP) &&
	    (chown(dir, 0, s->gid) < 0 || chmod(dir, (st.st_mode & 07777) | 0010) < 0))
		brig_warn("cannot open %s to group members: %s", dir, strerror(errno));
}

int api_serve(const struct brig_ctx *c, const struct api_serve_opts *o, struct brig_err *e)
{
	struct server s = { .c = c };
	struct sigaction sa = { .sa_handler = on_stop };
	char path[PATH_MAX];
	int lfd;

	api_debug = o->debug;
	snprintf(path, sizeof(path), "%s", o->socket ? o->socket : "");
	if (!o->socket)
		snprintf(path, sizeof(path), "%s/brig.sock", c->runroot);
	if (mkdir_p(c->runroot, 0700, e) < 0 || http_library_load(e) < 0)
		return -e->code;
	find_group(&s, o->group ? o->group : "brig");
	lfd = listen_on(path, &s, e);
	if (lfd < 0)
		return lfd;
	open_dir(&s, path);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL); /* no SA_RESTART: accept returns */
	sigaction(SIGTERM, &sa, NULL);
	if (api_debug)
		fprintf(stderr, "brig serve: listening on %s\n", path);
	while (!stopping) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			start_client(&s, fd);
		else if (errno == EMFILE || errno == ENFILE)
			usleep(100000); /* out of fds: let clients finish */
		else if (errno != EINTR && errno != ECONNABORTED)
			brig_warn("accept: %s", strerror(errno));
	}
	close(lfd);
	unlink(path);
	return 0;
}
