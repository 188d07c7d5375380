// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The self-configuring CLAT manager; see clat_auto.h.  Every decision is
 * recomputed from the facts (link monitor, discovery) each time one of
 * them changes, so there is no state machine to get out of step: the
 * plan of an uplink is a pure function of what is true right now.
 */
#include "xlatd/clat_auto.h"
#include "xlatd/clat_auto_priv.h"

#include "xlatd/clat_plat.h"
#include "xlatd/clat_uplink.h"

#include "control/clat_addr.h"
#include "control/link_monitor.h"
#include "control/rtnl.h"
#include "xlatd/instance.h"
#include "xlatd/log.h"
#include "xlatd/statefile.h"
#include "xlatd/v6only.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define AUTO_PREFIX "clat-"

struct mgr {
	bool on;
	int epfd, timerfd;
	struct link_monitor lm;
	bool lm_open;
	bool clat_auto;
	char interfaces[CONF_MAX_IFLIST][IFNAMSIZ];
	unsigned int n_interfaces;
	char ignore[CONF_MAX_IFLIST][IFNAMSIZ];
	unsigned int n_ignore;
	struct uplink *up[MAX_UPLINKS]; /* allocated as needed, reused */
	bool in_resync;
	uint64_t lm_retry;        /* a failed snapshot is taken again then */
	unsigned long lm_overruns, lm_retries; /* the monitor's, last logged */
};

static struct mgr M = { .epfd = -1, .timerfd = -1 };

/* Slot i's uplink if it is in use, else NULL. */
static struct uplink *up_at(int i)
{
	return M.up[i] && M.up[i]->used ? M.up[i] : NULL;
}

static struct uplink *up_find(const char *name)
{
	for (int i = 0; i < MAX_UPLINKS; i++)
		if (up_at(i) && !strcmp(M.up[i]->name, name))
			return M.up[i];
	return NULL;
}

static struct uplink *up_get(const char *name)
{
	struct uplink *u = up_find(name);

	if (u)
		return u;
	for (int i = 0; i < MAX_UPLINKS; i++) {
		if (up_at(i))
			continue;
		if (!M.up[i])
			M.up[i] = malloc(sizeof(*M.up[i]));
		u = M.up[i];
		if (!u)
			return NULL;
		memset(u, 0, sizeof(*u));
		u->used = true;
		u->slot = -1;
		clat_plat_init(&u->plat);
		snprintf(u->name, sizeof(u->name), "%s", name);
		return u;
	}
	return NULL;
}

/* Whether ifname is the TUN of one of our own instances. */
static bool our_tun(const char *ifname)
{
	for (int i = 0; i < MAX_UPLINKS; i++)
		if (up_at(i) && M.up[i]->inst &&
		    !strcmp(M.up[i]->inst->conf->clat.tun, ifname))
			return true;
	return !strncmp(ifname, AUTO_PREFIX, strlen(AUTO_PREFIX)) ||
	       clat_held_tun(ifname);
}

/*
 * Whether an interface may get an automatic CLAT.  NULL if so, else why
 * not (logged once, at debug level: most interfaces are not uplinks).
 */
static const char *not_candidate(const struct lm_if *f)
{
	if (f->type == ARPHRD_LOOPBACK || (f->flags & IFF_LOOPBACK))
		return "loopback";
	if (!strcmp(f->kind, "tun") && our_tun(f->name))
		return "a TUN device of xlatd's own";
	if (!strncmp(f->name, AUTO_PREFIX, strlen(AUTO_PREFIX)))
		return "a CLAT's own TUN device";
	/* A container's veth in docker0, a NIC in a bond: the host's
	 * addresses and routes are on the master, which is the candidate. */
	if (f->master)
		return "a port of a bridge or bond (its master is the uplink)";
	if (!clat_uplink_type(f->type))
		return "not a link type a CLAT runs on (Ethernet-like or point-to-point IP)";
	if (clat_in_list(M.ignore, M.n_ignore, f->name))
		return "listed in ignore-interfaces";
	if (M.n_interfaces && !clat_in_list(M.interfaces, M.n_interfaces, f->name))
		return "not listed in interfaces";
	if (!M.clat_auto)
		return "clat-auto = no";
	return NULL;
}

bool clat_auto_other_clat(const struct uplink *u, char *what, size_t n)
{
	return clat_other_clat(&u->facts, M.lm.cur, M.lm.n_cur, our_tun, what, n);
}

/* Whether an uplink's default route has metric offset slot already. */
bool clat_auto_slot_taken(int slot)
{
	for (int i = 0; i < MAX_UPLINKS; i++)
		if (up_at(i) && M.up[i]->slot == slot)
			return true;
	return false;
}

