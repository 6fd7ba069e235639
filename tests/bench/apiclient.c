/* apiclient.c - the Docker Engine API's run sequence without the docker CLI
 * (bench-api.sh): POST /containers/create, POST .../start, POST .../wait,
 * DELETE /containers/ID, on one keep-alive connection to a unix socket.
 * The exit status is the container's (StatusCode), 100+ on a protocol
 * error.  Test-only; not part of brig.  Built by bench-api.sh with cc.
 *
 *   apiclient [-n NETWORKMODE] SOCKET IMAGE [CMD...]
 * (HostConfig.NetworkMode: "default" unless -n is given.)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define API "/v1.41"

static int fd;
static char buf[1 << 16];
static size_t have, off;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("apiclient: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(101);
}

static int getbyte(void)
{
	ssize_t n;

	if (off == have) {
		do
			n = read(fd, buf, sizeof(buf));
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			die("connection closed mid-reply");
		have = (size_t)n;
		off = 0;
	}
	return (unsigned char)buf[off++];
}

static void getline_(char *line, size_t size)
{
	size_t n = 0;
	int ch;

	while ((ch = getbyte()) != '\n')
		if (n + 1 < size && ch != '\r')
			line[n++] = (char)ch;
	line[n] = 0;
}

static void getn(char *out, size_t len, size_t size, size_t *used)
{
	while (len--) {
		int ch = getbyte();

		if (*used + 1 < size)
			out[(*used)++] = (char)ch;
	}
	out[*used] = 0;
}

/* request: send one request, read the whole reply (Content-Length or
 * chunked) into body; returns the status. */
static int request(const char *method, const char *path, const char *json,
		   char *body, size_t size)
{
	char req[4096], line[1024];
	size_t used = 0;
	long clen = -1;
	int status = 0, chunked = 0, len;

	len = snprintf(req, sizeof(req),
		       "%s " API "%s HTTP/1.1\r\nHost: docker\r\n"
		       "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
		       method, path, json ? strlen(json) : 0, json ? json : "");
	if (len < 0 || (size_t)len >= sizeof(req))
		die("request too long");
	if (write(fd, req, (size_t)len) != len)
		die("write: %s", strerror(errno));
	getline_(line, sizeof(line));
	if (sscanf(line, "HTTP/1.%*d %d", &status) != 1)
		die("bad status line '%s'", line);
	for (;;) {
		getline_(line, sizeof(line));
		if (!*line)
			break;
		if (!strncasecmp(line, "Content-Length:", 15))
			clen = atol(line + 15);
		if (!strncasecmp(line, "Transfer-Encoding:", 18) && strstr(line, "chunked"))
			chunked = 1;
	}
	if (chunked) {
		for (;;) {
			long n;

			getline_(line, sizeof(line));
			n = strtol(line, NULL, 16);
			if (n <= 0)
				break;
			getn(body, (size_t)n, size, &used);
			getline_(line, sizeof(line));
		}
		getline_(line, sizeof(line)); /* the empty trailer */
	} else if (clen > 0) {
		getn(body, (size_t)clen, size, &used);
	}
	body[used] = 0;
	return status;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char create[2048], body[8192], path[256], id[80];
	const char *p, *net = "default";
	size_t n;
	int st, i;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		net = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 3)
		die("usage: apiclient [-n NETWORKMODE] SOCKET IMAGE [CMD...]");
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || strlen(argv[1]) >= sizeof(sa.sun_path))
		die("socket: %s", strerror(errno));
	strcpy(sa.sun_path, argv[1]);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("connect %s: %s", argv[1], strerror(errno));

	n = (size_t)snprintf(create, sizeof(create), "{\"Image\":\"%s\",\"Cmd\":[", argv[2]);
	for (i = 3; i < argc && n < sizeof(create) - 200; i++)
		n += (size_t)snprintf(create + n, sizeof(create) - n, "%s\"%s\"",
				      i > 3 ? "," : "", argv[i]);
	snprintf(create + n, sizeof(create) - n,
		 "],\"HostConfig\":{\"NetworkMode\":\"%s\"}}", net);

	st = request("POST", "/containers/create", create, body, sizeof(body));
	p = strstr(body, "\"Id\"");
	if (st != 201 || !p || sscanf(p, "\"Id\"%*[ :]\"%64[0-9a-f]\"", id) != 1)
		die("create: %d %s", st, body);
	snprintf(path, sizeof(path), "/containers/%s/start", id);
	st = request("POST", path, NULL, body, sizeof(body));
	if (st != 204)
		die("start: %d %s", st, body);
	snprintf(path, sizeof(path), "/containers/%s/wait", id);
	st = request("POST", path, NULL, body, sizeof(body));
	p = strstr(body, "\"StatusCode\"");
	if (st != 200 || !p)
		die("wait: %d %s", st, body);
	i = atoi(p + strcspn(p, "0123456789"));
	snprintf(path, sizeof(path), "/containers/%s", id);
	st = request("DELETE", path, NULL, body, sizeof(body));
	if (st != 204)
		die("delete: %d %s", st, body);
	return i;
}
