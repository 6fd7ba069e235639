/* split.c - record and replay a layer's tar stream (split.h). */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "split.h"
#include "util.h"

#define BLOCK 512

struct split {
	FILE *f;
	bool failed;
	unsigned char hdr[BLOCK];
	size_t have;	      /* bytes of hdr filled */
	uint64_t skip;	      /* content bytes still to drop */
	uint64_t keep;	      /* metadata/padding bytes still to keep */
	uint64_t pax_size;    /* a pax "size=" for the next entry (0: none) */
	bool pax_size_set;
	char name[PATH_MAX];  /* a pax path= or GNU long name for the next entry */
	char *meta;	      /* content of a metadata entry being kept */
	size_t meta_len, meta_cap;
	char meta_type;
	bool ended;	      /* past the end-of-archive blocks: all verbatim */
};

struct split *split_open(const char *path)
{
	struct split *sp = calloc(1, sizeof(*sp));

	if (!sp)
		return NULL;
	sp->f = fopen(path, "we");
	if (!sp->f) {
		free(sp);
		return NULL;
	}
	return sp;
}

static void put_verbatim(struct split *sp, const void *buf, size_t len)
{
	uint32_t n = (uint32_t)len;

	if (!len)
		return;
	if (fputc('V', sp->f) == EOF || fwrite(&n, sizeof(n), 1, sp->f) != 1 ||
	    fwrite(buf, 1, len, sp->f) != len)
		sp->failed = true;
}

static void put_file(struct split *sp, uint64_t size, const char *path)
{
	uint16_t n = (uint16_t)strlen(path);

	if (fputc('F', sp->f) == EOF || fwrite(&size, sizeof(size), 1, sp->f) != 1 ||
	    fwrite(&n, sizeof(n), 1, sp->f) != 1 || fwrite(path, 1, n, sp->f) != n)
		sp->failed = true;
}

/* A ustar numeric field: octal, or base-256 when the top bit is set. */
static bool field_num(const unsigned char *p, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (p[0] & 0x80) {
		if (p[0] & 0x40)
			return false; /* negative */
		v = p[0] & 0x3f;
		for (i = 1; i < len; i++) {
			if (v >> 55)
				return false;
			v = (v << 8) | p[i];
		}
		*out = v;
		return true;
	}
	while (i < len && (p[i] == ' ' || p[i] == '\0'))
		i++;
	for (; i < len && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v >> 60)
			return false;
		v = v * 8 + (uint64_t)(p[i] - '0');
	}
	*out = v;
	return true;
}

/* pax records "LEN key=value\n": the size and path of the next entry. */
static void parse_pax(struct split *sp)
{
	const char *p = sp->meta, *end = sp->meta + sp->meta_len;

	while (p < end) {
		char *sp_;
		unsigned long len = strtoul(p, &sp_, 10);
		const char *rec = sp_ + 1, *eq;
		if (!len || sp_ >= end || *sp_ != ' ' || p + len > end)
			return;
		eq = memchr(rec, '=', (size_t)(p + len - rec));
		if (eq && eq - rec == 4 && !strncmp(rec, "size", 4)) {
			sp->pax_size = strtoull(eq + 1, NULL, 10);
			sp->pax_size_set = true;
		} else if (eq && eq - rec == 4 && !strncmp(rec, "path", 4)) {
			snprintf(sp->name, sizeof(sp->name), "%.*s", (int)(p + len - eq - 2), eq + 1);
		}
		p += len;
	}
}

static void meta_done(struct split *sp)
{
	if (sp->meta_type == 'x')
		parse_pax(sp);
	else if (sp->meta_type == 'L')
		snprintf(sp->name, sizeof(sp->name), "%.*s", (int)strnlen(sp->meta, sp->meta_len),
			 sp->meta);
	sp->meta_len = 0;
	sp->meta_type = 0;
}

/* A full header block in sp->hdr. */
static void header(struct split *sp)
{
	static const unsigned char zero[BLOCK];
	char type = (char)sp->hdr[156], name[PATH_MAX], rel[PATH_MAX];
	uint64_t size;
	struct brig_err ignored;

	put_verbatim(sp, sp->hdr, BLOCK);
	if (!memcmp(sp->hdr, zero, BLOCK)) {
		sp->ended = true;
		return;
	}
	if (!field_num(sp->hdr + 124, 12, &size)) {
		sp->failed = true;
		return;
	}
	if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
		sp->meta_type = type;
		sp->meta_len = 0;
		if (size > (1 << 20)) {
			sp->failed = true;
			return;
		}
		sp->keep = (size + BLOCK - 1) / BLOCK * BLOCK;
		sp->skip = 0;
		sp->meta_len = 0;
		if (sp->meta_cap < size + 1) {
			char *m = realloc(sp->meta, size + 1);
			if (!m) {
				sp->failed = true;
				return;
			}
			sp->meta = m;
			sp->meta_cap = size + 1;
		}
		sp->pax_size_set = sp->pax_size_set && type != 'g';
		return;
	}
	if (sp->pax_size_set)
		size = sp->pax_size;
	if (sp->name[0])
		snprintf(name, sizeof(name), "%s", sp->name);
	else if (sp->hdr[345])
		snprintf(name, sizeof(name), "%.155s/%.100s", (char *)sp->hdr + 345,
			 (char *)sp->hdr);
	else
		snprintf(name, sizeof(name), "%.100s", (char *)sp->hdr);
	sp->name[0] = '\0';
	sp->pax_size_set = false;
	if ((type == '0' || type == '\0' || type == '7') && size > 0) {
		if (safe_join("", name, rel, sizeof(rel), &ignored) < 0) {
			sp->failed = true;
			return;
		}
		put_file(sp, size, rel[1] ? rel + 1 : ".");
		sp->skip = size;
		sp->keep = (BLOCK - size % BLOCK) % BLOCK;
	} else {
		sp->keep = (size + BLOCK - 1) / BLOCK * BLOCK;
		if (type == '1' || type == '2' || type == '3' || type == '4' || type == '5' ||
		    type == '6')
			sp->keep = 0; /* no content */
	}
}

