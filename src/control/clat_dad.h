/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Duplicate Address Detection of the CLAT address, run on xlatd's main
 * loop: ndp.c's state machine (RFC 4862 5.4 with the RFC 7527 nonce)
 * driven by a timerfd and by the NS/NA the uplink packet socket reads,
 * its probes sent through the CLAT's raw socket.  It runs before the
 * data path's workers start, and borrows their receive and send batches.
 *
 * The owner watches clat_dad_timer_fd() and the packet socket and calls
 * clat_dad_step() on either event (and once after clat_dad_start()):
 *
 *   CLAT_DAD_PENDING   nothing to do until the next event;
 *   CLAT_DAD_CONFLICT  the address is in use: pick another, change the
 *                      packet filter, then clat_dad_next(), step again;
 *   CLAT_DAD_OK        the address is ours: stop watching, go live;
 *   CLAT_DAD_GIVE_UP   max_tries addresses were all in use.
 */
#ifndef XLAT_CLAT_DAD_H
#define XLAT_CLAT_DAD_H

#include "control/ndp.h"
#include "datapath/clat_dp.h"

#include <netinet/in.h>
#include <stdint.h>

enum clat_dad_result {
	CLAT_DAD_PENDING,
	CLAT_DAD_CONFLICT,
	CLAT_DAD_OK,
	CLAT_DAD_GIVE_UP,
};

struct clat_dad {
	struct ndp_dad nd;
	int timer_fd;
	struct clat_dp *dp;
	unsigned int tried; /* addresses probed so far */
};

/* The uplink's DupAddrDetectTransmits and RetransTimer (sysfs/proc reads). */
void clat_dad_params(const char *ifname, unsigned int *probes,
		     unsigned int *retrans_ms);

/* Open the timer and begin probing addr.  0 or a negative errno. */
int clat_dad_start(struct clat_dad *d, struct clat_dp *dp,
		   const struct in6_addr *addr, unsigned int probes,
		   unsigned int max_tries, unsigned int retrans_ms);
int clat_dad_timer_fd(const struct clat_dad *d);
/* Read what arrived, follow the clock, send what is due. */
enum clat_dad_result clat_dad_step(struct clat_dad *d, uint64_t now_ms);
/* After CLAT_DAD_CONFLICT: probe addr next. */
void clat_dad_next(struct clat_dad *d, const struct in6_addr *addr,
		   uint64_t now_ms);
/* Close the timer; idempotent; the zeroed state is "not running". */
void clat_dad_stop(struct clat_dad *d);

#endif
