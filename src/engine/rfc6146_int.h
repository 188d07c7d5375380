/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RFC 6146 internals shared by the BIB, session, packet and translation
 * files.  Tables are arrays indexed by uint32_t with NAT64_NIL as "none";
 * hash chains, free lists and the per-BIB and timer lists are index links,
 * so the whole state is one relocatable block without pointers inside
 * the entries.
 *
 * Locking (the worker threads of a data path translate concurrently):
 *  - NAT64_SHARDS shards by a hash of the IPv6 host.  A host's entry,
 *    its BIB entries, their sessions, the hash chains they sit on (the
 *    low bits of those buckets are the shard) and the timer lists are the
 *    shard's, under its lock.  So the per-host limit is exact and the
 *    4->6 side of a flow finds the same shard through the BIB entry's
 *    shard field.
 *  - The BIB's IPv4-side chains (h_bib4) mix shards: NAT64_STRIPES locks
 *    by bucket.  A 4->6 lookup reads the entry's shard under the stripe,
 *    then locks the shard and looks again (nat64_bib_lock4()).
 *  - The free lists and counts (one table size for all: table full is
 *    exact) under pool_lock; fragment notes and held fragments under
 *    frag_lock; held SYNs and queued probes under syn_lock; counters are
 *    atomic.
 * Order: shard, then syn lock, then stripe, pool or frag lock; never two
 * shards.
 * Translation itself runs outside every lock on a copy of the mapping.
 */
#ifndef XLAT_RFC6146_INT_H
#define XLAT_RFC6146_INT_H

#include "rfc6146.h"

#include <pthread.h>

#define NAT64_NIL 0xffffffffu

#define NAT64_BIB_USED 0x01
#define NAT64_BIB_STATIC 0x02

struct nat64_bib {
	struct in6_addr a6;
	struct in_addr a4;
	uint16_t p6, p4;
	uint8_t proto; /* enum nat64_proto */
	uint8_t flags;
	uint16_t shard; /* of a6: whose lock guards this entry */
	uint32_t next6, next4; /* hash chains; next6 links the free list */
	uint32_t sess;         /* first session of this BIB entry */
	uint32_t n_sess;
};

struct nat64_sess {
	uint64_t expires;
	struct in_addr r4; /* the IPv4 peer */
	uint32_t bib;
	uint16_t rport;
	uint8_t state; /* enum nat64_tcp_state; UDP/ICMP: ESTABLISHED */
	uint8_t timer; /* enum nat64_timer: the list it is on */
	uint32_t next;         /* hash chain; free list */
	uint32_t bprev, bnext; /* sessions of one BIB entry */
	uint32_t tprev, tnext; /* timer list, oldest first */
};

/* Sessions per IPv6 address, and its pool4 address (paired pooling). */
struct nat64_host {
	struct in6_addr a6;
	struct in_addr a4;
	uint32_t n;
	uint32_t next;
};

struct nat64_tq {
	uint32_t head, tail;
};

/* Fragments after the first find the mapping of the first here. */
#define NAT64_FRAG_SLOTS 1024
#define NAT64_FRAG_MS 2000 /* FRAGMENT_MIN, the default of cfg.frag_ms */
#define NAT64_FRAG_MAX_MS 60000

struct nat64_frag {
	uint64_t expires;
	struct in6_addr src, dst; /* IPv4: in the first 4 bytes */
	uint32_t id;
	uint32_t bib;
	struct in_addr a4; /* the BIB entry's, to find it and */
	uint16_t p4;       /* to tell a reused slot */
	uint8_t proto, v6;
};

/* Fragments that come before their first wait here, a little while. */
#define NAT64_HELD_SLOTS 16
#define NAT64_HELD_BYTES 1536

struct nat64_held {
	struct nat64_frag k; /* k.expires 0: free */
	uint32_t len;
	uint8_t data[NAT64_HELD_BYTES];
};

/*
 * Unsolicited IPv4 SYNs held TCP_INCOMING_SYN (RFC 6146 section 3.5.2.2)
 * for a simultaneous open from IPv6; the copy is what the Port
 * Unreachable quotes if none comes (576 - 28 bytes, RFC 1812 4.3.2.3).
 */
