// SPDX-License-Identifier: GPL-2.0-or-later
/* Dropping root for a user with four capabilities; see privdrop.h. */
#include "xlatd/privdrop.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* What xlatd.service grants, and nothing else. */
static const int keep[] = { CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF, CAP_PERFMON };

int privdrop_lookup(const char *user, uid_t *uid, gid_t *gid)
{
	const struct passwd *pw = getpwnam(user);
	char *end;
	unsigned long v;

	if (pw) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
		return 0;
	}
	v = strtoul(user, &end, 10);
	if (!user[0] || *end || v == 0 || v >= 0xffffffffUL)
		return -ENOENT;
	pw = getpwuid((uid_t)v);
	*uid = (uid_t)v;
	*gid = pw ? pw->pw_gid : (gid_t)v;
	return 0;
}

int privdrop_prepare_dir(const char *dir, uid_t uid, gid_t gid)
{
	if (mkdir(dir, 0755) < 0)
		return errno == EEXIST ? 0 : -errno;
	return chown(dir, uid, gid) < 0 ? -errno : 0;
}

static bool kept(int cap)
{
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (keep[i] == cap)
			return true;
	return false;
}

static int fail(char *why, size_t n, const char *what)
{
	int e = errno;

	snprintf(why, n, "%s: %s", what, strerror(e));
	return -e;
}

/*
 * What systemd's LimitNICE=-5 gives the unit: the CLAT's userspace
 * workers may lower their nice value to the default worker-nice without
 * CAP_SYS_NICE (RLIMIT_NICE is 20 - the lowest nice allowed).  Only ever
 * raised, and best effort: without it the workers run at nice 0 and say so.
 */
static void allow_worker_nice(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NICE, &r) || r.rlim_cur >= 25)
		return;
	r.rlim_cur = 25;
	if (r.rlim_max < 25)
		r.rlim_max = 25;
	setrlimit(RLIMIT_NICE, &r);
}

int privdrop_to(uid_t uid, gid_t gid, char *why, size_t n)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	/* The bounding set first: dropping needs CAP_SETPCAP, still ours.
	 * A kernel without some capability answers EINVAL for it. */
	for (int c = 0; c <= 63; c++)
		if (!kept(c) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 &&
		    errno != EINVAL)
			return fail(why, n, "PR_CAPBSET_DROP");
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return fail(why, n, "PR_SET_KEEPCAPS");
	allow_worker_nice();
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0)
		return fail(why, n, "setgid");
	if (setresuid(uid, uid, uid) < 0)
		return fail(why, n, "setuid");
	/* setuid() cleared the effective set; permitted kept them
	 * (KEEPCAPS): make ours effective, and nothing else permitted. */
	memset(d, 0, sizeof(d));
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		d[keep[i] / 32].effective |= 1u << (keep[i] % 32);
		d[keep[i] / 32].permitted |= 1u << (keep[i] % 32);
	}
	if (syscall(SYS_capset, &h, d) < 0)
		return fail(why, n, "capset");
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(why, n, "prctl");
	return 0;
}
