/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shared-address CLAT's port translation (docs/clat-shared.md): a
 * stateful NAPT on the CLAT's IPv4 side, so that translated flows can
 * leave with the host's own IPv6 address.  Outbound, the source port of
 * TCP and UDP (the identifier of ICMP echo) becomes a port P of the
 * configured range; inbound, P goes back to the host's port.
 *
 *   mapping:  endpoint-independent, keyed by (protocol, internal port);
 *             one per key, whatever the remote (RFC 4787 REQ-1), and any
 *             remote may use it while it lives (endpoint-independent
 *             filtering; inbound packets never create one).
 *   ports:    a random start in the range, then the first free port; the
 *             caller's reserve() may refuse one (a host socket holds it)
 *             and the next is tried.
 *   size:     at most max_maps mappings (allocated once at init); a new
 *             flow beyond that is refused and counted.
 *   timeouts: UDP, ICMP and TCP (a light tracker: SYN, FIN, RST after
 *             RFC 6146 3.5.2.2: transitory until the SYN is answered,
 *             established until both FINs or an RST).
 *
 * Pure: no I/O, no globals, no clock, no locks, no allocation.  The
 * caller provides the table's memory (clat_napt_mem_size()), passes the
 * time (ms, any monotonic origin) and random numbers, serialises calls,
 * and does the I/O in the callbacks (reserve a port, release it).
 * Packets are IPv4 (the CLAT's side), rewritten in place with RFC 1624
 * incremental checksum updates.
 */
#ifndef XLAT_CLAT_NAPT_H
#define XLAT_CLAT_NAPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NAPT_PORT_LO_DEFAULT 61000 /* above Linux's ephemeral 32768-60999 */
#define NAPT_PORT_HI_DEFAULT 65535
/* Defaults at or above the RFCs' floors, which xlatd.conf enforces
 * (config_clat.c) unless allow-short-timeouts = yes. */
#define NAPT_TO_UDP_DEFAULT 300        /* s, RFC 4787 REQ-5c (floor 120, REQ-5) */
#define NAPT_TO_TCP_EST_DEFAULT 7440   /* s, the floor of RFC 5382 REQ-5 */
#define NAPT_TO_TCP_TRANS_DEFAULT 240  /* s, the floor of RFC 5382 REQ-5 */
#define NAPT_TO_ICMP_DEFAULT 60        /* s, the floor of RFC 5508 REQ-2 */
/* Reservations refused in a row before a new flow is given up. */
#define NAPT_RESERVE_TRIES 64

enum napt_proto { NAPT_TCP, NAPT_UDP, NAPT_ICMP, NAPT__NPROTO };

/* The light TCP tracker (RFC 6146 3.5.2.2, from the inside's view). */
enum napt_tcp_state {
	NAPT_TCP_SYN_SENT, /* outbound SYN, no answer yet: transitory */
	NAPT_TCP_EST,      /* both SYNs seen: established timeout */
	NAPT_TCP_FIN_OUT,  /* the host sent FIN */
	NAPT_TCP_FIN_IN,   /* the remote sent FIN */
	NAPT_TCP_FIN_BOTH, /* both: transitory, not refreshed any more */
	NAPT_TCP_TRANS,    /* after an RST: transitory; other packets revive */
};

struct clat_napt_cfg {
	uint16_t port_lo, port_hi; /* external range, inclusive */
	uint32_t max_maps;         /* table size, all protocols */
	uint32_t to_udp, to_tcp_est, to_tcp_trans, to_icmp; /* seconds */
};

struct clat_napt_map {
	uint8_t proto;       /* enum napt_proto */
	uint8_t tcp;         /* enum napt_tcp_state (TCP only) */
	uint16_t in_port;    /* the host's port or echo identifier */
	uint16_t ext_port;   /* P, in the range */
	bool used;
	uint64_t expires;    /* ms, caller's clock */
	uint32_t next_free;
};

#define CLAT_NAPT_COUNTERS(X)                                                  \
	X(CREATED, "napt_created")                                             \
	X(EXPIRED, "napt_expired")                                             \
	X(OUT, "napt_out")                                                     \
	X(IN, "napt_in")                                                       \
	X(ICMP_ERR, "napt_icmp_errors_rewritten")                              \
	X(PASS_FRAG, "napt_pass_fragment")                                     \
	X(PORT_IN_USE, "napt_port_in_use")                                     \
	X(DROP_FULL, "napt_drop_table_full")                                   \
	X(DROP_NO_PORT, "napt_drop_ports_exhausted")                           \
	X(DROP_RESERVE, "napt_drop_reserve_failed")                            \
	X(DROP_TCP_NO_SYN, "napt_drop_tcp_not_syn")                            \
	X(DROP_PROTO, "napt_drop_protocol")                                    \
	X(DROP_MALFORMED, "napt_drop_malformed")                               \
	X(DROP_NO_MAP, "napt_drop_no_mapping")                                 \
	X(IN_REASSEMBLED, "napt_in_reassembled")

enum clat_napt_counter {
#define NAPT_X_ENUM(e, s) NAPT_C_##e,
	CLAT_NAPT_COUNTERS(NAPT_X_ENUM)
#undef NAPT_X_ENUM
	NAPT_C__COUNT
};

/*
 * I/O the table asks of its owner.  reserve(): make P unusable for the
 * host's sockets and route its returning packets to the CLAT; 0, or
 * -EADDRINUSE when a host socket has P (the next port is tried), or
 * another negative errno (the flow is refused).  release(): undo it.
 * Either may be NULL (tests, or nothing to reserve).
 */
struct clat_napt_ops {
	int (*reserve)(void *arg, enum napt_proto p, uint16_t port);
	void (*release)(void *arg, enum napt_proto p, uint16_t port);
	void *arg;
};

struct clat_napt {
	struct clat_napt_cfg cfg;
	struct clat_napt_ops ops;
	struct clat_napt_map *map;   /* cfg.max_maps */
	uint32_t *by_in;             /* [proto][port]: map index + 1, 0 none */
	uint32_t *by_ext;            /* [proto][port - lo]: map index + 1 */
	uint32_t free_head;          /* index + 1 of the first free map */
	uint32_t n_used;
	uint32_t n_proto[NAPT__NPROTO];
	uint64_t ctr[NAPT_C__COUNT];
};

enum napt_verdict { NAPT_PASS, NAPT_DROP };

/* Defaults for every field (61000-65535, 4536 x 3 mappings, RFC timeouts). */
void clat_napt_cfg_default(struct clat_napt_cfg *c);
/* NULL when c is usable, else what is wrong with it. */
const char *clat_napt_cfg_check(const struct clat_napt_cfg *c);

/* Bytes of memory a table for c needs (8-byte aligned). */
size_t clat_napt_mem_size(const struct clat_napt_cfg *c);
/* Set up the table in mem (zeroed here); 0 or -EINVAL.  ops may be NULL. */
int clat_napt_init(struct clat_napt *t, const struct clat_napt_cfg *c,
		   const struct clat_napt_ops *ops, void *mem);
/* Release every mapping (release() runs for each); mem stays the caller's. */
void clat_napt_clear(struct clat_napt *t);

/*
 * An IPv4 packet from the host (the TUN), before translation to IPv6:
 * the source port / echo identifier becomes the external one, creating
 * the mapping if needed (TCP: only with a SYN); an ICMP error about a
 * packet the CLAT delivered gets its quoted destination port rewritten.
 * csum_partial: the TCP/UDP checksum field holds only the pseudo-header
 * sum (offload, GSO), so the ports are not in it and it is left alone.
 * rnd: a fresh random number (port choice).  NAPT_DROP: counted.
 */
enum napt_verdict clat_napt_out(struct clat_napt *t, uint8_t *pkt, size_t len,
				bool csum_partial, uint64_t now_ms,
				uint32_t rnd);

/*
 * An IPv4 packet translated from the uplink, before the TUN: the
 * destination port / echo identifier goes back to the host's, or, for an
 * ICMP error, the quoted packet's source port.  No mapping: NAPT_DROP.
 */
enum napt_verdict clat_napt_in(struct clat_napt *t, uint8_t *pkt, size_t len,
			       uint64_t now_ms);

/*
 * A UDP datagram the kernel reassembled from IPv6 fragments for the
 * reservation socket of external port ext (a later fragment has no port,
 * so the ingress program leaves fragments to the kernel).  Build the
 * IPv4 packet the host gets in buf: the payload is already at buf + 28,
 * payload_len bytes; headers from src4:sport to dst4 and the mapping's
 * internal port go in front, with the UDP checksum.  Returns the packet's
 * length, or 0 when ext has no UDP mapping or the datagram does not fit
 * IPv4 (dropped, counted).
 */
struct in_addr;
size_t clat_napt_udp_in(struct clat_napt *t, uint8_t *buf, size_t payload_len,
			const struct in_addr *src4, uint16_t sport,
			const struct in_addr *dst4, uint16_t ext, uint8_t ttl,
			uint8_t tos, uint16_t id, uint64_t now_ms);

/* Remove the mappings that expired by now (release() for each): count. */
unsigned int clat_napt_expire(struct clat_napt *t, uint64_t now_ms);

/* The live mapping of (p, external port), or NULL. */
const struct clat_napt_map *clat_napt_find_ext(const struct clat_napt *t,
					       enum napt_proto p, uint16_t port);
const struct clat_napt_map *clat_napt_find_in(const struct clat_napt *t,
					      enum napt_proto p, uint16_t port);

/* Live mappings of protocol p, and the name of counter i. */
uint32_t clat_napt_count(const struct clat_napt *t, enum napt_proto p);
const char *clat_napt_counter_name(unsigned int i);
const char *clat_napt_proto_name(enum napt_proto p);

#endif
