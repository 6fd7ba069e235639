/* h_containers.c - /containers/...: list, create, start, stop, inspect,
 * wait, logs, attach, remove. */
#include "api.h"

const struct api_route api_container_routes[] = {
	{ NULL, NULL, NULL, 0 },
};
