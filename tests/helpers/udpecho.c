/* udpecho.c - a UDP responder and client for ports.bats (busybox's nc
 * has no UDP).  Static, bind-mounted into busybox containers.
 *
 *   udpecho PORT            answer every datagram with "echo:" + its text
 *   udpecho HOST PORT TEXT  send TEXT, print the answer; exit 1 when none
 *                           comes within 2 s */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int serve(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	char buf[512], out[600];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("udpecho: bind");
		return 1;
	}
	for (;;) {
		struct sockaddr_in from;
		socklen_t len = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &len);
		if (n < 0)
			continue;
		buf[n] = '\0';
		n = snprintf(out, sizeof(out), "echo:%s", buf);
		sendto(fd, out, (size_t)n, 0, (struct sockaddr *)&from, len);
	}
}

static int ask(const char *host, int port, const char *text)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { 2, 0 };
	char buf[600];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	ssize_t n;

	if (fd < 0 || inet_pton(AF_INET, host, &a.sin_addr) != 1)
		return 2;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(fd, text, strlen(text), 0, (struct sockaddr *)&a, sizeof(a)) < 0)
		return 1;
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return 1;
	buf[n] = '\0';
	printf("%s\n", buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2)
		return serve(atoi(argv[1]));
	if (argc == 4)
		return ask(argv[1], atoi(argv[2]), argv[3]);
	fprintf(stderr, "usage: udpecho PORT | udpecho HOST PORT TEXT\n");
	return 2;
}
