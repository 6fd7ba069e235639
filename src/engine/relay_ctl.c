/* relay_ctl.c - the user engine's relays (netem_ctl_int.h): one process
 * per impaired link, in a network namespace of its own, spliced into the
 * link (net/relay.h).  Supervised like a monitor: detached from the
 * command that started it, it ends when either end of its link goes (the
 * lab's or the container's namespace is gone), on SIGTERM (netem clear:
 * it returns the link to a plain veth pair first), or killed by lab down;
 * its record never outlives it for long (a stale one is removed by the
 * next look).
 *
 *   <runroot>/relays/KEY.json   {"pid", "starttime", "lab",
 *                                "a": END, "b": END}   END: {"id", "name", "ifname"}
 *   <runroot>/relays/KEY.shm    struct relay_shared: parameters, counters
 *
 * KEY is "ID12.IFNAME" of end a, the end the relay keeps (a container's
 * interface); b is the end it replaced ("host" for the host's). */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "cleanup.h"
#include "io.h"
#include "netem_ctl_int.h"
#include "proc.h"
#include "relay.h"

#define RELAY_SIDE_A "a"
#define RELAY_SIDE_B "b"
#define RELAY_STOP_MS 10000

struct relay_rec {
	pid_t pid;
	unsigned long long starttime;
	struct netem_end a, b; /* a.pid, b.pid unused */
	char lab[LAB_NAME_MAX];
};

/* ---- paths and records ---- */

static int relay_dir(const struct brig_ctx *c, char *out, size_t len, struct brig_err *e)
{
	if ((size_t)snprintf(out, len, "%s/relays", c->runroot) >= len)
		return brig_errf(e, ENAMETOOLONG, "runroot path too long");
	return 0;
}

/* <runroot>/relays/ID12.IFNAME + suffix, for end a. */
static int relay_path(const struct brig_ctx *c, const struct netem_end *a, const char *suffix,
		      char *out, size_t len, struct brig_err *e)
{
	if ((size_t)snprintf(out, len, "%s/relays/%.12s.%s%s", c->runroot, a->id, a->ifname,
			     suffix) >= len)
		return brig_errf(e, ENAMETOOLONG, "runroot path too long");
	return 0;
}

static json_t *end_json(const struct netem_end *x)
{
	return json_pack("{s:s,s:s,s:s}", "id", x->id, "name", x->name, "ifname", x->ifname);
}

static void end_from(json_t *j, struct netem_end *x)
{
	const char *id = json_string_value(json_object_get(j, "id"));
	const char *name = json_string_value(json_object_get(j, "name"));
	const char *ifname = json_string_value(json_object_get(j, "ifname"));

	snprintf(x->id, sizeof(x->id), "%s", id ? id : "");
	snprintf(x->name, sizeof(x->name), "%s", name ? name : "");
	snprintf(x->ifname, sizeof(x->ifname), "%s", ifname ? ifname : "");
}

static int rec_save(const struct brig_ctx *c, const struct relay_rec *r, struct brig_err *e)
{
	char path[4096];
	json_auto_t *j = json_pack("{s:i,s:I,s:s,s:o,s:o}", "pid", (int)r->pid, "starttime",
				   (json_int_t)r->starttime, "lab", r->lab, "a", end_json(&r->a),
				   "b", end_json(&r->b));
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	int rc;

	if (!text)
		return brig_errf(e, ENOMEM, "out of memory");
	rc = relay_path(c, &r->a, ".json", path, sizeof(path), e);
	if (rc == 0)
		rc = write_atomic(path, text, strlen(text), e);
	free(text);
	return rc;
}

/* Load the record at path: 1, 0 when there is none (or it is unreadable). */
static int rec_load_path(const char *path, struct relay_rec *r)
{
	json_auto_t *j = json_load_file(path, 0, NULL);
	const char *lab;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(j))
		return 0;
	r->pid = (pid_t)json_integer_value(json_object_get(j, "pid"));
	r->starttime = (unsigned long long)json_integer_value(json_object_get(j, "starttime"));
	lab = json_string_value(json_object_get(j, "lab"));
	snprintf(r->lab, sizeof(r->lab), "%s", lab ? lab : "");
	end_from(json_object_get(j, "a"), &r->a);
	end_from(json_object_get(j, "b"), &r->b);
	return r->pid > 0 && r->a.id[0];
}

