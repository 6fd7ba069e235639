/* cmd_stats.c - brig stats (placeholder until implemented). */
#include "brig.h"

int cmd_stats(struct brig_ctx *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	return brig_fail("stats: not implemented yet");
}