#define NAT64_SYN_SLOTS 64
#define NAT64_SYN_BYTES 548
#define NAT64_TCP_INCOMING_SYN_MS 6000

struct nat64_syn {
	uint64_t expires;      /* 0: free */
	struct in_addr r4, l4; /* the IPv4 peer, the pool4 address it called */
	uint16_t rport, lport;
	uint16_t len;
	uint8_t data[NAT64_SYN_BYTES];
};

/* Probes of idle established TCP sessions waiting to be sent. */
#define NAT64_PROBE_SLOTS 256

struct nat64_probe {
	struct in6_addr a6; /* the IPv6 host's end */
	struct in_addr r4;  /* the IPv4 peer */
	uint16_t p6, rport;
};

#define NAT64_SHARDS 64  /* a power of two */
#define NAT64_STRIPES 256 /* a power of two */

struct nat64_shard {
	pthread_mutex_t lock;
	struct nat64_tq tq[NAT64_T__COUNT];
	uint32_t next_ephemeral; /* RFC 6056 algorithm 3 counter */
	/* a shard per two cache lines: no false sharing between locks */
	uint8_t pad[128 - sizeof(pthread_mutex_t) -
		    NAT64_T__COUNT * sizeof(struct nat64_tq) - 4];
};

struct nat64_stripe {
	pthread_mutex_t lock;
	uint8_t pad[64 - sizeof(pthread_mutex_t)];
};

/* A BIB entry's mapping, copied under its lock for the translation. */
struct nat64_map {
	struct in6_addr a6;
	struct in_addr a4;
	uint16_t p6, p4;
};

struct nat64 {
	struct nat64_cfg cfg;
	struct nat64_bib *bib;
	struct nat64_sess *sess;
	struct nat64_host *host;
	uint32_t *h_bib6, *h_bib4, *h_sess, *h_host;
	uint32_t bib_cap, sess_cap, host_cap;
	uint32_t bib_mask, sess_mask, host_mask;
	uint32_t free_bib, free_sess, free_host;
	uint32_t n_bib, n_sess, n_host; /* atomic */
	struct nat64_stats st;          /* atomic */
	nat64_log_fn *log;
	void *log_arg;
	struct nat64_shard *shard;   /* NAT64_SHARDS */
	uint32_t expire_from;        /* nat64_expire()'s first shard */
	struct nat64_stripe *stripe; /* NAT64_STRIPES, over h_bib4 */
	pthread_mutex_t pool_lock;
	pthread_mutex_t frag_lock;
	pthread_mutex_t syn_lock; /* held SYNs and queued probes */
	struct nat64_frag *frag; /* NAT64_FRAG_SLOTS */
	struct nat64_held *held; /* NAT64_HELD_SLOTS */
	struct nat64_syn *syn;   /* NAT64_SYN_SLOTS */
	struct nat64_probe probe[NAT64_PROBE_SLOTS];
	uint32_t n_probe;
};

#define NAT64_COUNT(nat, field) \
	__atomic_fetch_add(&(nat)->st.field, 1, __ATOMIC_RELAXED)

/* rfc6146_lock.c: the shards (see the top of this file). */
uint32_t nat64_shard_of(const struct nat64 *nat, const struct in6_addr *a6);
void nat64_lock(struct nat64 *nat, uint32_t shard);
void nat64_unlock(struct nat64 *nat, uint32_t shard);
void nat64_locks_init(struct nat64 *nat);
/* A hash bucket of a table of mask + 1 heads whose low bits are shard. */
static inline uint32_t nat64_bucket(uint32_t h, uint32_t mask, uint32_t shard)
{
	return (h & mask & ~(uint32_t)(NAT64_SHARDS - 1)) | shard;
}
/* The BIB entry of (p, a4, p4) with its shard locked (*shard), or NULL
 * with nothing locked. */
struct nat64_bib *nat64_bib_lock4(struct nat64 *nat, enum nat64_proto p,
				  const struct in_addr *a4, uint16_t p4,
				  uint32_t *shard);
void nat64_map_of(const struct nat64_bib *b, struct nat64_map *m);

/* rfc6146_hash.c: SipHash-2-4. */
uint64_t nat64_siphash(const uint64_t key[2], const void *data, size_t len);