/* ---- discovery per uplink (clat_auto_disc.c) ---- */

static void disc_stop(struct uplink *u)
{
	clat_auto_disc_stop(u, M.epfd);
}

static void disc_start(struct uplink *u)
{
	clat_auto_disc_start(u, M.epfd);
}

/* ---- automatic instances ---- */

static void auto_create(struct uplink *u)
{
	struct instance *inst;
	struct xlatd_conf c;
	char text[128], err[256];

	snprintf(text, sizeof(text), "[clat %s%s]\nuplink = %s\n", AUTO_PREFIX,
		 u->name, u->name);
	if (conf_parse_string(text, "(automatic)", &c, err, sizeof(err))) {
		log_err(NULL, "%s: no automatic CLAT: %s", u->name, err);
		return;
	}
	if (instance_find(c.inst->name)) {
		log_warn(NULL, "%s: no automatic CLAT: an instance %s exists",
			 u->name, c.inst->name);
		conf_free(&c);
		return;
	}
	/* Debug level until it runs: every interface that might be an
	 * uplink gets one, most never run (instance.h, quiet). */
	log_debug(c.inst->name, "automatic CLAT for %s (no [clat] section names it)",
		  u->name);
	u->auto_inst = true; /* clat_auto_bind() runs inside */
	inst = instance_create_auto(c.inst);
	if (!inst)
		u->auto_inst = false;
	conf_free(&c);
}

static void auto_destroy(struct uplink *u, const char *why)
{
	if (!u->inst || !u->auto_inst)
		return;
	log_msg(u->inst->quiet ? LOG_LVL_DEBUG : LOG_LVL_INFO, u->inst->name,
		"removing the automatic CLAT: %s", why);
	instance_destroy(u->inst); /* unbinds */
}

/* Make instances, discovery and plans agree with the facts. */
static void sync_uplink(struct uplink *u)
{
	const char *why = u->present ? not_candidate(&u->facts) : "interface removed";

	if (u->inst && !u->auto_inst) {
		/* A [clat] section: it stays whatever happens to the link. */
		if (u->present && u->inst->conf->clat.mode != CLAT_MODE_OFF)
			disc_start(u);
		else
			disc_stop(u);
		clat_auto_apply(u);
		return;
	}
	if (why) {
		auto_destroy(u, why);
		disc_stop(u);
		return;
	}
	if (!u->inst)
		auto_create(u);
	if (!u->inst)
		return;
	/* Discovery (an RA listener, an RS, DNS queries) only where a CLAT
	 * could run: the link has been up with an IPv6 default route.  Its
	 * RS brings the PREF64 at once then.  A container host's veths
	 * never get there, and need no sockets of their own. */
	if (u->facts.up && u->facts.has_default6 && !u->disc_wanted) {
		u->disc_wanted = true;
		/* An uplink now: why its CLAT does not run is news. */
		instance_loud(u->inst);
	}
	if (u->disc_wanted)
		disc_start(u);
	clat_auto_apply(u);
}

static void sync_all(bool force)
{
	for (int i = 0; i < MAX_UPLINKS; i++) {
		struct uplink *u = up_at(i);

		if (!u || (!force && !u->dirty))
			continue;
		sync_uplink(u);
		/* Forget interfaces nobody refers to any more. */
		if (!u->present && !u->inst) {
			disc_stop(u);
			clat_plat_close(&u->plat);
			u->used = false;
		}
	}
}

static void lm_changed(void *arg, const struct lm_if *old, const struct lm_if *now)
{
	const struct lm_if *f = now ? now : old;
	struct uplink *u = up_find(f->name);
	const char *why;

	(void)arg;
	if (old && now && strcmp(old->name, now->name)) {
		/* Renamed: the old name's uplink is gone. */
		struct uplink *o = up_find(old->name);

		if (o) {
			o->present = false;
			o->dirty = true;
		}
	}
	if (!u && now) {
		why = not_candidate(now);
		if (why) {
			log_debug(NULL, "%s: not a CLAT uplink: %s", now->name, why);
			return;
		}
		u = up_get(now->name);
		if (!u)
			log_warn(NULL, "%s: left out: %d interfaces already watched as possible CLAT uplinks (or no memory)",
				 now->name, MAX_UPLINKS);
	}
	if (!u)
		return;
	if (now && u->present && u->facts.ifindex != now->ifindex) {
		disc_stop(u); /* a new device under an old name */
		u->disc_wanted = false;
	}
	u->present = now != NULL;
	if (now) {
		u->facts = *now;
	} else {
		disc_stop(u);
		u->disc_wanted = false;
	}
	u->dirty = true;
	/* RFC 8925: a V6ONLY_WAIT starts at link-up (v6only.h). */
	if (now)
		v6only_link(u->name, now->up, discovery_now());
	else
		v6only_forget(u->name);
	if (old && now)
		log_debug(NULL, "%s: link %s, /64 %s, IPv6 default %s, native IPv4 default %s",
			  now->name, now->up ? "up" : "down",
			  now->has_slaac64 ? "yes" : "no",
			  now->has_default6 ? "yes" : "no",
			  now->has_default4 ? "yes" : "no");
}

