/* warn.h - the one warning sink.  Anything that meets a problem it can
 * work around (a corrupt lease line, a skipped archive entry) says so with
 * brig_warn(); where the words go is the front end's choice: the CLI prints
 * "brig: warning: ..." on stderr (the default), a server may log them. */
#ifndef BRIG_WARN_H
#define BRIG_WARN_H

typedef void (*brig_warn_fn)(void *arg, const char *msg);

/* Report a warning to the current sink. */
void brig_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Replace the sink (NULL: back to stderr); returns the previous one. */
brig_warn_fn brig_warn_sink(brig_warn_fn fn, void *arg);

#endif
