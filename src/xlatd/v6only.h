/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RFC 8925 (DHCPv4 option 108, IPv6-only preferred) on the host side.
 *
 * An interface is IPv6-only capable when xlatd would run a CLAT on it
 * once it is attached to a NAT64 network: a CLAT instance exists for it
 * (an automatic one, so it is an eligible uplink, or a [clat] section)
 * and its mode is not off.  That is a property of the configuration, so
 * a DHCPv4 client started at link-up can ask for option 108 in its first
 * DHCPDISCOVER, long before the CLAT translates.
 *
 * The one fact that turns the answer into "no" is a V6ONLY_WAIT that ran
 * out without a NAT64 prefix on the interface: the network said "prefer
 * IPv6-only" (or the link came up) but no NAT64 appeared, so the DHCPv4
 * client must be told to take a lease after all.  The wait starts at
 * link-up with the configured v6only-wait (default 300 s, RFC 8925's
 * MIN_V6ONLY_WAIT) and restarts when a DHCP client reports option 108
 * (`xlatctl v6only-wait IF [SECONDS]`).  A NAT64 prefix seen at any time
 * clears it.  Everything runs on xlatd's main thread.
 */
#ifndef XLATD_V6ONLY_H
#define XLATD_V6ONLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctl_out;

/* [global] v6only-wait, seconds. */
void v6only_set_wait(unsigned int secs);

/* From the CLAT manager: link-up (IFF_UP and carrier) of ifname changed. */
void v6only_link(const char *ifname, bool up, uint64_t now_ms);
/* From the CLAT manager: ifname has (or lost) a NAT64 prefix. */
void v6only_nat64(const char *ifname, bool known, uint64_t now_ms);
/* The interface is gone: forget it. */
void v6only_forget(const char *ifname);
/* A DHCPv4 client got option 108 on ifname; secs 0: the configured wait. */
int v6only_report(const char *ifname, unsigned int secs, uint64_t now_ms);

/* Expire due waits (logs, rewrites state files); the next deadline in
 * ms CLOCK_MONOTONIC or UINT64_MAX. */
void v6only_process(uint64_t now_ms);
uint64_t v6only_next_deadline(void);

/* The RFC 8925 answer for ifname, with a one-line explanation. */
bool v6only_answer(const char *ifname, char *why, size_t n);
/* Status keys of the clat instance for ifname. */
void v6only_status(struct ctl_out *o, const char *ifname);

#endif
