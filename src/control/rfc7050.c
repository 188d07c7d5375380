// SPDX-License-Identifier: GPL-2.0-or-later
/* RFC 7050 NAT64 prefix discovery through DNS: packets and the UDP query. */
#include "control/rfc7050.h"
#include "control/pref64.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define DNS_HDR 12
#define DNS_NAME_MAX 255
#define T_A 1
#define T_CNAME 5
#define T_AAAA 28
#define C_IN 1
#define MAX_CNAMES 8
#define MAX_AAAAS 16

/* ipv4only.arpa in wire format, lower case. */
static const uint8_t qname[] = "\x08ipv4only\x04" "arpa";
#define QNAME_LEN sizeof(qname) /* with the root label's zero */

struct dname {
	uint8_t b[DNS_NAME_MAX + 1];
	size_t len;
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

size_t rfc7050_build_query(uint8_t *buf, size_t cap, uint16_t id)
{
	size_t n = DNS_HDR + QNAME_LEN + 4;

	if (cap < n)
		return 0;
	memset(buf, 0, DNS_HDR);
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] = 0x01; /* RD: the DNS64 is a recursive resolver */
	buf[5] = 1;    /* QDCOUNT */
	memcpy(buf + DNS_HDR, qname, QNAME_LEN);
	buf[DNS_HDR + QNAME_LEN] = 0;
	buf[DNS_HDR + QNAME_LEN + 1] = T_AAAA;
	buf[DNS_HDR + QNAME_LEN + 2] = 0;
	buf[DNS_HDR + QNAME_LEN + 3] = C_IN;
	return n;
}

/*
 * Read the (possibly compressed) name at *off into n, lower-cased, and
 * move *off past it.  Pointers must point strictly backwards, which
 * rules out loops; the hop count bounds the work anyway.
 */
static int read_name(const uint8_t *pkt, size_t len, size_t *off,
		     struct dname *n)
{
	size_t p = *off, end = 0;
	int hops = 0;

	n->len = 0;
	for (;;) {
		uint8_t l;

		if (p >= len)
			return -EBADMSG;
		l = pkt[p];
		if ((l & 0xc0) == 0xc0) {
			size_t target;

			if (p + 1 >= len || ++hops > 64)
				return -EBADMSG;
			target = (size_t)(l & 0x3f) << 8 | pkt[p + 1];
			if (target >= p)
				return -EBADMSG;
			if (!end)
				end = p + 2;
			p = target;
			continue;
		}
		if (l & 0xc0)
			return -EBADMSG; /* 0x40/0x80: extended label types */
		if (n->len + 1 + l > DNS_NAME_MAX || p + 1 + l > len)
			return -EBADMSG;
		n->b[n->len++] = l;
		if (l == 0)
			break;
		for (unsigned int i = 0; i < l; i++)
			n->b[n->len++] = (uint8_t)tolower(pkt[p + 1 + i]);
		p += 1 + l;
	}
	*off = end ? end : p + 1;
	return 0;
}

static bool name_eq(const struct dname *a, const struct dname *b)
{
	return a->len == b->len && memcmp(a->b, b->b, a->len) == 0;
}

static bool is_wka(const uint8_t *v4)
{
	return v4[0] == 192 && v4[1] == 0 && v4[2] == 0 &&
	       (v4[3] == 170 || v4[3] == 171);
}

/* Does the IPv4 address sit at length plen, with u-octet and suffix zero? */
static bool wka_at(const struct in6_addr *a, unsigned int plen)
{
	const uint8_t *b = a->s6_addr;
	uint8_t v4[4];
	unsigned int pos = plen / 8, k = 0;

	while (k < 4) {
		if (pos == 8 && plen != 96) {
			if (b[pos] != 0)
				return false;
			pos++;
			continue;
		}
		v4[k++] = b[pos++];
	}
	for (; pos < 16; pos++)
		if (pos != 8 && b[pos] != 0)
			return false;
	return is_wka(v4);
}

int rfc7050_infer(const struct in6_addr *a, struct xlat_prefix6 *out, int max)
{
	static const uint8_t lens[] = { 96, 64, 56, 48, 40, 32 };
	int n = 0;

	for (unsigned int i = 0; i < sizeof(lens); i++) {
		if (!wka_at(a, lens[i]))
			continue;
		if (n < max) {
			out[n].addr = *a;
			pref64_mask(&out[n].addr, lens[i]);
			out[n].len = lens[i];
		}
		n++;
	}
	return n;
}

