/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bringing back a [siit] instance whose TUN was deleted from outside
 * (`ip link del`): its workers stop with a read error and the instance is
 * "failed" with that reason; recover_check() (about once a second, from
 * the main loop) sees the device gone, stops what is left of the
 * instance and starts it again from the same section, as a reload would.
 * At most RECOVER_MAX restarts of one instance a minute; after that it
 * stays failed, with the reason.  A clat instance repairs itself
 * (clat_watch.c).  See docs/faults.md.
 */
#ifndef XLATD_RECOVER_H
#define XLATD_RECOVER_H

#define RECOVER_MAX 5

#include <stdbool.h>

/* Whether a second has passed since the last recover_check(). */
bool recover_due(void);
void recover_check(void);

#endif
