/* apiclient.c - the Docker Engine API's run sequence without the docker CLI
 * (bench-api.sh), as `docker run --rm` sends it: POST /containers/create
 * with HostConfig.AutoRemove, POST .../wait?condition=removed on a second
 * connection, POST .../start, then the wait's answer once the container is
 * gone.  The exit status is the container's (StatusCode), 100+ on a
 * protocol error.  Test-only; not part of brig.  Built by bench-api.sh
 * with cc.
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

static void send_request(const char *method, const char *path, const char *json)
{
	char req[4096];
	int len = snprintf(req, sizeof(req),
			   "%s " API "%s HTTP/1.1\r\nHost: docker\r\n"
			   "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
			   method, path, json ? strlen(json) : 0, json ? json : "");

	if (len < 0 || (size_t)len >= sizeof(req))
		die("request too long");
	if (write(fd, req, (size_t)len) != len)
		die("write: %s", strerror(errno));
}

/* Read a whole reply on fd (Content-Length or chunked) into body; returns
 * the status.  The buffer is fd's: a connection is switched only between
 * replies, when it holds nothing. */
static int read_reply(char *body, size_t size)
{
	char line[1024];
	size_t used = 0;
	long clen = -1;
	int status = 0, chunked = 0;

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

static int request(const char *method, const char *path, const char *json,
		   char *body, size_t size)
{
	send_request(method, path, json);
	return read_reply(body, size);
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0 || strlen(path) >= sizeof(sa.sun_path))
		die("socket %s", path);
	strcpy(sa.sun_path, path);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("connect %s: %s", path, strerror(errno));
	return s;
}

int main(int argc, char **argv)
{
	char create[2048], body[8192], path[256], id[80];
	const char *p, *net = "default";
	size_t n;
	int st, i, main_fd, wait_fd;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		net = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 3)
		die("usage: apiclient [-n NETWORKMODE] SOCKET IMAGE [CMD...]");
	main_fd = fd = connect_to(argv[1]);

	n = (size_t)snprintf(create, sizeof(create), "{\"Image\":\"%s\",\"Cmd\":[", argv[2]);
	for (i = 3; i < argc && n < sizeof(create) - 200; i++)
		n += (size_t)snprintf(create + n, sizeof(create) - n, "%s\"%s\"",
				      i > 3 ? "," : "", argv[i]);
	snprintf(create + n, sizeof(create) - n,
		 "],\"HostConfig\":{\"NetworkMode\":\"%s\",\"AutoRemove\":true}}", net);

	st = request("POST", "/containers/create", create, body, sizeof(body));
	p = strstr(body, "\"Id\"");
	if (st != 201 || !p || sscanf(p, "\"Id\"%*[ :]\"%64[0-9a-f]\"", id) != 1)
		die("create: %d %s", st, body);
	/* the wait first, on its own connection (the container may be gone
	 * before a wait sent after the start arrives) */
	wait_fd = fd = connect_to(argv[1]);
	snprintf(path, sizeof(path), "/containers/%s/wait?condition=removed", id);
	send_request("POST", path, NULL);
	fd = main_fd;
	snprintf(path, sizeof(path), "/containers/%s/start", id);
	st = request("POST", path, NULL, body, sizeof(body));
	if (st != 204)
		die("start: %d %s", st, body);
	fd = wait_fd;
	st = read_reply(body, sizeof(body));
	p = strstr(body, "\"StatusCode\"");
	if (st != 200 || !p)
		die("wait: %d %s", st, body);
	return atoi(p + strcspn(p, "0123456789"));
}
