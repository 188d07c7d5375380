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
#include "xlatd/clat.h"
#include "xlatd/config.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct instance;
struct link_monitor;

/* Registered with clat_set_observer() before any instance starts. */
extern const struct clat_observer clat_auto_observer;

/* xlatd main: start (after the config instances), reload, shut down. */
int clat_auto_init(const struct xlatd_conf *c);
void clat_auto_reload(const struct xlatd_conf *c);
void clat_auto_shutdown(void);
/* One epoll fd for everything the manager waits on; -1 before init. */
int clat_auto_fd(void);
/* The link monitor behind the manager, or NULL while it is not open. */
const struct link_monitor *clat_auto_link_monitor(void);
void clat_auto_process(void);
/* Recompute every plan now (after config instances came or went). */
void clat_auto_resync(void);

/* The clat instance for uplink ifname, or NULL. */
struct instance *clat_auto_find(const char *ifname);

#endif