/* ---- timers ---- */

static void arm_timer(void)
{
	uint64_t next = DISC_NEVER, now = discovery_now();
	struct itimerspec its = { 0 };

	for (int i = 0; i < MAX_UPLINKS; i++) {
		uint64_t d;

		struct uplink *u = up_at(i);

		if (!u || !u->disc_on)
			continue;
		d = discovery_next_deadline(&u->disc);
		if (d < next)
			next = d;
		d = clat_plat_deadline(&u->plat, u->inst && clat_working(u->inst));
		if (d < next)
			next = d;
	}
	if (v6only_next_deadline() < next)
		next = v6only_next_deadline();
	if (M.lm_retry && M.lm_retry < next)
		next = M.lm_retry;
	if (next != DISC_NEVER) {
		uint64_t ms = next > now ? next - now : 0;

		/* it_value 0 would disarm: at least 1 ns. */
		its.it_value.tv_sec = (time_t)(ms / 1000);
		its.it_value.tv_nsec = (long)(ms % 1000) * 1000000 + 1;
	}
	timerfd_settime(M.timerfd, 0, &its, NULL);
}

/* ---- the interface to xlatd ---- */

static void clat_auto_bind(struct instance *inst)
{
	struct uplink *u = up_get(clat_uplink(inst));
	const struct lm_if *f;

	if (!u) {
		log_err(inst->name, "too many uplinks: %s not managed",
			clat_uplink(inst));
		return;
	}
	if (u->inst && u->auto_inst && !u->inst->priv) {
		/* stale */
		u->inst = NULL;
	}
	if (u->inst && u->inst != inst) {
		/* A [clat] section for an uplink that has an automatic
		 * CLAT: the section wins; resync removes the other. */
		log_info(inst->name, "takes over %s from %s", u->name,
			 u->inst->name);
		if (u->auto_inst) {
			struct instance *old = u->inst;

			u->inst = NULL;
			u->auto_inst = false;
			instance_destroy(old);
		}
	}
	u->inst = inst;
	f = M.lm_open ? link_monitor_find_name(&M.lm, u->name) : NULL;
	u->present = f != NULL;
	if (f)
		u->facts = *f;
	/* Discovery belongs to the instance (its static pref64). */
	disc_stop(u);
	u->slot = -1;
	u->dirty = true;
}

static void clat_auto_unbind(struct instance *inst)
{
	for (int i = 0; i < MAX_UPLINKS; i++) {
		struct uplink *u = up_at(i);

		if (!u || u->inst != inst)
			continue;
		u->inst = NULL;
		u->auto_inst = false;
		u->slot = -1;
		disc_stop(u);
		u->dirty = true;
	}
}

const struct clat_observer clat_auto_observer = {
	.bind = clat_auto_bind,
	.unbind = clat_auto_unbind,
};

struct instance *clat_auto_find(const char *ifname)
{
	struct uplink *u = up_find(ifname);

	return u ? u->inst : NULL;
}

static void set_lists(const struct xlatd_conf *c)
{
	M.clat_auto = c->clat_auto;
	memcpy(M.interfaces, c->interfaces, sizeof(M.interfaces));
	M.n_interfaces = c->n_interfaces;
	memcpy(M.ignore, c->ignore, sizeof(M.ignore));
	M.n_ignore = c->n_ignore;
	statefile_set_dir(c->state_dir);
	v6only_set_wait(c->v6only_wait);
}