static bool rec_alive(const struct relay_rec *r)
{
	return r->starttime && proc_starttime(r->pid) == r->starttime;
}

static void rec_remove(const struct brig_ctx *c, const struct netem_end *a)
{
	static const char *const suffixes[] = { ".json", ".shm" };
	char path[4096];
	struct brig_err ignored;

	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++)
		if (relay_path(c, a, suffixes[i], path, sizeof(path), &ignored) == 0)
			unlink(path);
}

/* The record at path into *r when its relay lives: 1, or 0 (a dead
 * relay's record is removed). */
static int rec_live(const struct brig_ctx *c, const char *path, struct relay_rec *r)
{
	if (!rec_load_path(path, r))
		return 0;
	if (rec_alive(r))
		return 1;
	rec_remove(c, &r->a);
	return 0;
}

/* The live relay whose kept end is x, into *r: 1, or 0. */
static int rec_find(const struct brig_ctx *c, const struct netem_end *x, struct relay_rec *r)
{
	char path[4096];
	struct brig_err ignored;

	if (!x->id[0] || relay_path(c, x, ".json", path, sizeof(path), &ignored) < 0)
		return 0;
	return rec_live(c, path, r);
}

static bool same_end(const struct netem_end *x, const struct netem_end *y)
{
	return !strcmp(x->id, y->id) && !strcmp(x->ifname, y->ifname);
}

int relay_find(const struct brig_ctx *c, struct netem_link *k)
{
	struct relay_rec r;

	for (int d = 0; d < 2; d++) {
		if (rec_find(c, &k->end[d], &r) && same_end(&r.b, &k->end[1 - d])) {
			k->relay_pid = r.pid;
			k->relay_at = d;
			return 1;
		}
	}
	return 0;
}

/* ---- the relay process ---- */

/* A signalfd for SIGTERM and SIGINT (blocked): relay_run's stop_fd. */
static int stop_signals(struct brig_err *e)
{
	sigset_t s;
	int fd;

	sigemptyset(&s);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGINT);
	if (sigprocmask(SIG_BLOCK, &s, NULL) < 0)
		return brig_errno(e, "block signals");
	if ((fd = signalfd(-1, &s, SFD_CLOEXEC)) < 0)
		return brig_errno(e, "signalfd");
	return fd;
}

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

struct relay_job {
	const struct brig_ctx *c;
	struct relay_rec rec;
	int ns_b;	    /* b's network namespace, opened before ours */
	int slot;	    /* which direction p is */
	const struct netem_params *p;
	struct relay_shm m;
	int fd_a, fd_b, stop;
};

/* In the relay, in its own netns: the shared file, the splice, the
 * sockets and the record.  The link is plain again on failure. */
static int relay_setup(struct relay_job *j, struct brig_err *e)
{
	char path[4096];

	if (relay_path(j->c, &j->rec.a, ".shm", path, sizeof(path), e) < 0 ||
	    relay_shared_open(path, true, &j->m, e) < 0 ||
	    relay_shared_set(&j->m, j->slot, j->p, e) < 0)
		return -e->code;
	if ((j->stop = stop_signals(e)) < 0)
		return j->stop;
	if (net_relay_splice(j->ns_b, j->rec.b.ifname, RELAY_SIDE_A, RELAY_SIDE_B, e) < 0)
		return brig_err_ctx(e, "splice the relay into %s:%s", j->rec.b.name,
				    j->rec.b.ifname);
	j->fd_a = relay_socket(RELAY_SIDE_A, e);
	j->fd_b = j->fd_a < 0 ? -1 : relay_socket(RELAY_SIDE_B, e);
	j->rec.pid = getpid();
	j->rec.starttime = proc_starttime(j->rec.pid);
	if (j->fd_a < 0 || j->fd_b < 0 || rec_save(j->c, &j->rec, e) < 0) {
		struct brig_err ignored;

		net_relay_unsplice(j->ns_b, j->rec.b.ifname, RELAY_SIDE_A, RELAY_SIDE_B, &ignored);
		return -e->code;
	}
	return 0;
}

static void report(int fd, const struct brig_err *e)
{
	ssize_t n;

	do
		n = write(fd, e, sizeof(*e));
	while (n < 0 && errno == EINTR);
	close(fd);
}

/* The relay: set up, say so over report_fd, then forward until stopped
 * (SIGTERM: the link is made plain again) or until an end is gone. */
