/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The self-configuring CLAT: which uplink gets a CLAT, and when.
 *
 * The manager (clat_auto.c) watches every interface with the link
 * monitor and runs NAT64 prefix discovery on each candidate uplink.  It
 * owns one clat instance per uplink: the [clat NAME] section whose
 * `uplink` names it, or else an automatic instance "clat-IFNAME" that it
 * creates itself.  After every event it computes a plan for each
 * affected uplink (run or not, and why; which prefix, /64 and metric)
 * and hands it to the instance with clat_apply(); the instance only
 * executes plans.  All of it runs on xlatd's main thread.
 */
#ifndef XLATD_CLAT_AUTO_H
#define XLATD_CLAT_AUTO_H

#include "control/discovery.h"
#include "xlatd/config.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define CLAT_METRIC_BASE 4096

struct instance;

struct clat_plan {
	bool run;
	char reason[200];           /* why not (or, running, what it uses) */
	int ifindex;
	struct xlat_prefix6 pref64;
	enum discovery_source source;
	uint64_t expires;           /* ms CLOCK_MONOTONIC, DISC_NEVER */
	struct in6_addr prefix64;   /* the uplink's /64 */
	uint32_t metric;
};

/* clat.c: execute a plan (start, stop or reconfigure the data path). */
void clat_apply(struct instance *inst, const struct clat_plan *p);
/* clat.c: the instance translates right now (state running). */
bool clat_working(struct instance *inst);
/* clat.c: the uplink an instance is for. */
const char *clat_uplink(struct instance *inst);

/* From clat.c's start/stop: an instance appears for, leaves, its uplink. */
void clat_auto_bind(struct instance *inst);
void clat_auto_unbind(struct instance *inst);

/* xlatd main: start (after the config instances), reload, shut down. */
int clat_auto_init(const struct xlatd_conf *c);
void clat_auto_reload(const struct xlatd_conf *c);
void clat_auto_shutdown(void);
/* One epoll fd for everything the manager waits on; -1 before init. */
int clat_auto_fd(void);
void clat_auto_process(void);
/* Recompute every plan now (after config instances came or went). */
void clat_auto_resync(void);

/* "RA", "DNS", "static" (or "none"). */
const char *clat_source_name(enum discovery_source s);

/* The clat instance for uplink ifname, or NULL. */
struct instance *clat_auto_find(const char *ifname);

#endif
