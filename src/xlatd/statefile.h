/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-interface CLAT state files for DHCPv4 clients (RFC 8925 option
 * 108, IPv6-only preferred): DIR/IFNAME.state holds one line
 *
 *	clat=running v6only=yes reason=NAT64 prefix 2001:db8:64::/96 from RA on eth0
 *	clat=stopped v6only=yes reason=native IPv4 default route on eth0
 *	clat=stopped v6only=no reason=no NAT64 prefix on eth0 (...) [v6only=no: ...]
 *
 * v6only is the RFC 8925 answer of v6only.h (ask for option 108 or not);
 * when it is no, the bracket says why (e.g. a V6ONLY_WAIT ran out).
 * written atomically (temporary file + rename), so a hook reading it
 * never sees half a line.  A file can outlive a killed xlatd; hooks that
 * must be sure ask `xlatctl ipv6-only-preferred IF` instead.
 */
#ifndef XLATD_STATEFILE_H
#define XLATD_STATEFILE_H

#include <stdbool.h>
#include <stddef.h>

/* Where the files go (default /run/xlatd); created on first write. */
void statefile_set_dir(const char *dir);
/*
 * 0 or a negative errno.  A failure is logged once (until a write works
 * again), shown by statefile_error(), and tried again by statefile_retry().
 */
int statefile_write(const char *ifname, bool running, const char *reason);
/* Write again what could not be written (cheap when nothing is due). */
void statefile_retry(void);
/* Why ifname's file is not current (into buf), or NULL when it is. */
const char *statefile_error(const char *ifname, char *buf, size_t n);
/* Write the last state of ifname again (its v6only answer changed). */
void statefile_refresh(const char *ifname);
void statefile_remove(const char *ifname);

#endif