static void __attribute__((noreturn)) relay_main(struct relay_job *j, int report_fd)
{
	struct brig_err e = { 0 };

	prctl(PR_SET_NAME, "brig-relay", 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (unshare(CLONE_NEWNET) < 0) {
		brig_errno(&e, "new network namespace for the relay");
		report(report_fd, &e);
		_exit(1);
	}
	if (relay_setup(j, &e) < 0) {
		rec_remove(j->c, &j->rec.a);
		report(report_fd, &e);
		_exit(1);
	}
	report(report_fd, &e);
	relay_run(j->fd_a, j->fd_b, &j->m, j->stop, &e);
	if (readable(j->stop))
		net_relay_unsplice(j->ns_b, j->rec.b.ifname, RELAY_SIDE_A, RELAY_SIDE_B, &e);
	rec_remove(j->c, &j->rec.a);
	_exit(0);
}

/* Fork the relay (detached: a grandchild in a session of its own, its
 * descriptors only the report pipe and b's namespace) and wait for its
 * word that it runs. */
static int relay_spawn(struct relay_job *j, struct brig_err *e)
{
	int p[2], status;
	pid_t mid;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0)
		return brig_errno(e, "pipe");
	if ((mid = fork()) < 0) {
		close(p[0]), close(p[1]);
		return brig_errno(e, "fork the relay");
	}
	if (mid == 0) {
		close(p[0]);
		setsid();
		if (chdir("/") < 0 || fd_to_null(0, 2) < 0)
			_exit(1);
		fd_close_except((int[]){ p[1], j->ns_b }, 2);
		if (fork() == 0)
			relay_main(j, p[1]);
		_exit(0);
	}
	close(p[1]);
	while (waitpid(mid, &status, 0) < 0 && errno == EINTR)
		;
	memset(e, 0, sizeof(*e));
	do
		n = read(p[0], e, sizeof(*e));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n != (ssize_t)sizeof(*e))
		return brig_errf(e, EIO, "the relay died before it ran");
	return e->code ? -e->code : 0;
}

static int relay_start(const struct brig_ctx *c, const struct netem_link *k, int slot,
		       const struct netem_params *p, struct brig_err *e)
{
	struct relay_job j = { .c = c, .slot = slot, .p = p, .fd_a = -1, .fd_b = -1, .stop = -1 };
	char dir[4096];
	int rc;

	j.rec.a = k->end[0];
	j.rec.b = k->end[1];
	snprintf(j.rec.lab, sizeof(j.rec.lab), "%s", k->lab);
	if (relay_dir(c, dir, sizeof(dir), e) < 0 || mkdir_p(dir, 0700, e) < 0)
		return -e->code;
	if ((j.ns_b = proc_ns_open(k->end[1].pid, "net", e)) < 0)
		return j.ns_b;
	rc = relay_spawn(&j, e);
	close(j.ns_b);
	return rc < 0 ? brig_err_ctx(e, "relay for %s:%s", k->end[0].name, k->end[0].ifname) : 0;
}

/* ---- stopping ---- */

/* SIGTERM (the relay makes the link plain) or SIGKILL (the link goes
 * with its ends), and wait, bounded, for it to end. */
static int relay_stop(const struct brig_ctx *c, const struct relay_rec *r, int sig,
		      struct brig_err *e)
{
	cleanup_close int pfd = proc_pidfd(r->pid);
	struct pollfd pf = { .fd = pfd, .events = POLLIN };

	if (pfd < 0 || !rec_alive(r)) {
		rec_remove(c, &r->a);
		return 0; /* gone already */
	}
	if (kill(r->pid, sig) < 0 && errno != ESRCH)
		return brig_errno(e, "signal relay %d", (int)r->pid);
	if (poll(&pf, 1, RELAY_STOP_MS) != 1)
		return brig_errf(e, ETIMEDOUT, "relay %d did not stop", (int)r->pid);
	rec_remove(c, &r->a);
	return 0;
}

