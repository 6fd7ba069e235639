/* fuzz_logidx.c - libFuzzer target: the log reader (logread.c) on an
 * arbitrary log and index.  The first bytes choose the options (lines,
 * tail, a since/until window, a stream left out) and where the index ends
 * and the log begins.  Whatever the index says, the reader hands over no
 * more bytes than the log holds, only streams 1 and 2, and respects the
 * tail. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "logidx.h"
#include "logread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct tally {
	size_t bytes;
	long calls;
	bool lines;
};

static int sink(void *arg, int stream, int64_t t, const char *buf, size_t len)
{
	struct tally *ta = arg;

	(void)t;
	if ((stream != 1 && stream != 2) || len == 0)
		abort();
	if (ta->lines && memchr(buf, '\n', len) && (size_t)((const char *)memchr(buf, '\n', len) - buf) != len - 1)
		abort(); /* a line per call */
	ta->bytes += len;
	ta->calls++;
	return 0;
}

static int memfd_of(const uint8_t *data, size_t len)
{
	int fd = memfd_create("fuzz", 0);

	if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len) || lseek(fd, 0, SEEK_SET) < 0)
		abort();
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logs_opts o = { .tail = -1 };
	struct tally ta = { 0 };
	size_t split, log_len;

	if (size < 4)
		return 0;
	o.timestamps = data[0] & 1;
	o.no_stdout = data[0] & 2;
	o.no_stderr = data[0] & 4;
	if (data[0] & 8)
		o.since = (int64_t)data[1] << 8;
	if (data[0] & 16)
		o.until = (int64_t)data[1] << 16;
	if (data[0] & 32)
		o.tail = data[2] % 8;
	ta.lines = o.timestamps || o.tail >= 0;
	split = (size_t)data[3] * LOGIDX_REC / 4;
	data += 4;
	size -= 4;
	split = split < size ? split : size;
	log_len = size - split;
	if (logs_read_fds(memfd_of(data + split, log_len), data[-4] & 64 ? -1 : memfd_of(data, split),
			  &o, sink, &ta) < 0)
		abort();
	if (ta.bytes > log_len || (o.tail >= 0 && ta.calls > o.tail))
		abort();
	return 0;
}
