/* resolv.c - a container's /etc/resolv.conf (see resolv.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolv.h"

static bool starts_word(const char *line, const char *word)
{
	size_t n = strlen(word);

	return strncmp(line, word, n) == 0 && (line[n] == ' ' || line[n] == '\t');
}

static bool loopback_server(const char *line)
{
	const char *v = line + strlen("nameserver");

	v += strspn(v, " \t");
	return strncmp(v, "127.", 4) == 0 || strncmp(v, "::1", 3) == 0;
}

/* Keep a host line unless the container's options replace it. */
static bool keep_host_line(const char *line, const struct resolv_opts *o)
{
	if (starts_word(line, "nameserver"))
		return !o->dns && o->reachable && !loopback_server(line);
	if (starts_word(line, "search") || starts_word(line, "domain"))
		return !o->search;
	if (starts_word(line, "options"))
		return !o->options;
	return line[0] == '#' || line[0] == ';';
}

static void put_list(FILE *f, const char *key, char *const *v, bool one_line)
{
	if (!v || !v[0])
		return;
	for (size_t i = 0; v[i]; i++) {
		if (!one_line || i == 0)
			fprintf(f, "%s%s", i ? "\n" : "", key);
		fprintf(f, " %s", v[i]);
	}
	fputc('\n', f);
}

char *resolv_text(const char *host_text, const struct resolv_opts *o)
{
	char *out = NULL, *copy = host_text ? strdup(host_text) : NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f || (host_text && !copy)) {
		if (f)
			fclose(f);
		free(out);
		free(copy);
		return NULL;
	}
	fputs("# written by brig\n", f);
	for (char *save, *l = copy ? strtok_r(copy, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save))
		if (keep_host_line(l, o))
			fprintf(f, "%s\n", l);
	put_list(f, "nameserver", o->dns, false);
	put_list(f, "search", o->search, true);
	put_list(f, "options", o->options, true);
	free(copy);
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}
