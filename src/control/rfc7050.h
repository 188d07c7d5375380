/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RFC 7050: learning the NAT64 prefix from a DNS64 by asking for the AAAA
 * records of ipv4only.arpa, whose only A records are the well-known
 * addresses 192.0.0.170 and 192.0.0.171 (RFC 8880).
 *
 * The packet functions are pure and safe against any input; the query
 * (struct rfc7050_query) is one non-blocking UDP exchange with bounded
 * retries, driven by the caller's loop: a fresh socket, source port and
 * random ID for every attempt, connected to the server so that only its
 * answers are read.
 */
#ifndef XLAT_RFC7050_H
#define XLAT_RFC7050_H

#include "xlat.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define RFC7050_MAX_PREFIXES 8
#define RFC7050_MAX_SERVERS 4
#define RFC7050_ATTEMPTS 4 /* sends per query, round robin over the servers */
#define RFC7050_QUERY_MAX 64

struct rfc7050_result {
	unsigned int n;                 /* 0: the name has no AAAA: no DNS64 */
	struct xlat_prefix6 prefix[RFC7050_MAX_PREFIXES]; /* in answer order, deduped */
	uint32_t min_ttl;               /* over the records used; 0 when n == 0 */
};

/* The query for ipv4only.arpa IN AAAA with RD set; returns its length or 0. */
size_t rfc7050_build_query(uint8_t *buf, size_t cap, uint16_t id);

/*
 * Parse a response to the query with this id.  Returns
 *   0        an answer: res->n prefixes (0 for NXDOMAIN or NODATA);
 *   -ESRCH   not an answer to our question (ID, QR, opcode, question);
 *   -EBADMSG malformed (truncated, bad names, bad record lengths);
 *   -EMSGSIZE the TC bit: the server could not fit its answer;
 *   -EAGAIN  the server failed (SERVFAIL, REFUSED, ...): ask another.
 * Every AAAA answer for ipv4only.arpa, or for a name a CNAME chain from
 * it leads to, is examined; answers with neither well-known address are
 * skipped.
 */
int rfc7050_parse(const uint8_t *pkt, size_t len, uint16_t id,
		  struct rfc7050_result *res);

/*
 * The NAT64 prefixes a could have been synthesized with: every RFC 6052
 * length (96, 64, 56, 48, 40, 32) at whose position 192.0.0.170 or .171
 * sits, with the u-octet (bits 64..71) and the suffix zero.  Writes up
 * to max candidates, returns how many were found (may exceed max).
 */
int rfc7050_infer(const struct in6_addr *a, struct xlat_prefix6 *out, int max);

struct rfc7050_server {
	struct sockaddr_storage sa;
	socklen_t len;
};

/*
 * Fill s from a numeric IPv4 or IPv6 address (port 53).  A link-local
 * IPv6 address gets scope ifindex.  Returns 0 or -EINVAL.
 */
int rfc7050_server_set(struct rfc7050_server *s, const char *addr, int ifindex);
void rfc7050_server_set6(struct rfc7050_server *s, const struct in6_addr *a,
			 int ifindex);

/*
 * The "nameserver" lines of a resolv.conf text, at most max of them.
 * Returns how many were stored.
 */
int rfc7050_resolv_parse(const char *text, struct rfc7050_server *out, int max,
			 int ifindex);
/* The same from a file; 0 servers when it cannot be read. */
int rfc7050_resolv_read(const char *path, struct rfc7050_server *out, int max,
			int ifindex);

struct rfc7050_query {
	int fd;                /* -1 when idle */
	uint16_t id;
	unsigned int attempt;  /* sends so far */
	uint64_t deadline;     /* ms: give up on this attempt */
	unsigned int nsrv;
	struct rfc7050_server srv[RFC7050_MAX_SERVERS];
	unsigned int timeout_ms; /* of the first attempt; doubles, capped at 4x */
};

void rfc7050_query_init(struct rfc7050_query *q);
/* Start a query to these servers; 0, or a negative errno if none could be
 * sent to. */
int rfc7050_query_start(struct rfc7050_query *q, const struct rfc7050_server *srv,
			unsigned int nsrv, uint64_t now);
bool rfc7050_query_active(const struct rfc7050_query *q);
/* The socket of the current attempt (changes between attempts), or -1. */
int rfc7050_query_fd(const struct rfc7050_query *q);
/* The deadline of the current attempt, UINT64_MAX when idle. */
uint64_t rfc7050_query_deadline(const struct rfc7050_query *q);
/*
 * Read what arrived.  1: done, res is filled (query now idle); 0: keep
 * waiting (perhaps on a new fd); negative: every attempt failed (idle).
 */
int rfc7050_query_readable(struct rfc7050_query *q, uint64_t now,
			   struct rfc7050_result *res);
/* At or after the deadline: retry; 0 or negative when given up (idle). */
int rfc7050_query_timeout(struct rfc7050_query *q, uint64_t now);
void rfc7050_query_stop(struct rfc7050_query *q);

#endif
