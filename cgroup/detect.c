/* detect.c - find where each controller lives.
 *
 * mountinfo says which cgroup (v1) mount carries which controllers (in its
 * super options) and where the cgroup2 tree is; the root's
 * cgroup.controllers says which controllers v2 can hand out (none on a
 * hybrid host, where v1 holds them).  /proc/self/cgroup is recorded too,
 * but brig's cgroups always go at each hierarchy's root + parent, never
 * under the caller's own cgroup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "driver.h"

struct cg_host cg_host;

const char *const cg_ctrl_names[CG_NCTRL] = {
    [CG_MEMORY] = "memory", [CG_CPU] = "cpu",	[CG_CPUACCT] = "cpuacct",
    [CG_CPUSET] = "cpuset", [CG_PIDS] = "pids",	[CG_DEVICES] = "devices",
};

static int ctrl_index(const char *name, size_t len)
{
	for (int c = 0; c < CG_NCTRL; c++)
		if (strlen(cg_ctrl_names[c]) == len && strncmp(cg_ctrl_names[c], name, len) == 0)
			return c;
	return -1;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

static int set_mount(char *dst, const char *prefix, const char *mp, struct brig_err *e)
{
	if ((size_t)snprintf(dst, PATH_MAX, "%s%s", prefix ? prefix : "", mp) >= PATH_MAX)
		return brig_errf(e, ENAMETOOLONG, "cgroup mount point too long: %s", mp);
	return 0;
}

/* One mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] -
 * FSTYPE SOURCE SUPEROPTS".  Only mounts of a hierarchy's root ("/") are
 * used: a bind of a sub-cgroup is not where brig's tree belongs. */
static int parse_mount_line(char *line, const char *prefix, bool *v2_root, bool v1_root[],
			    struct brig_err *e)
{
	char *f[6], *sep, *save = NULL, *fstype, *superopts;
	int n = 0;

	sep = strstr(line, " - ");
	if (!sep)
		return 0; /* malformed: skip */
	*sep = '\0';
	for (char *t = strtok_r(line, " ", &save); t && n < 6; t = strtok_r(NULL, " ", &save))
		f[n++] = t;
	if (n < 5)
		return 0;
	save = NULL;
	fstype = strtok_r(sep + 3, " ", &save);
	if (!fstype || !strtok_r(NULL, " ", &save))
		return 0;
	superopts = strtok_r(NULL, " \n", &save);
	unescape(f[3]);
	unescape(f[4]);
	bool at_root = strcmp(f[3], "/") == 0;

	if (strcmp(fstype, "cgroup2") == 0) {
		if (cg_host.v2_mount[0] && (*v2_root || !at_root))
			return 0; /* keep the first root mount */
		*v2_root = at_root;
		return set_mount(cg_host.v2_mount, prefix, f[4], e);
	}
	if (strcmp(fstype, "cgroup") != 0 || !superopts)
		return 0;
	for (char *o = superopts; *o;) {
		size_t len = strcspn(o, ",");
		int c = ctrl_index(o, len);

		if (c >= 0 && (!cg_host.v1_mount[c][0] || (!v1_root[c] && at_root))) {
			int r = set_mount(cg_host.v1_mount[c], prefix, f[4], e);

			if (r < 0)
				return r;
			v1_root[c] = at_root;
		}
		o += len;
		if (*o == ',')
			o++;
	}
	return 0;
}

/* "HID:CONTROLLERS:PATH"; "0::PATH" is the cgroup2 line. */
static void parse_self_line(char *line)
{
	char *c1 = strchr(line, ':'), *c2, *ctrls;

	if (!c1 || !(c2 = strchr(c1 + 1, ':')))
		return;
	*c2 = '\0';
	ctrls = c1 + 1;
	line = c2 + 1;
	line[strcspn(line, "\n")] = '\0';
	if (*ctrls == '\0') {
		snprintf(cg_host.self_v2, sizeof(cg_host.self_v2), "%s", line);
		return;
	}
	for (char *o = ctrls; *o;) {
		size_t len = strcspn(o, ",");
		int c = ctrl_index(o, len);

		if (c >= 0)
			snprintf(cg_host.self_v1[c], sizeof(cg_host.self_v1[c]), "%s", line);
		o += len;
		if (*o == ',')
			o++;
	}
}

static void read_v2_controllers(void)
{
	char buf[512];
	char *save = NULL;

	if (cg_read(cg_host.v2_mount, "cgroup.controllers", buf, sizeof(buf), NULL) < 0)
		return;
	for (char *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
		int c = ctrl_index(t, strlen(t));

		if (c >= 0)
			cg_host.v2_ctrls |= CG_BIT(c);
	}
}

int cgroup_detect(const char *mountinfo, const char *proc_cgroup, const char *root_prefix,
		  struct brig_err *e)
{
	cleanup_fclose FILE *mi = NULL, *pc = NULL;
	cleanup_free char *line = NULL;
	bool v2_root = false, v1_root[CG_NCTRL] = {false};
	unsigned on_v1 = 0;
	size_t cap = 0;
	int r;

	memset(&cg_host, 0, sizeof(cg_host));
	if (!mountinfo)
		mountinfo = "/proc/self/mountinfo";
	if (!proc_cgroup)
		proc_cgroup = "/proc/self/cgroup";
	mi = fopen(mountinfo, "re");
	if (!mi)
		return brig_errno(e, "cgroup detect: open %s", mountinfo);
	while (getline(&line, &cap, mi) > 0) {
		r = parse_mount_line(line, root_prefix, &v2_root, v1_root, e);
		if (r < 0)
			return brig_err_ctx(e, "cgroup detect: %s", mountinfo);
	}
	if (ferror(mi))
		return brig_errno(e, "cgroup detect: read %s", mountinfo);
	pc = fopen(proc_cgroup, "re");
	if (!pc)
		return brig_errno(e, "cgroup detect: open %s", proc_cgroup);
	while (getline(&line, &cap, pc) > 0)
		parse_self_line(line);
	if (ferror(pc))
		return brig_errno(e, "cgroup detect: read %s", proc_cgroup);

	for (int c = 0; c < CG_NCTRL; c++)
		if (cg_host.v1_mount[c][0])
			on_v1 |= CG_BIT(c);
	if (cg_host.v2_mount[0]) {
		read_v2_controllers();
		/* cpu.stat's usage_usec is core on v2: no cpuacct needed. */
		cg_host.v2_ctrls |= CG_BIT(CG_CPUACCT);
		/* Device access is a BPF program there: any directory takes one. */
		cg_host.v2_ctrls |= CG_BIT(CG_DEVICES);
		/* A controller bound to v1 is never usable on v2. */
		cg_host.v2_ctrls &= ~on_v1;
	}
	if (on_v1)
		cg_host.mode = cg_host.v2_mount[0] ? CG_MODE_HYBRID : CG_MODE_V1;
	else if (cg_host.v2_mount[0])
		cg_host.mode = CG_MODE_V2;
	else
		return brig_errf(e, ENOENT, "cgroup detect: no cgroup hierarchy mounted (%s)",
				 mountinfo);
	cg_host.detected = true;
	return 0;
}