/* rfc6146_bib.c; shard: nat64_shard_of(a6), locked. */
struct nat64_bib *nat64_bib_find6(struct nat64 *nat, uint32_t shard,
				  enum nat64_proto p, const struct in6_addr *a6,
				  uint16_t p6);
/* Under a stripe lock: the IPv4 side's bucket and the lookup in it. */
uint32_t nat64_bib_bucket4(const struct nat64 *nat, enum nat64_proto p,
			   const struct in_addr *a4, uint16_t p4);
struct nat64_bib *nat64_bib_find4(struct nat64 *nat, uint32_t bucket,
				  enum nat64_proto p, const struct in_addr *a4,
				  uint16_t p4);
struct nat64_bib *nat64_bib_new(struct nat64 *nat, uint32_t shard,
				enum nat64_proto p, const struct in6_addr *a6,
				uint16_t p6, enum xlat_drop *why);
/* A new entry on exactly (a4, p4), when pool4 has it and it is free. */
struct nat64_bib *nat64_bib_new_at(struct nat64 *nat, uint32_t shard,
				   enum nat64_proto p,
				   const struct in6_addr *a6, uint16_t p6,
				   const struct in_addr *a4, uint16_t p4);
int nat64_bib_add_static(struct nat64 *nat, const struct nat64_static *s);
void nat64_bib_put(struct nat64 *nat, struct nat64_bib *b);
bool nat64_pool4_contains(const struct nat64_cfg *cfg,
			  const struct in_addr *a);
struct nat64_host *nat64_host_find(struct nat64 *nat,
				   const struct in6_addr *a6);
void nat64_event(struct nat64 *nat, enum nat64_event_kind k,
		 const struct nat64_bib *b, const struct nat64_sess *s);

struct nat64_flow;

/* rfc6146_frag.c: the BIB entry of a datagram's first fragment (noted
 * under b's shard lock; found as a copy of its mapping, false when it is
 * gone). */
void nat64_frag_note(struct nat64 *nat, const struct nat64_flow *f,
		     bool v6, const struct nat64_bib *b, uint64_t now);
bool nat64_frag_find(struct nat64 *nat, const struct nat64_flow *f, bool v6,
		     uint64_t now, struct nat64_map *m);
/* Keep a copy of a fragment whose first has not come: false if it cannot
 * be kept (too big). */
bool nat64_frag_hold(struct nat64 *nat, const struct nat64_flow *f, bool v6,
		     const uint8_t *pkt, size_t len, uint64_t now);
/* A held fragment of the same datagram as f, taken out of the table and
 * copied into buf (NAT64_HELD_BYTES): its length, or 0 if none. */
uint32_t nat64_frag_unhold(struct nat64 *nat, const struct nat64_flow *f,
			   bool v6, uint64_t now, uint8_t *buf);

/* rfc6146_session.c */
struct nat64_sess *nat64_sess_find(struct nat64 *nat, struct nat64_bib *b,
				   const struct in_addr *r4, uint16_t rport);
bool nat64_sess_addr_known(struct nat64 *nat, const struct nat64_bib *b,
			   const struct in_addr *r4);
struct nat64_sess *nat64_sess_new(struct nat64 *nat, struct nat64_bib *b,
				  const struct in_addr *r4, uint16_t rport,
				  enum xlat_drop *why);
void nat64_sess_set_timer(struct nat64 *nat, struct nat64_sess *s,
			  enum nat64_timer t, uint64_t now);
void nat64_sess_del(struct nat64 *nat, struct nat64_sess *s);

struct nat64_flow;

/* rfc6146_syn.c: held IPv4 SYNs (section 3.5.2.2), under syn_lock. */
/* Keep the SYN of flow f (from IPv4); XLAT_DROP_NAT64_SYN_HELD when kept
 * or already kept, XLAT_DROP_NAT64_SYN_HOLD_FULL when no slot is free. */
enum xlat_drop nat64_syn_hold(struct nat64 *nat, const struct nat64_flow *f,
			      const uint8_t *pkt, size_t len, uint64_t now);
/* A live held SYN from the IPv4 peer (r4, rport), copied into *copy
 * (without its bytes), or NULL. */