struct rrset {
	struct dname cname_from[MAX_CNAMES], cname_to[MAX_CNAMES];
	uint32_t cname_ttl[MAX_CNAMES];
	int ncname;
	struct dname aaaa_owner[MAX_AAAAS];
	struct in6_addr aaaa[MAX_AAAAS];
	uint32_t aaaa_ttl[MAX_AAAAS];
	int naaaa;
};

static int check_question(const uint8_t *pkt, size_t len, size_t *off)
{
	struct dname n;

	if (read_name(pkt, len, off, &n))
		return -EBADMSG;
	if (*off + 4 > len)
		return -EBADMSG;
	if (n.len != QNAME_LEN || memcmp(n.b, qname, QNAME_LEN) != 0 ||
	    rd16(pkt + *off) != T_AAAA || rd16(pkt + *off + 2) != C_IN)
		return -ESRCH;
	*off += 4;
	return 0;
}

static int read_answer(const uint8_t *pkt, size_t len, size_t *off,
		       struct rrset *rs)
{
	struct dname owner;
	uint16_t type, cls, rdlen;
	uint32_t ttl;
	size_t rd;

	if (read_name(pkt, len, off, &owner) || *off + 10 > len)
		return -EBADMSG;
	type = rd16(pkt + *off);
	cls = rd16(pkt + *off + 2);
	ttl = rd32(pkt + *off + 4);
	rdlen = rd16(pkt + *off + 8);
	rd = *off + 10;
	if (rd + rdlen > len)
		return -EBADMSG;
	*off = rd + rdlen;
	/* RFC 2181 8: a TTL with the top bit set counts as zero. */
	if (ttl & 0x80000000u)
		ttl = 0;
	if (cls != C_IN)
		return 0;
	if (type == T_AAAA) {
		if (rdlen != 16)
			return -EBADMSG;
		if (rs->naaaa >= MAX_AAAAS)
			return 0;
		rs->aaaa_owner[rs->naaaa] = owner;
		memcpy(&rs->aaaa[rs->naaaa], pkt + rd, 16);
		rs->aaaa_ttl[rs->naaaa++] = ttl;
	} else if (type == T_CNAME) {
		size_t p = rd;

		if (rs->ncname >= MAX_CNAMES)
			return 0;
		if (read_name(pkt, len, &p, &rs->cname_to[rs->ncname]) ||
		    p != rd + rdlen)
			return -EBADMSG;
		rs->cname_from[rs->ncname] = owner;
		rs->cname_ttl[rs->ncname++] = ttl;
	}
	return 0;
}

static int alias_index(const struct dname *alias, int nalias,
		       const struct dname *n)
{
	for (int i = 0; i < nalias; i++)
		if (name_eq(&alias[i], n))
			return i;
	return -1;
}

static void add_prefix(struct rfc7050_result *res, const struct xlat_prefix6 *p)
{
	for (unsigned int i = 0; i < res->n; i++)
		if (res->prefix[i].len == p->len &&
		    !memcmp(&res->prefix[i].addr, &p->addr, 16))
			return;
	if (res->n < RFC7050_MAX_PREFIXES)
		res->prefix[res->n++] = *p;
}

static bool have_prefix(const struct rfc7050_result *res,
			const struct xlat_prefix6 *p)
{
	for (unsigned int i = 0; i < res->n; i++)
		if (res->prefix[i].len == p->len &&
		    !memcmp(&res->prefix[i].addr, &p->addr, 16))
			return true;
	return false;
}

static void min_ttl(struct rfc7050_result *res, uint32_t ttl, bool *first)
{
	if (*first || ttl < res->min_ttl)
		res->min_ttl = ttl;
	*first = false;
}

/*
 * Which names answer for ipv4only.arpa: the name itself and whatever a
 * CNAME chain from it reaches.  Returns how many; chain TTLs count.
 */
static int follow_cnames(const struct rrset *rs, struct dname *alias,
			 uint32_t *ttl)
{
	int nalias = 1;
	bool grew = true;

	memcpy(alias[0].b, qname, QNAME_LEN);
	alias[0].len = QNAME_LEN;
	*ttl = UINT32_MAX;
	while (grew && nalias <= MAX_CNAMES) {
		grew = false;
		for (int i = 0; i < rs->ncname && nalias <= MAX_CNAMES; i++) {
			if (alias_index(alias, nalias, &rs->cname_from[i]) < 0 ||
			    alias_index(alias, nalias, &rs->cname_to[i]) >= 0)
				continue;
			alias[nalias++] = rs->cname_to[i];
			if (rs->cname_ttl[i] < *ttl)
				*ttl = rs->cname_ttl[i];
			grew = true;
		}
	}
	return nalias;
}