void split_feed(struct split *sp, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (sp && !sp->failed && len) {
		size_t n;
		if (sp->ended) {
			put_verbatim(sp, p, len);
			return;
		}
		if (sp->skip) {
			n = len < sp->skip ? len : (size_t)sp->skip;
			sp->skip -= n;
		} else if (sp->keep) {
			n = len < sp->keep ? len : (size_t)sp->keep;
			if (sp->meta_type) {
				size_t room = sp->meta_cap - 1 - sp->meta_len, c = n < room ? n : room;
				memcpy(sp->meta + sp->meta_len, p, c);
				sp->meta_len += c;
			}
			put_verbatim(sp, p, n);
			sp->keep -= n;
			if (!sp->keep && sp->meta_type)
				meta_done(sp);
		} else {
			n = BLOCK - sp->have < len ? BLOCK - sp->have : len;
			memcpy(sp->hdr + sp->have, p, n);
			sp->have += n;
			if (sp->have == BLOCK) {
				sp->have = 0;
				header(sp);
			}
		}
		p += n;
		len -= n;
	}
}

int split_close(struct split *sp)
{
	int r;

	if (!sp)
		return -1;
	if (sp->have)
		put_verbatim(sp, sp->hdr, sp->have);
	r = sp->failed || sp->skip ? -1 : 0;
	if (fclose(sp->f) != 0)
		r = -1;
	free(sp->meta);
	free(sp);
	return r;
}

static int replay_file(FILE *out, struct sha256 *h, const char *dir, const char *rel,
		       uint64_t size, struct brig_err *e)
{
	char path[PATH_MAX * 2], buf[64 * 1024];
	cleanup_close int fd = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return brig_errno(e, "layer file %s", rel);
	while (size) {
		ssize_t n = read(fd, buf, size < sizeof(buf) ? size : sizeof(buf));
		if (n <= 0)
			return brig_errf(e, EIO, "layer file %s: shorter than recorded", rel);
		if (out && fwrite(buf, 1, (size_t)n, out) != (size_t)n)
			return brig_errno(e, "write");
		sha256_update(h, buf, (size_t)n);
		size -= (uint64_t)n;
	}
	return 0;
}

int split_replay(const char *split_path, const char *dir, FILE *out, char diff_id[DIGEST_MAX],
		 struct brig_err *e)
{
	cleanup_fclose FILE *in = fopen(split_path, "re");
	struct sha256 h;
	char buf[64 * 1024];
	int c, r = 0;

	if (!in)
		return brig_errno(e, "open %s", split_path);
	if (sha256_init(&h, e) < 0)
		return -e->code;
	while (r == 0 && (c = fgetc(in)) != EOF) {
		if (c == 'V') {
			uint32_t n;
			if (fread(&n, sizeof(n), 1, in) != 1)
				r = brig_errf(e, EINVAL, "%s: truncated", split_path);
			while (r == 0 && n) {
				size_t k = fread(buf, 1, n < sizeof(buf) ? n : sizeof(buf), in);
				if (!k) {
					r = brig_errf(e, EINVAL, "%s: truncated", split_path);
					break;
				}
				if (out && fwrite(buf, 1, k, out) != k)
					r = brig_errno(e, "write");
				sha256_update(&h, buf, k);
				n -= (uint32_t)k;
			}
		} else if (c == 'F') {
			uint64_t size;
			uint16_t n;
			char rel[PATH_MAX];
			if (fread(&size, sizeof(size), 1, in) != 1 || fread(&n, sizeof(n), 1, in) != 1 ||
			    n >= sizeof(rel) || fread(rel, 1, n, in) != n)
				r = brig_errf(e, EINVAL, "%s: truncated", split_path);
			else {
				rel[n] = '\0';
				r = replay_file(out, &h, dir, rel, size, e);
			}
		} else {
			r = brig_errf(e, EINVAL, "%s: corrupt", split_path);
		}
	}
	if (r < 0) {
		sha256_free(&h);
		return r;
	}
	memcpy(diff_id, "sha256:", 7);
	sha256_final(&h, diff_id + 7);
	return 0;
}
