/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-interface CLAT state files for DHCPv4 clients (RFC 8925 option
 * 108, IPv6-only preferred): DIR/IFNAME.state holds one line
 *
 *	clat=running reason=prefix 2001:db8:64::/96 (RA)
 *	clat=stopped reason=native IPv4 default route on eth0
 *
 * written atomically (temporary file + rename), so a hook reading it
 * never sees half a line.  A file can outlive a killed xlatd; hooks that
 * must be sure ask `xlatctl ipv6-only-preferred IF` instead.
 */
#ifndef XLATD_STATEFILE_H
#define XLATD_STATEFILE_H

#include <stdbool.h>

/* Where the files go (default /run/xlatd); created on first write. */
void statefile_set_dir(const char *dir);
/* 0 or a negative errno. */
int statefile_write(const char *ifname, bool running, const char *reason);
void statefile_remove(const char *ifname);

#endif