struct nat64_syn *nat64_syn_find(struct nat64 *nat, const struct in_addr *r4,
				 uint16_t rport, uint64_t now,
				 struct nat64_syn *copy);
/* The held SYN found as h is let go (if still held). */
void nat64_syn_forget(struct nat64 *nat, const struct nat64_syn *h);
uint64_t nat64_syn_next_expiry(struct nat64 *nat);
/* The next held SYN whose 6 s ran out: its error in out (true). */
bool nat64_syn_expired(struct nat64 *nat, uint64_t now, struct xlat_out *out);

/* rfc6146_probe.c: queue the probe of session s (its TCP_EST ran out). */
void nat64_probe_queue(struct nat64 *nat, const struct nat64_sess *s);
/*
 * An ICMPv4 error (type, code) from the pool4 address pkt was sent to,
 * back to its source, quoting it (RFC 1812: 576 bytes at most); none for
 * an ICMP error, a later fragment, a non-unicast source, or when
 * icmp-errors is off (then a plain drop with why).
 */
enum xlat_verdict nat64_reply4(const struct nat64 *nat, const uint8_t *pkt,
			       size_t len, struct xlat_out *out, uint8_t type,
			       uint8_t code, enum xlat_drop why);

/* An IPv4 source a host can have: not 0/8, 127/8, class D/E or
 * broadcast. */
static inline bool nat64_unicast4(const uint8_t *a)
{
	return a[0] != 0 && a[0] != 127 && a[0] < 224;
}

/* rfc6146.c: the IPv4 side's processing (hp: a hairpinned packet); no
 * lock held by the caller. */
enum xlat_verdict nat64_in4(struct nat64 *nat, const uint8_t *pkt, size_t len,
			    struct xlat_out *out, uint64_t now, bool hp);

/* TCP flags the state machine looks at. */
#define NAT64_TCP_FIN 0x01
#define NAT64_TCP_SYN 0x02
#define NAT64_TCP_RST 0x04

/*
 * RFC 6146 section 3.5.2.2 for an existing session: one packet from the
 * IPv6 side (from6) or the IPv4 side with TCP flags; moves the state and
 * the lifetime.
 */
void nat64_tcp_step(struct nat64 *nat, struct nat64_sess *s, bool from6,
		    uint8_t flags, uint64_t now);

/* rfc6146_pkt.c: the flow a packet belongs to, seen from the NAT64. */
struct nat64_flow {
	enum nat64_proto proto;
	bool error;    /* an ICMP error: the flow is its inner packet's */
	bool frag;     /* a fragment (non-atomic) */
	bool tail;     /* a fragment after the first: no ports, no flags */
	uint32_t fid;  /* its Identification */
	uint8_t tcp;   /* NAT64_TCP_* of a TCP segment */
	uint8_t hlim;  /* hop limit / TTL of the outer header */
	/* local: the IPv6 host's end (6to4) or the pool4 end (4to6);
	 * remote: the IPv4 peer (in its pool6 form for 6to4). */
	struct in6_addr l6, r6;
	struct in_addr l4, r4;
	uint16_t lport, rport; /* ICMP: lport is the identifier, rport 0 */
};

/* 0 on success, or the drop reason of a packet the NAT64 cannot place
 * (XLAT_DROP_NONE is never returned as an error). */
enum xlat_drop nat64_flow6(const uint8_t *p, size_t len, struct nat64_flow *f);
enum xlat_drop nat64_flow4(const uint8_t *p, size_t len, struct nat64_flow *f);

/*
 * Put a (address, port) in place of the local end of an IPv6 packet: its
 * source and, in an ICMPv6 error, the inner destination (local_src), or
 * its destination and the inner source.  Checksums follow (RFC 1624).
 */
void nat64_rewrite6(uint8_t *p, size_t len, bool local_src,
		    const struct in6_addr *a, uint16_t port);
/* The same for a packet whose TCP/UDP checksum is CHECKSUM_PARTIAL (the
 * folded pseudo-header sum, XLAT_F_CSUM_PARTIAL): only the address moves
 * it, the port is summed by whoever finishes it. */
void nat64_rewrite6_partial(uint8_t *p, size_t len, bool local_src,
			    const struct in6_addr *a, uint16_t port);

#endif
