/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "nat64" instance kind (RFC 6146) and its tables for the control
 * socket. */
#ifndef XLATD_NAT64_H
#define XLATD_NAT64_H

#include <stdbool.h>

struct ctl_out;

/* `xlatctl sessions` (sessions) or `xlatctl bib`, text or JSON, for
 * every nat64 instance. */
void nat64_ctl_tables(struct ctl_out *o, bool sessions);

#endif
