/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xlat464 translation engine: the public interface.
 *
 * The engine is pure: no I/O, no globals, no allocation.  A caller hands it
 * one packet (an IPv4 or IPv6 datagram starting at the IP header) and an
 * output area it owns; the engine answers with an explicit verdict:
 *
 *   XLAT_OUT    out->pkt[0..n-1] hold the translated packet(s) (more than
 *               one when an IPv4 packet had to be fragmented), of family
 *               out->family.  Normally the other family; AF_INET6 for an
 *               IPv6 packet hairpinned back (RFC 7757 section 4).
 *   XLAT_REPLY  out->pkt[0] is an ICMP error to send back towards the
 *               sender, in the input's family (Fragmentation Needed, Time
 *               Exceeded, Parameter Problem, ...).  out->reason says why
 *               the original packet was not forwarded.
 *   XLAT_DROP   nothing to send; out->reason names the cause.
 *
 * Every outcome is counted by xlat_account() into a caller-owned
 * struct xlat_stats.
 */
#ifndef XLAT_H
#define XLAT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Drop reasons.  The first column is the enum suffix, the second the name
 * shown to operators (counters, logs, JSON): keep names stable.
 */
#define XLAT_DROP_REASONS(X)                                                   \
	X(NONE, "none")                                                        \
	X(TRUNCATED, "truncated")                                              \
	X(BAD_VERSION, "bad_ip_version")                                       \
	X(BAD_IHL, "bad_ipv4_ihl")                                             \
	X(BAD_IP4_CSUM, "bad_ipv4_header_checksum")                            \
	X(BAD_LENGTH, "bad_total_length")                                      \
	X(BAD_L4_CSUM, "bad_l4_checksum")                                      \
	X(SRC_UNTRANSLATABLE, "src_untranslatable")                            \
	X(DST_UNTRANSLATABLE, "dst_untranslatable")                            \
	X(WKP_NONGLOBAL, "wkp_nonglobal_ipv4")                                 \
	X(TTL_EXPIRED, "ttl_expired")                                          \
	X(HOP_LIMIT_EXPIRED, "hop_limit_expired")                              \
	X(SOURCE_ROUTE, "ipv4_source_route")                                   \
	X(ROUTING_HDR, "ipv6_routing_header")                                  \
	X(BAD_EXTHDR, "bad_ipv6_extension_header")                             \
	X(FRAG_NEEDED, "fragmentation_needed")                                 \
	X(PKT_TOO_BIG, "packet_too_big")                                       \
	X(BAD_FRAGMENT, "bad_fragment")                                        \
	X(ICMP_UNTRANSLATABLE, "icmp_untranslatable")                          \
	X(ICMP_FRAGMENTED, "icmp_fragmented")                                  \
	X(ICMP_ERROR_NESTED, "icmp_error_in_icmp_error")                       \
	X(ICMP_ERROR_TRUNCATED, "icmp_error_inner_truncated")                  \
	X(ICMPV6_ND, "icmpv6_neighbor_discovery")                              \
	X(ICMPV6_MLD, "icmpv6_mld")                                            \
	X(IGMP, "igmp")                                                        \
	X(UDP_ZERO_CSUM, "udp_zero_checksum")                                  \
	X(UDP_ZERO_CSUM_FRAG, "udp_zero_checksum_fragment")                    \
	X(BAD_UDP_CSUM6, "udp_zero_checksum_ipv6")                             \
	X(UNSUPPORTED_PROTO, "unsupported_protocol")                           \
	X(MULTICAST, "multicast_or_broadcast")                                 \
	X(HAIRPIN_LOOP, "hairpin_loop")                                        \
	X(NO_SPACE, "output_buffer_too_small")                                 \
	X(BAD_VNET_HDR, "bad_virtio_net_header")                              \
	X(NAT64_NO_BIB, "nat64_no_mapping")                                    \
	X(NAT64_NO_SESSION, "nat64_no_session")                                \
	X(NAT64_FILTERED, "nat64_filtered")                                    \
	X(NAT64_TABLE_FULL, "nat64_session_table_full")                        \
	X(NAT64_HOST_LIMIT, "nat64_host_session_limit")                        \
	X(NAT64_POOL4_EXHAUSTED, "nat64_pool4_exhausted")                      \
	X(NAT64_FRAGMENT, "nat64_fragment_without_ports")                      \
	X(NAT64_FRAG_HELD, "nat64_fragment_held")                              \
	X(NAT64_SYN_HELD, "nat64_syn_held")                                    \
	X(NAT64_SYN_HOLD_FULL, "nat64_syn_hold_full")                          \
	X(NAT64_EXTERNAL_TCP, "nat64_external_tcp_dropped")

