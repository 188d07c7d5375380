/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAT64 prefix discovery for one interface: PREF64 from Router
 * Advertisements (RFC 8781), else RFC 7050 through the interface's own
 * resolvers, unless a static prefix overrides both.
 *
 * No threads: the caller watches discovery_fd() (an epoll fd, readable
 * when a socket inside is) and wakes at discovery_next_deadline(); on
 * either it calls discovery_process(now).  Changes of the chosen prefix
 * are reported through the callback, from inside these calls only.
 * Times are CLOCK_MONOTONIC milliseconds (discovery_now()).
 *
 * discovery_init() alone gives the pure state machine (no sockets; the
 * DNS queries it would send are only counted): that is how the unit
 * tests drive it.  discovery_start() adds the netlink listener, the
 * Router Solicitation and real DNS queries.
 */
#ifndef XLAT_DISCOVERY_H
#define XLAT_DISCOVERY_H

#include "control/nd_monitor.h"
#include "control/pref64.h"
#include "control/rfc7050.h"

#include <stdbool.h>
#include <stdint.h>

#define DISC_NEVER UINT64_MAX
#define DISC_DNS_DELAY_MS 2000      /* give an RA (after our RS) a head start */
#define DISC_DNS_FLOOR_MS 60000     /* refresh no more often than this */
#define DISC_DNS_GRACE_MS 60000     /* keep a DNS prefix this long past its TTL */
#define DISC_DNS_RETRY_MIN_MS 2000  /* retry after a failed query: doubling */
#define DISC_DNS_RETRY_MAX_MS 60000

enum discovery_source {
	DISC_SRC_NONE,
	DISC_SRC_RA,
	DISC_SRC_DNS,
	DISC_SRC_STATIC,
};

enum discovery_event {
	DISC_EV_APPEARED,   /* none before */
	DISC_EV_CHANGED,    /* another prefix replaces the old one */
	DISC_EV_WITHDRAWN,  /* lifetime 0, a negative DNS answer */
	DISC_EV_EXPIRED,    /* the lifetime ran out */
};

struct discovery_state {
	enum discovery_source source;
	struct xlat_prefix6 prefix;
	uint64_t expires;   /* DISC_NEVER for a static prefix */
};

struct discovery;

/* cur is the new state (source NONE after withdrawal/expiry), old the
 * one reported before. */
typedef void (*discovery_cb)(void *arg, enum discovery_event ev,
			     const struct discovery_state *cur,
			     const struct discovery_state *old);

struct discovery_cfg {
	int ifindex;
	bool has_static;
	struct xlat_prefix6 static_prefix;
	bool no_ra;              /* ignore PREF64 */
	bool no_dns;             /* never ask DNS */
	bool no_rs;              /* do not solicit at start */
	const char *resolv_conf; /* fallback resolvers: /etc/resolv.conf */
	unsigned int dns_delay_ms;
	discovery_cb cb;
	void *arg;
};

struct disc_rdnss {
	bool used;
	struct in6_addr addr;
	uint64_t expires;
};

struct discovery {
	struct discovery_cfg cfg;
	bool started;
	int epfd;
	struct nd_monitor mon;
	struct pref64_table ra;
	struct disc_rdnss rdnss[ND_RDNSS_MAX];
	/* RFC 7050 */
	struct rfc7050_query q;
	bool dns_valid;
	struct xlat_prefix6 dns_prefix;
	uint64_t dns_expires;
	uint64_t dns_next;          /* next query, DISC_NEVER: none planned */
	unsigned int dns_failures;
	unsigned long dns_queries;  /* started (or, without sockets, due) */
	int rs_err;                 /* of the Router Solicitation at start */
	uint64_t now;               /* of the discovery_process() running */
	bool reading;               /* inside it, reading RA options */
	struct discovery_state cur; /* as last reported */
};

void discovery_cfg_init(struct discovery_cfg *cfg, int ifindex);
void discovery_init(struct discovery *d, const struct discovery_cfg *cfg,
		    uint64_t now);
/* Open the sockets, send the RS.  0 or a negative errno. */
int discovery_start(struct discovery *d, uint64_t now);
void discovery_close(struct discovery *d);

int discovery_fd(const struct discovery *d);
uint64_t discovery_next_deadline(const struct discovery *d);
/* Read whatever is pending, then run the timers due at now. */
void discovery_process(struct discovery *d, uint64_t now);
/* Only the timers (what discovery_process() does after reading). */
void discovery_timeouts(struct discovery *d, uint64_t now);
const struct discovery_state *discovery_current(const struct discovery *d);
/*
 * Every valid prefix in the order it would be chosen: a static prefix
 * alone; else the RA candidates (pref64_table_candidates()), then
 * RFC 7050's; each prefix once.  out[0] is discovery_current()'s.  Returns how many.
 */
int discovery_candidates(const struct discovery *d, uint64_t now,
			 struct discovery_state *out, int max);

/* Inputs, exposed for the tests (nd_monitor and the query call them). */
void discovery_on_pref64(struct discovery *d, const struct in6_addr *router,
			 const struct pref64_opt *o, uint64_t now);
void discovery_on_rdnss(struct discovery *d, const struct rdnss_opt *o,
			uint64_t now);
void discovery_on_dns(struct discovery *d, const struct rfc7050_result *res,
		      uint64_t now);
void discovery_on_dns_failure(struct discovery *d, uint64_t now);
/* The resolvers a query goes to: RDNSS of the link, else resolv.conf. */
int discovery_servers(const struct discovery *d, struct rfc7050_server *out,
		      int max, uint64_t now);

uint64_t discovery_now(void);
const char *discovery_source_name(enum discovery_source s);
const char *discovery_event_name(enum discovery_event e);

#endif