static void infer_all(const struct rrset *rs, const struct dname *alias,
		      int nalias, struct rfc7050_result *res, uint32_t chain_ttl)
{
	struct xlat_prefix6 cand[6];
	bool first = true, ambiguous[MAX_AAAAS] = { false };

	/* Unambiguous addresses first, then the ambiguous ones may pick a
	 * candidate another answer confirmed (RFC 7050 section 3). */
	for (int i = 0; i < rs->naaaa; i++) {
		int n;

		if (alias_index(alias, nalias, &rs->aaaa_owner[i]) < 0)
			continue;
		n = rfc7050_infer(&rs->aaaa[i], cand, 6);
		if (n == 1) {
			add_prefix(res, &cand[0]);
			min_ttl(res, rs->aaaa_ttl[i], &first);
		} else if (n > 1) {
			ambiguous[i] = true;
		}
	}
	for (int i = 0; i < rs->naaaa; i++) {
		int n;

		if (!ambiguous[i])
			continue;
		n = rfc7050_infer(&rs->aaaa[i], cand, 6);
		for (int k = 0; k < n && k < 6; k++) {
			if (!have_prefix(res, &cand[k]))
				continue;
			min_ttl(res, rs->aaaa_ttl[i], &first);
			break;
		}
	}
	if (res->n && nalias > 1 && chain_ttl < res->min_ttl)
		res->min_ttl = chain_ttl;
}

int rfc7050_parse(const uint8_t *pkt, size_t len, uint16_t id,
		  struct rfc7050_result *res)
{
	struct dname alias[MAX_CNAMES + 1];
	struct rrset *rs;
	unsigned int ancount, rcode;
	size_t off = DNS_HDR;
	uint32_t chain_ttl;
	int err = 0, nalias;

	memset(res, 0, sizeof(*res));
	if (len < DNS_HDR)
		return -EBADMSG;
	/* ID, QR = 1, opcode QUERY, exactly our one question. */
	if (rd16(pkt) != id || !(pkt[2] & 0x80) || (pkt[2] & 0x78) ||
	    rd16(pkt + 4) != 1)
		return -ESRCH;
	err = check_question(pkt, len, &off);
	if (err)
		return err;
	if (pkt[2] & 0x02)
		return -EMSGSIZE;
	rcode = pkt[3] & 0x0f;
	if (rcode == 3)
		return 0; /* NXDOMAIN: no DNS64 synthesis */
	if (rcode != 0)
		return -EAGAIN;
	ancount = rd16(pkt + 6);
	rs = calloc(1, sizeof(*rs));
	if (!rs)
		return -ENOMEM;
	for (unsigned int i = 0; i < ancount && !err; i++)
		err = read_answer(pkt, len, &off, rs);
	if (!err) {
		nalias = follow_cnames(rs, alias, &chain_ttl);
		infer_all(rs, alias, nalias, res, chain_ttl);
	}
	free(rs);
	if (err)
		memset(res, 0, sizeof(*res));
	return err;
}

void rfc7050_server_set6(struct rfc7050_server *s, const struct in6_addr *a,
			 int ifindex)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&s->sa;

	memset(s, 0, sizeof(*s));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(53);
	sin6->sin6_addr = *a;
	if (IN6_IS_ADDR_LINKLOCAL(a))
		sin6->sin6_scope_id = (uint32_t)ifindex;
	s->len = sizeof(*sin6);
}

int rfc7050_server_set(struct rfc7050_server *s, const char *addr, int ifindex)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&s->sa;
	struct in6_addr a6;
	char buf[INET6_ADDRSTRLEN];
	const char *pct = strchr(addr, '%');

	if (pct) {
		/* "fe80::1%eth0": the scope is ours (the interface) anyway. */
		if ((size_t)(pct - addr) >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, addr, (size_t)(pct - addr));
		buf[pct - addr] = '\0';
		addr = buf;
	}
	if (inet_pton(AF_INET6, addr, &a6) == 1) {
		rfc7050_server_set6(s, &a6, ifindex);
		return 0;
	}
	memset(s, 0, sizeof(*s));
	if (pct || inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
		return -EINVAL;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(53);
	s->len = sizeof(*sin);
	return 0;
}

