/* rootless.c - are we in a user namespace of our own (rootless brig), and
 * which ids does it map.  See rootless.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "io.h"
#include "rootless.h"

/* One unsigned decimal field of at most 10 digits, below 2^32. */
static const char *field(const char *p, const char *end, uint32_t *v)
{
	uint64_t x = 0;
	int digits = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (p < end && *p >= '0' && *p <= '9' && digits < 11) {
		x = x * 10 + (uint64_t)(*p++ - '0');
		digits++;
	}
	if (digits == 0 || digits > 10 || x > UINT32_MAX)
		return NULL;
	*v = (uint32_t)x;
	return p;
}

static int parse_line(const char *p, const char *end, struct rootless_range *r)
{
	if (!(p = field(p, end, &r->inside)) || !(p = field(p, end, &r->outside)) ||
	    !(p = field(p, end, &r->count)))
		return -1;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p == end && r->count > 0 ? 0 : -1;
}

int rootless_map_parse(const char *text, size_t len, struct rootless_range *out, size_t max)
{
	const char *p = text, *end = text + len;
	size_t n = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		if (eol > p) {
			if (n == max || parse_line(p, eol, &out[n]) < 0)
				return -1;
			n++;
		}
		p = nl ? nl + 1 : end;
	}
	return (int)n;
}

bool rootless_map_is_identity(const struct rootless_range *r, size_t n)
{
	return n == 1 && r[0].inside == 0 && r[0].outside == 0 && r[0].count == UINT32_MAX;
}

bool rootless_map_covers(const struct rootless_range *r, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= r[i].inside && id - r[i].inside < r[i].count)
			return true;
	return false;
}

static struct {
	bool read;
	int n_uid, n_gid; /* -1: unreadable (taken as no namespace) */
	struct rootless_range uid[ROOTLESS_MAP_MAX], gid[ROOTLESS_MAP_MAX];
} self;

static int read_map(const char *path, struct rootless_range *r)
{
	cleanup_free char *text = NULL;
	struct brig_err ignore;
	size_t len;

	if (read_file(path, &text, &len, &ignore) < 0)
		return -1;
	return rootless_map_parse(text, len, r, ROOTLESS_MAP_MAX);
}

static void read_self(void)
{
	if (self.read)
		return;
	self.n_uid = read_map("/proc/self/uid_map", self.uid);
	self.n_gid = read_map("/proc/self/gid_map", self.gid);
	self.read = true;
}

bool rootless_active(void)
{
	read_self();
	return self.n_uid > 0 && !rootless_map_is_identity(self.uid, (size_t)self.n_uid);
}

void rootless_forget(void) { self.read = false; }

bool rootless_id_mapped(bool gid, uint32_t id)
{
	int n;

	read_self();
	n = gid ? self.n_gid : self.n_uid;
	if (n <= 0)
		return true; /* unknown: let the kernel decide */
	return rootless_map_covers(gid ? self.gid : self.uid, (size_t)n, id);
}
