/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Neighbour Discovery for the CLAT address (pure: no I/O).
 *
 * The CLAT IPv6 address is not a kernel address (see docs/clat-datapath.md),
 * so xlatd itself defends it: it parses Neighbour Solicitations and
 * Advertisements (RFC 4861 7.1 validity rules), builds the Neighbour
 * Advertisements that answer them and the NS of Duplicate Address
 * Detection, and runs DAD (RFC 4862 5.4, with the RFC 7527 nonce) as a
 * state machine driven by the caller's clock and received packets.
 */
#ifndef XLAT_NDP_H
#define XLAT_NDP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NDP_NS 135
#define NDP_NA 136

#define NDP_NA_ROUTER    0x80000000u
#define NDP_NA_SOLICITED 0x40000000u
#define NDP_NA_OVERRIDE  0x20000000u

/* An NS with a link-layer option, or an NA with one. */
#define NDP_PKT_MAX (40 + 24 + 8 + 8)

struct ndp_msg {
	uint8_t type; /* NDP_NS or NDP_NA */
	struct in6_addr src, dst, target;
	uint32_t na_flags;  /* NDP_NA_* (NA only) */
	bool has_lla;       /* source (NS) / target (NA) link-layer option */
	uint8_t lla[6];
	bool has_nonce;     /* RFC 7527 nonce option (NS only) */
	uint8_t nonce[6];
};

/*
 * Parse an IPv6 packet carrying an NS or NA with no extension header.
 * Returns 0, or -1 for anything else or anything RFC 4861 7.1.1 / 7.1.2
 * tells a node to discard silently (hop limit, checksum, lengths,
 * multicast target or source, option lengths, DAD NS rules, S flag on multicast).
 */
int ndp_parse(const uint8_t *pkt, size_t len, struct ndp_msg *m);

/*
 * Build an NA for target from src to dst with flags (NDP_NA_*) and a
 * target link-layer address option mac: hop limit 255, checksum set.
 * Returns the length (at most NDP_PKT_MAX), or 0 if cap is too small.
 */
size_t ndp_build_na(uint8_t *buf, size_t cap, const struct in6_addr *src,
		    const struct in6_addr *dst, const struct in6_addr *target,
		    uint32_t flags, const uint8_t mac[6]);

/* The DAD probe: source ::, destination the solicited-node group of
 * target, a nonce option, no source link-layer option. */
size_t ndp_build_dad_ns(uint8_t *buf, size_t cap, const struct in6_addr *target,
			const uint8_t nonce[6]);

/*
 * How to answer ns for our address ours: false when it is not for us.
 * A DAD probe (source ::) is answered to all-nodes without S (RFC 4861
 * 7.2.4), which is also how we defend the address; any other NS gets a
 * solicited NA back to its source.
 */
bool ndp_ns_answer(const struct ndp_msg *ns, const struct in6_addr *ours,
		   struct in6_addr *dst, uint32_t *flags);

enum ndp_dad_state {
	NDP_DAD_IDLE,
	NDP_DAD_PROBING,
	NDP_DAD_CONFLICT, /* until the next ndp_dad_poll() */
	NDP_DAD_DONE,
	NDP_DAD_FAILED,
};

enum ndp_dad_action {
	NDP_DAD_WAIT,     /* nothing now; poll again within *wait_ms */
	NDP_DAD_SEND_NS,  /* send ndp_build_dad_ns(target, nonce) */
	NDP_DAD_NEW_ADDR, /* conflict: pick another address, ndp_dad_begin() */
	NDP_DAD_OK,       /* the address is ours to use */
	NDP_DAD_GIVE_UP,  /* max_tries addresses all conflicted */
};

struct ndp_dad {
	enum ndp_dad_state state;
	struct in6_addr target;
	uint8_t nonce[6];
	unsigned int probes;    /* NS per address (DupAddrDetectTransmits) */
	unsigned int sent;
	unsigned int conflicts;
	unsigned int max_tries; /* addresses to try before giving up */
	uint64_t retrans_ms;    /* RetransTimer */
	uint64_t next_ms;       /* next NS, or the verdict after the last */
};

void ndp_dad_init(struct ndp_dad *d, unsigned int probes,
		  unsigned int max_tries, uint64_t retrans_ms);
/* Start probing target (a new address after NDP_DAD_NEW_ADDR). */
void ndp_dad_begin(struct ndp_dad *d, const struct in6_addr *target,
		   const uint8_t nonce[6], uint64_t now_ms);
/* Advance by the clock; *wait_ms (may be NULL) is set for NDP_DAD_WAIT. */
enum ndp_dad_action ndp_dad_poll(struct ndp_dad *d, uint64_t now_ms,
				 uint64_t *wait_ms);
/* Feed a received NS/NA; true when it reveals a duplicate. */
bool ndp_dad_input(struct ndp_dad *d, const struct ndp_msg *m);

#endif
