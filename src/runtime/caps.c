/* caps.c - the default capability set, the host's (for --privileged)
 * and capability names. */
#include <ctype.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "cleanup.h"
#include "spawn.h"

/* Docker's default set.  NET_RAW stays so that ping works in a default
 * container; everything that reconfigures the host (SYS_ADMIN, NET_ADMIN,
 * SYS_MODULE, ...) is left out unless --cap-add asks for it. */
static const cap_value_t default_caps[] = {
	CAP_CHOWN,	    CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER,     CAP_MKNOD,
	CAP_NET_RAW,	    CAP_SETGID,	      CAP_SETUID, CAP_SETFCAP,    CAP_SETPCAP,
	CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL,	  CAP_AUDIT_WRITE,
};

uint64_t spawn_default_caps(void)
{
	uint64_t bits = 0;

	for (size_t i = 0; i < ARRAY_SIZE(default_caps); i++)
		bits |= 1ULL << default_caps[i];
	return bits;
}

/* Asked of the kernel, not assumed full: a host (or the container brig
 * itself runs in) may lack some, as this one lacks CAP_SYS_RESOURCE, and
 * --privileged must not ask for what cannot be had. */
uint64_t spawn_host_caps(void)
{
	uint64_t bits = 0;

	/* PR_CAPBSET_READ fails (EINVAL) past the kernel's last capability */
	for (int cap = 0; cap < 64; cap++) {
		int r = prctl(PR_CAPBSET_READ, (unsigned long)cap, 0, 0, 0);
		if (r < 0)
			break;
		if (r == 1)
			bits |= 1ULL << cap;
	}
	return bits;
}

int spawn_parse_cap(const char *name, uint64_t *bits, struct brig_err *e)
{
	char buf[64];
	cap_value_t v;
	size_t i = 0;

	if (strcasecmp(name, "all") == 0) {
		*bits = ~0ULL;
		return 0;
	}
	if (strncasecmp(name, "cap_", 4) != 0)
		i = (size_t)snprintf(buf, sizeof(buf), "cap_");
	for (const char *p = name; *p && i < sizeof(buf) - 1; p++)
		buf[i++] = (char)tolower((unsigned char)*p);
	buf[i] = '\0';
	if (cap_from_name(buf, &v) < 0 || v < 0 || v >= 64)
		return brig_errf(e, EINVAL, "unknown capability '%s'", name);
	*bits = 1ULL << v;
	return 0;
}