int rfc7050_resolv_parse(const char *text, struct rfc7050_server *out, int max,
			 int ifindex)
{
	int n = 0;

	while (text && *text && n < max) {
		const char *eol = strchr(text, '\n');
		size_t l = eol ? (size_t)(eol - text) : strlen(text);
		char line[256], word[16], addr[64];

		if (l < sizeof(line)) {
			memcpy(line, text, l);
			line[l] = '\0';
			if (sscanf(line, " %15s %63s", word, addr) == 2 &&
			    !strcmp(word, "nameserver") &&
			    !rfc7050_server_set(&out[n], addr, ifindex))
				n++;
		}
		text = eol ? eol + 1 : NULL;
	}
	return n;
}

int rfc7050_resolv_read(const char *path, struct rfc7050_server *out, int max,
			int ifindex)
{
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return rfc7050_resolv_parse(buf, out, max, ifindex);
}

void rfc7050_query_init(struct rfc7050_query *q)
{
	memset(q, 0, sizeof(*q));
	q->fd = -1;
	q->timeout_ms = 1000;
}

static void close_fd(struct rfc7050_query *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
}

static uint16_t random_id(void)
{
	uint16_t id;

	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != sizeof(id))
		id = (uint16_t)random();
	return id;
}

/* One attempt to one server: new socket (new ephemeral port), new ID. */
static int send_one(struct rfc7050_query *q, const struct rfc7050_server *s)
{
	uint8_t buf[RFC7050_QUERY_MAX];
	size_t len;
	int fd;

	fd = socket(s->sa.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)&s->sa, s->len)) {
		int e = -errno;

		close(fd);
		return e;
	}
	q->id = random_id();
	len = rfc7050_build_query(buf, sizeof(buf), q->id);
	if (send(fd, buf, len, 0) != (ssize_t)len) {
		int e = -errno;

		close(fd);
		return e;
	}
	q->fd = fd;
	return 0;
}

static int next_attempt(struct rfc7050_query *q, uint64_t now)
{
	int err = -ETIMEDOUT;

	close_fd(q);
	while (q->nsrv && q->attempt < RFC7050_ATTEMPTS) {
		unsigned int a = q->attempt++;
		unsigned int t = q->timeout_ms << (a < 2 ? a : 2);

		err = send_one(q, &q->srv[a % q->nsrv]);
		if (!err) {
			q->deadline = now + t;
			return 0;
		}
	}
	q->nsrv = 0;
	return err;
}

int rfc7050_query_start(struct rfc7050_query *q, const struct rfc7050_server *srv,
			unsigned int nsrv, uint64_t now)
{
	close_fd(q);
	if (nsrv > RFC7050_MAX_SERVERS)
		nsrv = RFC7050_MAX_SERVERS;
	memcpy(q->srv, srv, nsrv * sizeof(*srv));
	q->nsrv = nsrv;
	q->attempt = 0;
	if (!nsrv)
		return -ENOENT;
	return next_attempt(q, now);
}

bool rfc7050_query_active(const struct rfc7050_query *q)
{
	return q->fd >= 0;
}

int rfc7050_query_fd(const struct rfc7050_query *q)
{
	return q->fd;
}

uint64_t rfc7050_query_deadline(const struct rfc7050_query *q)
{
	return q->fd >= 0 ? q->deadline : UINT64_MAX;
}

int rfc7050_query_readable(struct rfc7050_query *q, uint64_t now,
			   struct rfc7050_result *res)
{
	uint8_t buf[4096];

	while (q->fd >= 0) {
		ssize_t n = recv(q->fd, buf, sizeof(buf), MSG_TRUNC);
		int err;

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			/* ECONNREFUSED and friends: that server is no good. */
			return next_attempt(q, now);
		}
		if ((size_t)n > sizeof(buf))
			n = sizeof(buf); /* parses as truncated */
		err = rfc7050_parse(buf, (size_t)n, q->id, res);
		if (err == 0) {
			close_fd(q);
			q->nsrv = 0;
			return 1;
		}
		/* Spoofs and garbage are dropped; the deadline still runs. */
		if (err == -ESRCH || err == -EBADMSG)
			continue;
		return next_attempt(q, now);
	}
	return -ETIMEDOUT;
}

int rfc7050_query_timeout(struct rfc7050_query *q, uint64_t now)
{
	if (q->fd < 0)
		return -ETIMEDOUT;
	if (now < q->deadline)
		return 0;
	return next_attempt(q, now);
}

void rfc7050_query_stop(struct rfc7050_query *q)
{
	close_fd(q);
	q->nsrv = 0;
}
