/* h_system.c - /_ping, /version, /info: what a client asks first, to
 * negotiate the API version and show `docker version` / `docker info`. */
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "api.h"
#include "events.h"
#include "images.h"
#include "inspect.h"
#include "util.h"

static int ping(struct api_req *r)
{
	return api_reply_raw(r, 200, "text/plain; charset=utf-8", "OK", 2);
}

static json_t *version_doc(void)
{
	struct utsname u;

	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	return json_pack("{s:{s:s}, s:[{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s}}],"
			 " s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			 "Platform", "Name", "brig",
			 "Components", "Name", "Engine", "Version", BRIG_SERVER_VERSION,
			 "Details", "ApiVersion", API_VERSION, "MinAPIVersion", API_MIN_VERSION,
			 "GitCommit", "brig", "GoVersion", "none (C)", "Os", "linux", "Arch", "amd64",
			 "KernelVersion", u.release,
			 "Version", BRIG_SERVER_VERSION, "ApiVersion", API_VERSION,
			 "MinAPIVersion", API_MIN_VERSION, "GitCommit", "brig", "GoVersion", "none (C)",
			 "Os", "linux", "Arch", "amd64", "KernelVersion", u.release,
			 "BuildTime", "");
}

static int version(struct api_req *r)
{
	return api_reply_json(r, 200, version_doc());
}

/* How many containers there are, running or stopped. */
static void count_containers(const struct brig_ctx *c, json_t *doc)
{
	struct container_summary *v = NULL;
	struct brig_err e;
	size_t n = 0, running = 0;

	if (container_list(c, true, &v, &n, &e) == 0)
		for (size_t i = 0; i < n; i++)
			running += v[i].status == CONTAINER_RUNNING;
	free(v);
	json_object_set_new(doc, "Containers", json_integer((json_int_t)n));
	json_object_set_new(doc, "ContainersRunning", json_integer((json_int_t)running));
	json_object_set_new(doc, "ContainersPaused", json_integer(0));
	json_object_set_new(doc, "ContainersStopped", json_integer((json_int_t)(n - running)));
}

static json_int_t count_images(const struct brig_ctx *c)
{
	json_t *list = NULL;
	struct brig_err e;
	json_int_t n = 0;

	if (images_list(c, &list, &e) == 0)
		n = (json_int_t)json_array_size(list);
	json_decref(list);
	return n;
}

static int info(struct api_req *r)
{
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	char host[256] = "";
	struct utsname u;
	json_t *doc;

	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	gethostname(host, sizeof(host) - 1);
	doc = json_pack("{s:s, s:I, s:s, s:[], s:{}, s:b, s:b, s:b, s:b, s:s, s:s, s:s, s:s,"
			" s:i, s:I, s:s, s:s, s:[], s:s, s:s, s:s, s:[s], s:{}, s:s,"
			" s:{s:s, s:b}, s:{s:{}, s:[]}, s:b, s:b}",
			"ID", "brig", "Images", count_images(r->c), "Driver", "overlay2",
			"DriverStatus", "Plugins", "MemoryLimit", 1, "SwapLimit", 0,
			"CpuCfsPeriod", 1, "CpuCfsQuota", 1, "KernelVersion", u.release,
			"OperatingSystem", "Linux", "OSType", "linux", "Architecture", u.machine,
			"NCPU", (int)sysconf(_SC_NPROCESSORS_ONLN),
			"MemTotal", (json_int_t)pages * psize, "DockerRootDir", r->c->root,
			"Name", host, "Labels", "ServerVersion", BRIG_SERVER_VERSION,
			"CgroupDriver", "cgroupfs", "CgroupVersion", "1",
			"SecurityOptions", "name=seccomp,profile=builtin", "Runtimes",
			"DefaultRuntime", "brig", "Swarm", "LocalNodeState", "inactive",
			"ControlAvailable", 0, "RegistryConfig", "IndexConfigs",
			"InsecureRegistryCIDRs", "IPv4Forwarding", 1, "Debug", api_debug);
	if (!doc)
		return api_reply_error(r, 500, "out of memory");
	count_containers(r->c, doc);
	return api_reply_json(r, 200, doc);
}

/* One event per line; the reader's idle heartbeat (ev NULL) checks that
 * the client is still there. */
static int event_out(void *arg, json_t *ev)
{
	struct api_req *r = arg;

	if (!ev)
		return api_client_gone(r) ? -1 : 0;
	return api_stream_json(r, json_incref(ev));
}

static int events(struct api_req *r)
{
	const char *q = api_query(r, "filters");
	struct events_filter f = { 0 };
	struct brig_err e;
	int rc = 0;

	if (q && *q)
		rc = events_filter_from_json(&f, q, strlen(q), &e);
	if (rc == 0)
		rc = events_filter_times(&f, api_query(r, "since"), api_query(r, "until"), now_ns(),
					 &e);
	if (rc < 0) {
		events_filter_free(&f);
		return api_reply_err(r, &e);
	}
	rc = api_stream_begin(r, 200, "application/json");
	if (rc == 0 && events_read(r->c, &f, true, event_out, r, &e) == 0)
		rc = api_stream_end(r);
	events_filter_free(&f);
	return rc < 0 ? -1 : 0;
}

const struct api_route api_system_routes[] = {
	{ "GET", "/_ping", ping, 0 },
	{ "HEAD", "/_ping", ping, 0 },
	{ "GET", "/version", version, 0 },
	{ "GET", "/info", info, 0 },
	{ "GET", "/events", events, 0 },
	{ NULL, NULL, NULL, 0 },
};