int clat_auto_init(const struct xlatd_conf *c)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ret;

	set_lists(c);
	M.epfd = epoll_create1(EPOLL_CLOEXEC);
	M.timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (M.epfd < 0 || M.timerfd < 0)
		return -errno;
	ev.data.ptr = &M.timerfd;
	if (epoll_ctl(M.epfd, EPOLL_CTL_ADD, M.timerfd, &ev) < 0)
		return -errno;
	ret = link_monitor_open(&M.lm, lm_changed, NULL);
	if (ret < 0) {
		log_err(NULL, "link monitor: %s", strerror(-ret));
		return ret;
	}
	M.lm_open = true;
	ev.data.ptr = &M.lm;
	if (epoll_ctl(M.epfd, EPOLL_CTL_ADD, link_monitor_fd(&M.lm), &ev) < 0)
		return -errno;
	M.on = true;
	link_monitor_replay(&M.lm);
	/* Bound [clat] sections saw no facts yet if they started first. */
	for (int i = 0; i < MAX_UPLINKS; i++) {
		struct uplink *u = up_at(i);
		const struct lm_if *f;

		if (!u)
			continue;
		f = link_monitor_find_name(&M.lm, u->name);
		u->present = f != NULL;
		if (f)
			u->facts = *f;
	}
	log_info(NULL, "CLAT manager: watching every interface%s%s",
		 M.clat_auto ? "" : " (clat-auto = no: [clat] sections only)",
		 M.n_interfaces ? " listed in interfaces" : "");
	sync_all(true);
	arm_timer();
	return 0;
}

void clat_auto_reload(const struct xlatd_conf *c)
{
	set_lists(c);
	if (M.on)
		clat_auto_resync();
}

void clat_auto_resync(void)
{
	if (!M.on)
		return;
	/* Lists may have changed: every interface is looked at again. */
	link_monitor_replay(&M.lm);
	sync_all(true);
	arm_timer();
}

/*
 * The facts after an event.  A snapshot that cannot be had now (dumps
 * interrupted by a storm of changes) is taken again shortly, event or
 * not: the last event of a burst may already be behind us.
 */
#define LM_RETRY_MS 200

static void lm_process(void)
{
	int r = link_monitor_process(&M.lm);

	if (M.lm.overruns != M.lm_overruns) {
		log_info(NULL, "link monitor: netlink event overrun (ENOBUFS, %lu so far): the snapshot taken after it has every change",
			 M.lm.overruns);
		M.lm_overruns = M.lm.overruns;
	}
	if (M.lm.retries != M.lm_retries) {
		log_debug(NULL, "link monitor: %lu snapshots taken again so far (dumps interrupted by changes)",
			  M.lm.retries);
		M.lm_retries = M.lm.retries;
	}
	if (r >= 0) {
		if (M.lm_retry)
			log_info(NULL, "link monitor: in step again");
		M.lm_retry = 0;
		return;
	}
	if (!M.lm_retry)
		log_warn(NULL, "link monitor: no snapshot (%s): trying again every %d ms",
			 strerror(-r), LM_RETRY_MS);
	M.lm_retry = discovery_now() + LM_RETRY_MS;
}

const struct link_monitor *clat_auto_link_monitor(void)
{
	return M.lm_open ? &M.lm : NULL;
}

int clat_auto_fd(void)
{
	return M.epfd;
}

void clat_auto_process(void)
{
	struct epoll_event ev[16];
	uint64_t x, now;
	int n;

	n = epoll_wait(M.epfd, ev, 16, 0);
	for (int i = 0; i < n; i++) {
		if (ev[i].data.ptr == &M.timerfd) {
			if (read(M.timerfd, &x, sizeof(x)) < 0)
				x = 0;
		} else if (ev[i].data.ptr == &M.lm) {
			lm_process();
		}
	}
	if (M.lm_retry && discovery_now() >= M.lm_retry)
		lm_process();
	/* Every discovery gets its reads and its due timers, whichever fd
	 * woke us: cheap, and no expiry waits for an unrelated event. */
	now = discovery_now();
	for (int i = 0; i < MAX_UPLINKS; i++) {
		struct uplink *u = up_at(i);

		if (!u || !u->disc_on)
			continue;
		discovery_process(&u->disc, now);
		if (clat_plat_process(&u->plat, u->inst, now))
			u->dirty = true; /* a PLAT died or came back */
	}
	v6only_process(now);
	sync_all(false);
	for (int i = 0; i < MAX_UPLINKS; i++) {
		struct uplink *u = up_at(i);

		/* Keep the shown lifetime current without a restart. */
		if (u && u->inst && u->disc_on && !u->dirty)
			clat_auto_apply(u);
	}
	arm_timer();
}

void clat_auto_shutdown(void)
{
	for (int i = 0; i < MAX_UPLINKS; i++) {
		if (!M.up[i])
			continue;
		disc_stop(M.up[i]);
		clat_plat_close(&M.up[i]->plat);
		free(M.up[i]);
		M.up[i] = NULL;
	}
	if (M.lm_open)
		link_monitor_close(&M.lm);
	M.lm_open = false;
	if (M.timerfd >= 0)
		close(M.timerfd);
	if (M.epfd >= 0)
		close(M.epfd);
	M.timerfd = M.epfd = -1;
	M.on = false;
}
