/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xlatd --user: started as root outside systemd, become an unprivileged
 * user that keeps exactly the capabilities xlatd.service grants
 * (CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF, CAP_PERFMON; see xlatd(8),
 * LEAST PRIVILEGE).
 */
#ifndef XLATD_PRIVDROP_H
#define XLATD_PRIVDROP_H

#include <stddef.h>
#include <sys/types.h>

/*
 * A user name or number into uid and primary gid (a number without a
 * passwd entry uses itself as gid).  0, or -ENOENT.
 */
int privdrop_lookup(const char *user, uid_t *uid, gid_t *gid);

/*
 * Make dir (if missing) and give it to uid:gid when it was made here, so
 * the user can create its sockets and state files in it.  0 or -errno.
 */
int privdrop_prepare_dir(const char *dir, uid_t uid, gid_t gid);

/*
 * Become uid:gid (no supplementary groups) keeping only those
 * capabilities, in the effective, permitted and bounding sets, with
 * no_new_privs.  Must run before any thread exists.  0, or -errno with
 * what failed in why.
 */
int privdrop_to(uid_t uid, gid_t gid, char *why, size_t n);

#endif
