/* client_proto.c - -H values, stdcopy frames, HTTP answer heads
 * (client_proto.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client_proto.h"

#define UNIX_SCHEME "unix://"

int client_parse_host(const char *url, char path[CLIENT_PATH_MAX], struct brig_err *e)
{
	const char *p = url;
	size_t n;

	if (strncmp(p, UNIX_SCHEME, strlen(UNIX_SCHEME)) != 0)
		return brig_errf(e, EINVAL, "invalid host '%s': brig speaks to unix://PATH only",
				 url);
	p += strlen(UNIX_SCHEME);
	n = strlen(p);
	if (p[0] != '/' || n >= CLIENT_PATH_MAX)
		return brig_errf(e, EINVAL, "invalid host '%s': the socket needs an absolute path "
				 "of at most %d bytes", url, CLIENT_PATH_MAX - 1);
	memcpy(path, p, n + 1);
	return 0;
}

void client_escape(const char *s, char *out, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s && o + 4 <= len; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    strchr("-._~", ch)) {
			out[o++] = (char)ch;
		} else {
			out[o++] = '%';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		}
	}
	if (len)
		out[o < len ? o : len - 1] = '\0';
}

/* ---- stdcopy ---- */

static int header(struct stdcopy_reader *r)
{
	const unsigned char *h = r->hdr;

	if (h[0] > 2 || h[1] || h[2] || h[3]) {
		errno = EPROTO;
		return -1;
	}
	r->stream = h[0];
	r->left = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
	r->have = 0;
	return 0;
}

int stdcopy_feed(struct stdcopy_reader *r, const char *buf, size_t len, stdcopy_out out,
		 void *arg)
{
	while (len > 0) {
		size_t take;
		if (r->left == 0) {
			take = sizeof(r->hdr) - r->have < len ? sizeof(r->hdr) - r->have : len;
			memcpy(r->hdr + r->have, buf, take);
			r->have += take;
			if (r->have == sizeof(r->hdr) && header(r) < 0)
				return -1;
		} else {
			take = r->left < len ? r->left : len;
			r->left -= (uint32_t)take; /* out sees what is left after this piece */
			if (out(arg, r->stream, buf, take) < 0)
				return -1;
		}
		buf += take;
		len -= take;
	}
	return 0;
}

bool stdcopy_at_boundary(const struct stdcopy_reader *r)
{
	return r->left == 0 && r->have == 0;
}

/* ---- HTTP answer heads ---- */

/* The end of the head: the offset past "\r\n\r\n", or 0. */
static size_t head_end(const char *buf, size_t len)
{
	for (size_t i = 3; i < len; i++)
		if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r')
			return i + 1;
	return 0;
}

/* A Content-Length value: digits only, below 2^40; -1 otherwise. */
static long content_length(const char *v, size_t len)
{
	long n = 0;

	if (len == 0 || len > 12)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		n = n * 10 + (v[i] - '0');
	}
	return n;
}

/* One "Name: value" line [p, end) into a. */
static void header_line(const char *p, const char *end, struct http_answer *a)
{
	const char *colon = memchr(p, ':', (size_t)(end - p)), *v;
	size_t name, vlen;

	if (!colon)
		return;
	name = (size_t)(colon - p);
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	vlen = (size_t)(end - v);
	if (name == 12 && strncasecmp(p, "Content-Type", 12) == 0)
		snprintf(a->ctype, sizeof(a->ctype), "%.*s", (int)vlen, v);
	else if (name == 14 && strncasecmp(p, "Content-Length", 14) == 0)
		a->length = content_length(v, vlen);
	else if (name == 17 && strncasecmp(p, "Transfer-Encoding", 17) == 0)
		a->chunked = vlen >= 7 && strncasecmp(v, "chunked", 7) == 0;
	else if (name == 7 && strncasecmp(p, "Upgrade", 7) == 0)
		a->upgraded = true;
}

static int status_line(const char *p, const char *end, struct http_answer *a)
{
	if (end - p < 12 || strncmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ')
		return -1;
	for (int i = 9; i < 12; i++)
		if (p[i] < '0' || p[i] > '9')
			return -1;
	a->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	return end - p == 12 || p[12] == ' ' ? 0 : -1;
}

long http_answer_parse(const char *buf, size_t len, struct http_answer *a)
{
	size_t n = head_end(buf, len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX);
	const char *p = buf, *end;

	memset(a, 0, sizeof(*a));
	a->length = -1;
	if (!n)
		return len < HTTP_HEAD_MAX ? 0 : -1;
	for (bool first = true; (end = memmem(p, (size_t)(buf + n - p), "\r\n", 2)) && end > p;
	     first = false, p = end + 2) {
		if (first && status_line(p, end, a) < 0)
			return -1;
		if (!first)
			header_line(p, end, a);
	}
	return a->status ? (long)n : -1;
}
