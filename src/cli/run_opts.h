/* run_opts.h - the options of `brig run`: one table, its setters filling a
 * struct container_spec (their checks are the engine's, spec_parse.h). */
#ifndef BRIG_RUN_OPTS_H
#define BRIG_RUN_OPTS_H

#include "opt.h"
#include "spec.h"

/* `brig run`'s options; parse into a zeroed struct container_spec. */
extern const struct opt_spec run_spec;

/* Parse argv (argv[0] = "run") into o, then the image, the command and
 * spec_validate().  0 when --help was printed, 1 when o is ready, negative
 * with e filled otherwise.  Free o's lists with spec_lists_free(). */
int run_parse(int argc, char **argv, struct container_spec *o, struct brig_err *e);

#endif