int relay_set(const struct brig_ctx *c, const struct netem_link *k, int dir,
	      const struct netem_params *p, struct brig_err *e)
{
	struct netem_params now[2];
	struct netem_counters counts[2];
	struct relay_shm m = { .fd = -1 };
	struct relay_rec r;
	char path[4096];
	int slot = dir ^ k->relay_at, rc;

	if (!k->relay_pid)
		return relay_start(c, k, dir, p, e);
	if (!rec_find(c, &k->end[k->relay_at], &r))
		return brig_errf(e, ESRCH, "the relay of %s:%s is gone", k->end[0].name,
				 k->end[0].ifname);
	if (relay_path(c, &r.a, ".shm", path, sizeof(path), e) < 0 ||
	    relay_shared_open(path, false, &m, e) < 0)
		return -e->code;
	rc = relay_shared_set(&m, slot, p, e);
	relay_shared_read(&m, now, counts);
	relay_shared_close(&m);
	if (rc == 0 && netem_params_empty(&now[0]) && netem_params_empty(&now[1]))
		rc = relay_stop(c, &r, SIGTERM, e);
	return rc;
}

/* ---- listing ---- */

/* Call fn(arg, r, m) on every live relay's record and shared file. */
static void relay_each(const struct brig_ctx *c,
		       void (*fn)(void *arg, const struct relay_rec *r, const struct relay_shm *m),
		       void *arg)
{
	char dir[4096], path[4096 + 256];
	struct brig_err ignored;
	struct dirent *d;
	DIR *dh;

	if (relay_dir(c, dir, sizeof(dir), &ignored) < 0 || !(dh = opendir(dir)))
		return;
	while ((d = readdir(dh))) {
		size_t len = strlen(d->d_name);
		struct relay_shm m = { .fd = -1 };
		struct relay_rec r;

		if (len < 6 || strcmp(d->d_name + len - 5, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (!rec_live(c, path, &r))
			continue;
		if (relay_path(c, &r.a, ".shm", path, sizeof(path), &ignored) < 0 ||
		    relay_shared_open(path, false, &m, &ignored) < 0)
			continue;
		fn(arg, &r, &m);
		relay_shared_close(&m);
	}
	closedir(dh);
}

struct show {
	const char *filter, *ifname;
	struct netem_entry *v;
	size_t n;
	bool oom;
};

static bool shown(const struct show *s, const struct netem_end *x)
{
	return (!s->filter || !strcmp(s->filter, x->name) || !strncmp(s->filter, x->id,
								       strlen(s->filter))) &&
	       (!s->ifname || !strcmp(s->ifname, x->ifname));
}

/* An entry per impaired end, and per end whose direction dropped
 * packets anyway (the relay's queue or the kernel's buffers were full). */
static void show_one(void *arg, const struct relay_rec *r, const struct relay_shm *m)
{
	const struct netem_end *ends[2] = { &r->a, &r->b };
	struct netem_params p[2];
	struct netem_counters k[2];
	struct show *s = arg;

	relay_shared_read(m, p, k);
	for (int d = 0; d < 2; d++) {
		struct netem_entry *x, *v;

		if (!shown(s, ends[d]) || (netem_params_empty(&p[d]) && !k[d].dropped))
			continue;
		if (!(v = realloc(s->v, (s->n + 1) * sizeof(*v)))) {
			s->oom = true;
			return;
		}
		s->v = v;
		x = memset(&s->v[s->n++], 0, sizeof(*x));
		snprintf(x->container, sizeof(x->container), "%s", ends[d]->name);
		snprintf(x->ifname, sizeof(x->ifname), "%s", ends[d]->ifname);
		x->engine = NETEM_USER;
		x->params = p[d];
		netem_params_str(&p[d], x->text, sizeof(x->text));
		x->counters = k[d];
		x->relay = r->pid;
	}
}

int relay_show(const struct brig_ctx *c, const char *filter, const char *ifname,
	       struct netem_entry **v, size_t *n, struct brig_err *e)
{
	struct show s = { filter, ifname, *v, *n, false };

	relay_each(c, show_one, &s);
	*v = s.v;
	*n = s.n;
	return s.oom ? brig_errf(e, ENOMEM, "out of memory") : 0;
}

struct forget {
	const struct brig_ctx *c;
	const char *lab;
};

static void forget_one(void *arg, const struct relay_rec *r, const struct relay_shm *m)
{
	const struct forget *f = arg;
	struct brig_err ignored;

	(void)m;
	if (!strcmp(r->lab, f->lab))
		relay_stop(f->c, r, SIGKILL, &ignored);
}

void relay_forget_lab(const struct brig_ctx *c, const char *lab)
{
	struct forget f = { c, lab };

	relay_each(c, forget_one, &f);
}