enum xlat_drop {
#define XLAT_X_ENUM(e, s) XLAT_DROP_##e,
	XLAT_DROP_REASONS(XLAT_X_ENUM)
#undef XLAT_X_ENUM
	XLAT_DROP__COUNT
};

enum xlat_verdict {
	XLAT_OUT,
	XLAT_REPLY,
	XLAT_DROP,
};

struct xlat_prefix4 {
	struct in_addr addr;
	uint8_t len; /* 0..32 */
};

struct xlat_prefix6 {
	struct in6_addr addr;
	uint8_t len; /* 0..128; pool6 uses 32, 40, 48, 56, 64 or 96 */
};

/* RFC 7757 Explicit Address Mapping: p4 <-> p6, equal suffix lengths. */
struct xlat_eam {
	struct xlat_prefix4 p4;
	struct xlat_prefix6 p6;
};

enum xlat_udp0 {
	XLAT_UDP0_COMPUTE, /* compute the checksum of zero-checksum IPv4 UDP */
	XLAT_UDP0_DROP,    /* drop it (RFC 7915 section 4.5 allows both) */
};

#define XLAT_POOL6791_MAX 8
#define XLAT_MAX_FRAGS 64 /* 65535 / (1280 - 48) rounded up, with room */

/*
 * Translator configuration.  Filled by the caller (xlat_cfg_init() gives
 * the defaults); read-only for the engine, so one cfg may serve several
 * threads.
 */
struct xlat_cfg {
	bool has_pool6;
	struct xlat_prefix6 pool6; /* RFC 6052 prefix */

	const struct xlat_eam *eam; /* RFC 7757 table, any order */
	unsigned int n_eam;

	/* RFC 6791 pool: IPv4 source for ICMPv6 errors whose IPv6 source
	 * cannot be translated.  Default: 192.0.0.8. */
	struct in_addr pool6791[XLAT_POOL6791_MAX];
	unsigned int n_pool6791;

	/* Source of the ICMP errors the translator itself generates. */
	struct in_addr self4;
	struct in6_addr self6;

	uint16_t lowest_ipv6_mtu; /* default 1280: DF=0 packets fragmented to it */
	/* MTU towards the IPv6 side for DF=1 packets (Fragmentation Needed
	 * with this - 20 when they do not fit); 0: not known here, the IPv6
	 * side's own MTU check answers with Packet Too Big, which comes back
	 * translated.  RFC 7915 section 4 compares DF=1 packets with the
	 * next-hop MTU, never with lowest-ipv6-mtu. */
	uint32_t ipv6_mtu;
	/* MTU towards the IPv4 side; 0: not known here (the kernel
	 * fragments DF=0 packets and answers DF=1 ones, which comes back
	 * translated).  Set: a 6->4 packet that would leave with DF=1 and
	 * exceed it gets Packet Too Big with this + 20 (RFC 7915 5.1, never
	 * below 1280); a DF=0 one is fragmented to it. */
	uint32_t ipv4_mtu;
	bool decrement_ttl;       /* router mode: true; host (CLAT) mode: false */
	/* TTL / hop limit decrements the data path around the engine makes
	 * itself: 2 when the kernel forwards packets into a TUN and the
	 * translated ones out of it.  The engine gives them back, so that
	 * the translator as a whole is one hop (RFC 7915 4.1, 5.1) with
	 * decrement_ttl, none without.  Default 0: the engine alone. */
	uint8_t ttl_kernel_hops;
	bool wkp_global_only;     /* RFC 6052 section 3.1, default true */
	bool hairpin;             /* RFC 7757 section 4, default true */
	bool reset_tos;           /* RFC 7915 4.1/5.1: zero TOS/traffic class */
	bool icmp_errors;         /* generate ICMP errors (default true) */
	enum xlat_udp0 udp0;      /* default XLAT_UDP0_COMPUTE */
};

/* One emitted packet: a slice of out->buf. */
struct xlat_pkt {
	uint32_t off;
	uint32_t len;
};

/*
 * Output area.  The caller sets buf and cap (XLAT_OUT_MIN is always
 * enough for one input packet of up to 65535 bytes, fragments included);
 * the engine sets the rest.
 */
struct xlat_out {
	uint8_t *buf;
	size_t cap;

