/* probe_fmt.c - pingall's matrix line, bit rates both ways, NODE[:IFACE]
 * (probe_fmt.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe_fmt.h"

#define RATE_MAX 100e9

static const struct {
	char letter;
	double mul;
} rate_units[] = { { 'k', 1e3 }, { 'm', 1e6 }, { 'g', 1e9 } };

int probe_parse_rate(const char *s, uint64_t *bps, struct brig_err *e)
{
	char *end;
	double v, mul = 1;

	if (!s || !*s || !((*s >= '0' && *s <= '9') || *s == '.'))
		goto bad;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v))
		goto bad;
	for (size_t i = 0; i < sizeof(rate_units) / sizeof(rate_units[0]); i++)
		if ((*end | 0x20) == rate_units[i].letter) {
			mul = rate_units[i].mul;
			end++;
			break;
		}
	if (*end && strcasecmp(end, "bit") != 0 && strcasecmp(end, "bit/s") != 0 &&
	    strcasecmp(end, "bps") != 0)
		goto bad;
	v *= mul;
	if (v < 1 || v > RATE_MAX)
		goto bad;
	*bps = (uint64_t)(v + 0.5);
	return 0;
bad:
	return brig_errf(e, EINVAL,
			 "invalid rate '%s': bits per second, e.g. 10M, 1.5G, 500kbit (1 bit/s to 100G)",
			 s ? s : "");
}

const char *probe_fmt_rate(double bps, char *buf, size_t len)
{
	if (bps >= 1e9)
		snprintf(buf, len, "%.2f Gbit/s", bps / 1e9);
	else if (bps >= 1e6)
		snprintf(buf, len, "%.2f Mbit/s", bps / 1e6);
	else if (bps >= 1e3)
		snprintf(buf, len, "%.2f Kbit/s", bps / 1e3);
	else
		snprintf(buf, len, "%.0f bit/s", bps);
	return buf;
}

unsigned probe_drop_percent(unsigned sent, unsigned received)
{
	unsigned lost, pct;

	if (sent == 0)
		return 0;
	lost = received >= sent ? 0 : sent - received;
	pct = (unsigned)(((uint64_t)lost * 100 + sent / 2) / sent);
	if (lost && pct == 0)
		return 1;
	if (lost < sent && pct == 100)
		return 99;
	return pct;
}

/* Append s to buf (len), keeping it terminated; false when it was cut. */
static void append(char *buf, size_t len, size_t *at, const char *s)
{
	int n = snprintf(buf + *at, len - *at, "%s", s);

	if (n > 0)
		*at = *at + (size_t)n < len ? *at + (size_t)n : len - 1;
}

const char *probe_fmt_matrix_line(const struct lab_pingall *r, size_t from, char *buf,
				  size_t len)
{
	size_t at = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	append(buf, len, &at, r->nodes[from]);
	append(buf, len, &at, " ->");
	for (size_t to = 0; to < r->n_nodes; to++) {
		unsigned sent = 0, rcvd = 0, addrs = 0;
		char word[LAB_NAME_MAX + 32];
		if (to == from)
			continue;
		for (size_t k = 0; k < r->n_pings; k++)
			if (r->pings[k].from == from && r->pings[k].to == to) {
				sent += r->pings[k].sent;
				rcvd += r->pings[k].received;
				addrs++;
			}
		if (!addrs)
			snprintf(word, sizeof(word), " %s(-)", r->nodes[to]);
		else if (rcvd >= sent && sent)
			snprintf(word, sizeof(word), " %s", r->nodes[to]);
		else if (rcvd == 0)
			snprintf(word, sizeof(word), " X");
		else
			snprintf(word, sizeof(word), " %s(%u/%u)", r->nodes[to], rcvd, sent);
		append(buf, len, &at, word);
	}
	return buf;
}

int probe_parse_target(const char *s, char *node, size_t len, char iface[16],
		       struct brig_err *e)
{
	const char *colon = strrchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	if (n == 0 || n >= len)
		return brig_errf(e, EINVAL, "invalid target '%s': NODE or NODE:IFACE", s);
	memcpy(node, s, n);
	node[n] = '\0';
	if (!colon) {
		snprintf(iface, 16, "eth0");
		return 0;
	}
	if (!colon[1] || strlen(colon + 1) >= 16)
		return brig_errf(e, EINVAL, "invalid interface in '%s': 1 to 15 characters", s);
	snprintf(iface, 16, "%s", colon + 1);
	return 0;
}

const char *probe_fmt_ip(uint32_t addr, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff, (addr >> 8) & 0xff,
		 addr & 0xff);
	return buf;
}
