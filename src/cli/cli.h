/* cli.h - the CLI's shared context and the subcommand entry points.
 * Each cmd_<verb>.c implements one entry; main.c dispatches from a table. */
#ifndef BRIG_CLI_H
#define BRIG_CLI_H

#include "ctx.h"

/* Print "brig: <msg>" on stderr: the only place brig reports an error. */
void brig_report(const struct brig_err *e);

/* brig_report as an engine callback (on_error): arg is unused. */
void brig_report_cb(void *arg, const struct brig_err *e);

/* Print "brig: <fmt>" on stderr and return EXIT_BRIG. */
int brig_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* What getopt_long just refused ('?'), for a one-line error such as
 * "brig: ps: unknown option '--x' (see 'brig ps --help')".  getopt's own
 * messages are off (opterr = 0 in main). */
const char *brig_bad_option(char *const *argv);

/* Put fd (the user's terminal) in raw mode, when it is a terminal, for a
 * relay to a container's pty; restored by term_restore() and at exit. */
void term_raw(int fd);
void term_restore(void);

/* Window size of fd (0, 0 when not a terminal). */
void term_size(int fd, unsigned short *rows, unsigned short *cols);

/* Each returns the process exit status. */
int cmd_run(struct brig_ctx *c, int argc, char **argv);
int cmd_ps(struct brig_ctx *c, int argc, char **argv);
int cmd_rm(struct brig_ctx *c, int argc, char **argv);
int cmd_image(struct brig_ctx *c, int argc, char **argv);
int cmd_export(struct brig_ctx *c, int argc, char **argv);
int cmd_commit(struct brig_ctx *c, int argc, char **argv);
int cmd_network(struct brig_ctx *c, int argc, char **argv);
int cmd_volume(struct brig_ctx *c, int argc, char **argv);
int cmd_lab(struct brig_ctx *c, int argc, char **argv);
int cmd_netem(struct brig_ctx *c, int argc, char **argv);
int cmd_system(struct brig_ctx *c, int argc, char **argv);
int cmd_inspect(struct brig_ctx *c, int argc, char **argv);
int cmd_exec(struct brig_ctx *c, int argc, char **argv);
int cmd_stop(struct brig_ctx *c, int argc, char **argv);
int cmd_kill(struct brig_ctx *c, int argc, char **argv);
int cmd_wait(struct brig_ctx *c, int argc, char **argv);
int cmd_logs(struct brig_ctx *c, int argc, char **argv);
int cmd_attach(struct brig_ctx *c, int argc, char **argv);
int cmd_stats(struct brig_ctx *c, int argc, char **argv);
int cmd_port(struct brig_ctx *c, int argc, char **argv);
int cmd_serve(struct brig_ctx *c, int argc, char **argv);
int cmd_start(struct brig_ctx *c, int argc, char **argv);
int cmd_restart(struct brig_ctx *c, int argc, char **argv);
int cmd_cp(struct brig_ctx *c, int argc, char **argv);
int cmd_events(struct brig_ctx *c, int argc, char **argv);
/* cmd_monitor.c: brig-monitor's end (hidden) */
int cmd_monitor_finish(struct brig_ctx *c, int argc, char **argv);

/* cmd_lab_probe.c: brig lab pingall, brig lab perf (in cmd_lab.c's table) */
int cmd_lab_pingall(struct brig_ctx *c, int argc, char **argv);
int cmd_lab_perf(struct brig_ctx *c, int argc, char **argv);

/* cmd_capture.c: brig capture */
int cmd_capture(struct brig_ctx *c, int argc, char **argv);
int cmd_compare(struct brig_ctx *c, int argc, char **argv);

/* cmd_registry.c: pull, push, login, logout, in cli_command's run style
 * (>= 0, or negative with e filled). */
int cmd_pull(struct brig_ctx *c, int argc, char **argv, struct brig_err *e);
int cmd_push(struct brig_ctx *c, int argc, char **argv, struct brig_err *e);
int cmd_login(struct brig_ctx *c, int argc, char **argv, struct brig_err *e);
int cmd_logout(struct brig_ctx *c, int argc, char **argv, struct brig_err *e);

/* For run, given an image that is not in the store: say "Unable to find
 * image 'x' locally" on stderr, as Docker does, and pull it, its progress
 * on stderr when that is a terminal. */
int cli_pull_image(struct brig_ctx *c, const char *image, struct brig_err *e);

#endif