	unsigned int n;
	struct xlat_pkt pkt[XLAT_MAX_FRAGS];
	int family; /* AF_INET or AF_INET6: family of out->pkt[] */
	enum xlat_drop reason;

	/* IPv4 Identification generator for 6->4 packets without a Fragment
	 * Header (RFC 7915 5.1).  Caller-owned state, kept across calls: one
	 * xlat_out per thread keeps the engine free of globals. */
	uint16_t next_id;
};

#define XLAT_OUT_MIN (65535 + XLAT_MAX_FRAGS * 64 + 2048)

/* Directions for counters. */
enum xlat_dir {
	XLAT_DIR_4TO6,
	XLAT_DIR_6TO4,
	XLAT_DIR__COUNT
};

struct xlat_dir_stats {
	uint64_t in_pkts, in_bytes;
	uint64_t out_pkts, out_bytes; /* translated packets emitted */
	uint64_t replies;             /* ICMP errors generated */
	uint64_t hairpinned;
	uint64_t drops;
	uint64_t drop[XLAT_DROP__COUNT];
};

struct xlat_stats {
	struct xlat_dir_stats dir[XLAT_DIR__COUNT];
};

void xlat_cfg_init(struct xlat_cfg *cfg);

enum xlat_verdict xlat_4to6(const struct xlat_cfg *cfg, const uint8_t *pkt,
			    size_t len, struct xlat_out *out);
enum xlat_verdict xlat_6to4(const struct xlat_cfg *cfg, const uint8_t *pkt,
			    size_t len, struct xlat_out *out);

/* Dispatch on the IP version nibble. */
enum xlat_verdict xlat_packet(const struct xlat_cfg *cfg, const uint8_t *pkt,
			      size_t len, struct xlat_out *out);

/*
 * Flags for xlat_packet_flags(), for packets read with a virtio-net
 * header (TUN offload).  The low byte stays free for the engine's own.
 *
 * XLAT_F_GSO: a TCP super-packet the kernel will segment after us: no
 * MTU check and no fragmentation; emitted as one packet.
 * XLAT_F_CSUM_PARTIAL: the TCP/UDP checksum field holds the folded
 * pseudo-header sum, not complemented (CHECKSUM_PARTIAL); it is moved to
 * the new pseudo-header the same way and completed by the kernel.
 */
#define XLAT_F_GSO (1u << 8)
#define XLAT_F_CSUM_PARTIAL (1u << 9)

enum xlat_verdict xlat_packet_flags(const struct xlat_cfg *cfg,
				    const uint8_t *pkt, size_t len,
				    struct xlat_out *out, unsigned int flags);
enum xlat_verdict xlat_6to4_flags(const struct xlat_cfg *cfg,
				  const uint8_t *pkt, size_t len,
				  struct xlat_out *out, unsigned int flags);

/* How much the engine itself lowers a TTL / hop limit: RFC 7915's one
 * decrement in router mode, less what the data path already takes
 * (negative: the engine gives the kernel's decrements back). */
static inline int xlat_ttl_step(const struct xlat_cfg *cfg)
{
	return (cfg->decrement_ttl ? 1 : 0) - (int)cfg->ttl_kernel_hops;
}

/* Whether a packet arriving with ttl expires in the engine (Time
 * Exceeded).  Never with ttl_kernel_hops >= decrement_ttl: the kernel
 * answered TTL <= 1 before the packet entered the TUN. */
static inline bool xlat_ttl_expires(const struct xlat_cfg *cfg, uint8_t ttl)
{
	int step = xlat_ttl_step(cfg);

	return step > 0 && ttl <= step;
}

/* The TTL / hop limit of the translated packet (not expired). */
static inline uint8_t xlat_ttl_next(const struct xlat_cfg *cfg, uint8_t ttl)
{
	int t = (int)ttl - xlat_ttl_step(cfg);

	return (uint8_t)(t > 255 ? 255 : t < 0 ? 0 : t);
}

static inline uint8_t *xlat_out_data(const struct xlat_out *out, unsigned int i)
{
	return out->buf + out->pkt[i].off;
}

void xlat_account(struct xlat_stats *st, enum xlat_dir dir, size_t in_len,
		  enum xlat_verdict v, const struct xlat_out *out);
void xlat_stats_add(struct xlat_stats *sum, const struct xlat_stats *st);

const char *xlat_drop_name(enum xlat_drop r);
const char *xlat_verdict_name(enum xlat_verdict v);

#endif
