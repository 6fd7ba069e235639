/* router.c - a request's route: the tables of the h_*.c files, matched
 * segment by segment.  "{x}" takes one segment, "{x*}" as many as leave
 * the rest of the pattern its own (an image name holds slashes:
 * /images/localhost:5000/a/b:1/json). */
#include <stdlib.h>
#include <string.h>

#include "conn.h"

static const struct api_route *const tables[] = {
	api_system_routes,
	api_container_routes,
	api_stream_routes,
	api_exec_routes,
	api_image_routes,
	api_network_routes,
	api_volume_routes,
	api_brig_routes,
};

#define MAX_SEGS 32

static size_t split(char *s, char *seg[MAX_SEGS])
{
	size_t n = 0;
	char *save = NULL;

	for (char *t = strtok_r(s, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (n == MAX_SEGS)
			return MAX_SEGS + 1;
		seg[n++] = t;
	}
	return n;
}

static char *join(char **seg, size_t n)
{
	size_t len = 0;
	char *s;

	for (size_t i = 0; i < n; i++)
		len += strlen(seg[i]) + 1;
	s = malloc(len + 1);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(s, "/");
		strcat(s, seg[i]);
	}
	return s;
}

static void params_free(char *params[API_MAX_PARAMS])
{
	for (size_t i = 0; i < API_MAX_PARAMS; i++) {
		free(params[i]);
		params[i] = NULL;
	}
}

/* Whether path's segments fit pattern's, params filled when they do. */
static bool match(const char *pattern, char **ps, size_t np, char *params[API_MAX_PARAMS])
{
	char pat[256], *pp[MAX_SEGS];
	size_t n, i = 0, j = 0, k = 0;

	snprintf(pat, sizeof(pat), "%s", pattern);
	n = split(pat, pp);
	for (; i < n; i++) {
		bool var = pp[i][0] == '{', star = var && strstr(pp[i], "*}");
		long rest = (long)np - (long)j - (long)(n - i - 1);
		size_t take = star ? (size_t)rest : 1;
		if (rest < 1 || j + take > np)
			return false;
		if (!var && strcmp(pp[i], ps[j]) != 0)
			return false;
		if (var && k < API_MAX_PARAMS && !(params[k++] = join(ps + j, take)))
			return false;
		j += take;
	}
	return j == np;
}

const struct api_route *api_route_find(const char *method, const char *path,
				       char *params[API_MAX_PARAMS])
{
	char copy[API_MAX_URL], *ps[MAX_SEGS];
	size_t np;

	snprintf(copy, sizeof(copy), "%s", path);
	np = split(copy, ps);
	if (np > MAX_SEGS)
		return NULL;
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct api_route *r = tables[t]; r->method; r++) {
			if (strcmp(r->method, method) != 0)
				continue;
			if (match(r->pattern, ps, np, params))
				return r;
			params_free(params);
		}
	return NULL;
}
