/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RFC 6146 stateful NAT64: the public interface.
 *
 * A struct nat64 holds the Binding Information Bases and session tables of
 * one translator in one caller-provided memory block (nat64_mem_size()
 * says how big): nothing is allocated after nat64_init(), a full table
 * refuses new sessions and leaves the existing ones alone.  No I/O, no
 * globals, no clock: every call takes the time in milliseconds from the
 * caller.  Any number of threads may translate at once: the tables lock
 * themselves (by IPv6 host, rfc6146_int.h); the other calls are for one
 * control thread, as commented.
 *
 * Packets are translated by the RFC 7915 engine (xlat.h) with the
 * NAT'd address and port put in place on the IPv6 side: an IPv6 packet's
 * source (and for an ICMPv6 error the inner destination) is rewritten to
 * the pool6 form of its pool4 transport address before xlat_6to4(), and an
 * IPv4 packet's destination comes out of xlat_4to6() as the pool6 form of
 * the pool4 address and is rewritten to the IPv6 host's.  The rewrites
 * update checksums incrementally (RFC 1624), so what the engine sees is
 * always a consistent packet.
 */
#ifndef XLAT_RFC6146_H
#define XLAT_RFC6146_H

#include "xlat.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NAT64_POOL4_MAX 16
#define NAT64_STATIC_MAX 64

enum nat64_proto {
	NAT64_TCP,
	NAT64_UDP,
	NAT64_ICMP, /* ICMP query identifiers (echo) */
	NAT64_PROTO__COUNT
};

/* One pool4 entry: addresses of pfx, ports lo..hi, for one protocol. */
struct nat64_pool4 {
	enum nat64_proto proto;
	struct xlat_prefix4 pfx;
	uint16_t lo, hi;
};

/* A static BIB entry: (a6, p6) <-> (a4, p4), never expires. */
struct nat64_static {
	enum nat64_proto proto;
	struct in6_addr a6;
	struct in_addr a4;
	uint16_t p6, p4;
};

/* RFC 4787 filtering of packets from the IPv4 side. */
enum nat64_filter {
	NAT64_FILTER_EI, /* endpoint-independent */
	NAT64_FILTER_AD, /* address-dependent */
};

/* Session lifetimes (RFC 6146 section 4). */
enum nat64_timer {
	NAT64_T_UDP,       /* UDP_DEFAULT, 5 min */
	NAT64_T_TCP_EST,   /* TCP_EST, 2 h 4 min */
	NAT64_T_TCP_TRANS, /* TCP_TRANS, 4 min */
	NAT64_T_ICMP,      /* ICMP_DEFAULT, 60 s */
	NAT64_T__COUNT
};

/* RFC 6146 section 3.5.2.2 TCP states; CLOSED means "no session". */
enum nat64_tcp_state {
	NAT64_CLOSED,
	NAT64_V4_INIT,
	NAT64_V6_INIT,
	NAT64_ESTABLISHED,
	NAT64_V4_FIN_RCV,
	NAT64_V6_FIN_RCV,
	NAT64_V4_FIN_V6_FIN_RCV,
	NAT64_TRANS,
	NAT64_STATE__COUNT
};

struct nat64_cfg {
	/* pool6 and the RFC 7915 settings.  The NAT64 turns off the
	 * engine's own hairpinning, EAM and section 3.1 check: they are
	 * the stateful layer's business (see wkp_global_only). */
	struct xlat_cfg xlat;
	bool wkp_global_only; /* RFC 6052 3.1 for the IPv4 peers */
	struct nat64_pool4 pool4[NAT64_POOL4_MAX];
	unsigned int n_pool4;
	struct nat64_static statics[NAT64_STATIC_MAX];
	unsigned int n_static;
	enum nat64_filter filter;
	uint32_t max_sessions; /* the table's size */
	uint32_t max_per_host; /* sessions per IPv6 address; 0: no limit */
	uint32_t timeout_ms[NAT64_T__COUNT];
	/* RFC 6146 3.4: how long the fragments of a datagram may take,
	 * FRAGMENT_MIN (2 s) at least. */
	uint32_t frag_ms;
	/* RFC 6146 3.5.2.2: drop IPv4 SYNs that open no session at once,
	 * silently, instead of holding them TCP_INCOMING_SYN. */
	bool drop_external_tcp;
	uint64_t key[2]; /* secret of the hashes and of port selection */
};

