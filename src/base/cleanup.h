/* cleanup.h - scope-bound resources (GCC/Clang cleanup attribute).
 * Every destructor accepts NULL / -1; steal_ptr() and steal_fd() hand
 * ownership on. */
#ifndef BRIG_CLEANUP_H
#define BRIG_CLEANUP_H

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util.h"

static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd) { if (*fd >= 0) close(*fd); }
static inline void fclosep(FILE **f) { if (*f) fclose(*f); }
static inline void closedirp(DIR **d) { if (*d) closedir(*d); }
static inline void strv_freep(char ***v) { strv_free(*v); }

#define cleanup_free __attribute__((cleanup(freep)))
#define cleanup_close __attribute__((cleanup(closep)))
#define cleanup_fclose __attribute__((cleanup(fclosep)))
#define cleanup_dir __attribute__((cleanup(closedirp)))
/* a NULL-terminated array of malloc'd strings (util.h's strv_free) */
#define cleanup_strv __attribute__((cleanup(strv_freep)))
/* jansson's own json_decrefp (as json_auto_t uses) */
#define cleanup_json __attribute__((cleanup(json_decrefp)))

#define steal_ptr(p) ({ __typeof__(p) _tmp = (p); (p) = NULL; _tmp; })
#define steal_fd(fd) ({ int _tmp = (fd); (fd) = -1; _tmp; })

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