/* Mapping events for RFC 6888 logging. */
enum nat64_event_kind {
	NAT64_EV_BIB_ADD,
	NAT64_EV_BIB_DEL,
	NAT64_EV_SESS_ADD,
	NAT64_EV_SESS_DEL,
};

struct nat64_event {
	enum nat64_event_kind kind;
	enum nat64_proto proto;
	struct in6_addr a6;
	struct in_addr a4, r4; /* r4/rport: the IPv4 peer (sessions only) */
	uint16_t p6, p4, rport;
};

typedef void nat64_log_fn(void *arg, const struct nat64_event *ev);

struct nat64_stats {
	uint64_t bib_added, bib_removed;
	uint64_t sess_added, sess_removed;
	uint64_t refused_table_full; /* session or BIB table full */
	uint64_t refused_host_limit; /* max_per_host reached */
	uint64_t refused_pool4;      /* no free pool4 port */
	uint64_t hairpinned;
	uint64_t syn_held;          /* unsolicited IPv4 SYNs kept 6 s */
	uint64_t syn_hold_full;     /* ... not kept: every slot taken */
	uint64_t syn_unreachable;   /* ... whose 6 s ran out (Port Unreachable) */
	uint64_t simultaneous_open; /* ... answered by a SYN from IPv6 */
	uint64_t tcp_probes;        /* idle established sessions probed */
};

/* A session (or BIB entry, then r4/rport/state/expires are zero). */
struct nat64_info {
	enum nat64_proto proto;
	struct in6_addr a6;
	struct in_addr a4, r4;
	uint16_t p6, p4, rport;
	bool is_static;
	enum nat64_tcp_state state;
	uint64_t expires; /* ms, on the caller's clock */
};

struct nat64;

/* Defaults: RFC 6146 section 4 timeouts, EI filtering, 65536 sessions. */
void nat64_cfg_init(struct nat64_cfg *cfg);

/* 0, or -1 with a message: pools, statics, timeouts, sizes. */
int nat64_cfg_validate(const struct nat64_cfg *cfg, char *err, size_t errlen);

/* Bytes of memory nat64_init() needs for cfg (cfg->max_sessions). */
size_t nat64_mem_size(const struct nat64_cfg *cfg);

/* Set up empty tables plus the static BIB in mem (8-byte aligned, at
 * least nat64_mem_size() bytes).  NULL if cfg does not validate. */
struct nat64 *nat64_init(void *mem, size_t size, const struct nat64_cfg *cfg);

void nat64_set_log(struct nat64 *nat, nat64_log_fn *fn, void *arg);

/*
 * Translate one packet.  nat64_6to4() rewrites pkt in place (the caller's
 * receive buffer) before translating it.  Verdicts as xlat_6to4() /
 * xlat_4to6(); a 6to4 packet for a pool4 address comes back as IPv6
 * (hairpinning, RFC 6146 section 3.8) with out->family AF_INET6.
 */
enum xlat_verdict nat64_6to4(struct nat64 *nat, uint8_t *pkt, size_t len,
			     struct xlat_out *out, uint64_t now);
enum xlat_verdict nat64_4to6(struct nat64 *nat, const uint8_t *pkt,
			     size_t len, struct xlat_out *out, uint64_t now);

/* The same for a packet read with a virtio-net header: flags
 * XLAT_F_GSO and XLAT_F_CSUM_PARTIAL as for xlat_packet_flags(). */
enum xlat_verdict nat64_6to4_flags(struct nat64 *nat, uint8_t *pkt,
				   size_t len, struct xlat_out *out,
				   uint64_t now, unsigned int flags);
enum xlat_verdict nat64_4to6_flags(struct nat64 *nat, const uint8_t *pkt,
				   size_t len, struct xlat_out *out,
				   uint64_t now, unsigned int flags);

/* Expire sessions whose lifetime ended at now, at most budget of them;
 * returns how many were handled. */
unsigned int nat64_expire(struct nat64 *nat, uint64_t now,
			  unsigned int budget);

/*
 * Packets expiry makes, one per call into out (true; false when none is
 * due at now).  Call after nat64_expire() until false:
 *  - RFC 6146 3.5.2.2: an established TCP session whose TCP_EST ran out
 *    is probed: an empty ACK (sequence and acknowledgment numbers 0) to
 *    its IPv6 host, whose answer brings the session back from TRANS;
 *  - an unsolicited IPv4 SYN held TCP_INCOMING_SYN (6 s) for a
 *    simultaneous open that did not come: its ICMP Port Unreachable
 *    (hairpinned: the ICMPv6 form, to the IPv6 host).
 */
bool nat64_expire_send(struct nat64 *nat, uint64_t now, struct xlat_out *out);

/* The next expiry time (ms) of a session or held SYN, or UINT64_MAX. */
uint64_t nat64_next_expiry(const struct nat64 *nat);

/* Counts and counters. */
uint32_t nat64_sessions(const struct nat64 *nat);
uint32_t nat64_bibs(const struct nat64 *nat);
const struct nat64_stats *nat64_stats(const struct nat64 *nat);
const struct nat64_cfg *nat64_cfg(const struct nat64 *nat);

/* Hold every lock of the tables (a consistent walk of them); translation
 * in other threads waits meanwhile. */
void nat64_lock_all(struct nat64 *nat);
void nat64_unlock_all(struct nat64 *nat);

/* Walk the tables (while other threads translate: between
 * nat64_lock_all() and nat64_unlock_all()): slot i (0 <= i < capacity)
 * into *inf, false when free. */
uint32_t nat64_sess_capacity(const struct nat64 *nat);
uint32_t nat64_bib_capacity(const struct nat64 *nat);
bool nat64_sess_get(const struct nat64 *nat, uint32_t i,
		    struct nat64_info *inf);
bool nat64_bib_get(const struct nat64 *nat, uint32_t i,
		   struct nat64_info *inf);

/* Update what can change without losing state: timeouts, limits,
 * filtering.  -1 when the pools, statics or the RFC 7915 settings differ
 * (then the caller builds a new table): those are read by translations
 * outside the locks. */
int nat64_reconfigure(struct nat64 *nat, const struct nat64_cfg *cfg);

const char *nat64_proto_name(enum nat64_proto p);
const char *nat64_state_name(enum nat64_tcp_state s);

/*
 * For a fast path in front of the tables (rfc6146_fast.c).  The flow of a
 * packet that is neither an ICMP error nor a later fragment, as the
 * tables key it (v6: from the IPv6 side; r4: the IPv4 peer).
 */
struct nat64_fast_flow {
	bool v6;
	enum nat64_proto proto;
	struct in6_addr l6;
	struct in_addr l4, r4;
	uint16_t lport, rport;
};

bool nat64_fast_flow(const struct nat64 *nat, const uint8_t *pkt, size_t len,
		     struct nat64_fast_flow *ff);
/* The session of ff into *inf, false if there is none. */
bool nat64_fast_get(struct nat64 *nat, const struct nat64_fast_flow *ff,
		    struct nat64_info *inf);
/*
 * A plain packet (no SYN, FIN or RST) of the session key (proto, a6/p6,
 * a4/p4, r4/rport) went through at `when` (ms) without the tables: its
 * lifetime and TCP state move as they would have.  The caller replays
 * in order: before any later packet of the session reaches the tables.
 * 1 done, -1 no such session.
 */
int nat64_fast_touch(struct nat64 *nat, const struct nat64_info *key,
		     uint64_t when);

#endif
