// SPDX-License-Identifier: GPL-2.0-or-later
/* RFC 7050: query, response parsing (hand-built DNS packets), inference. */
#define TAP_MAIN
#include "tap.h"

#include "control/rfc7050.h"
#include "rfc6052.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

/* A DNS packet under construction. */
struct pkt {
	uint8_t b[1024];
	size_t n;
};

static void put(struct pkt *p, const void *d, size_t n)
{
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

static void put16(struct pkt *p, unsigned int v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(p, b, 2);
}

static void put32(struct pkt *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p, v & 0xffff);
}

#define QNAME "\x08ipv4only\x04" "arpa"

/* Header plus our question; flags 0x8180 is a plain recursive answer. */
static void start(struct pkt *p, uint16_t id, unsigned int flags,
		  unsigned int ancount)
{
	p->n = 0;
	put16(p, id);
	put16(p, flags);
	put16(p, 1);
	put16(p, ancount);
	put16(p, 0);
	put16(p, 0);
	put(p, QNAME, sizeof(QNAME)); /* offset 12 */
	put16(p, 28);
	put16(p, 1);
}

/* An AAAA answer whose owner is a pointer (0xc000 | off). */
static void aaaa(struct pkt *p, unsigned int ptr, uint32_t ttl, const char *addr)
{
	struct in6_addr a = a6(addr);

	put16(p, 0xc000 | ptr);
	put16(p, 28);
	put16(p, 1);
	put32(p, ttl);
	put16(p, 16);
	put(p, &a, 16);
}

static struct xlat_prefix6 p6(const char *s, unsigned int len)
{
	struct xlat_prefix6 p = { .addr = a6(s), .len = (uint8_t)len };

	return p;
}

static bool has(const struct rfc7050_result *r, const char *s, unsigned int len)
{
	struct xlat_prefix6 p = p6(s, len);

	for (unsigned int i = 0; i < r->n; i++)
		if (r->prefix[i].len == len && !memcmp(&r->prefix[i].addr, &p.addr, 16))
			return true;
	return false;
}

TEST(query_bytes)
{
	static const uint8_t want[] = {
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		8, 'i', 'p', 'v', '4', 'o', 'n', 'l', 'y', 4, 'a', 'r', 'p', 'a', 0,
		0, 28, 0, 1,
	};
	uint8_t buf[64];

	CHECK_EQ(rfc7050_build_query(buf, sizeof(buf), 0x1234), sizeof(want));
	CHECK_MEM(buf, want, sizeof(want));
	CHECK_EQ(rfc7050_build_query(buf, sizeof(want) - 1, 1), 0);
}

TEST(plain_96_two_wkas)
{
	struct pkt p;
	struct rfc7050_result r;

	start(&p, 7, 0x8180, 2);
	aaaa(&p, 12, 3600, "2001:db8:64::c000:aa");
	aaaa(&p, 12, 1200, "2001:db8:64::c000:ab");
	REQUIRE(rfc7050_parse(p.b, p.n, 7, &r) == 0);
	CHECK_EQ(r.n, 1);
	CHECK(has(&r, "2001:db8:64::", 96));
	CHECK_EQ(r.min_ttl, 1200);
}

TEST(every_length_inferred)
{
	static const unsigned int lens[] = { 96, 64, 56, 48, 40, 32 };
	struct in_addr wka;

	inet_pton(AF_INET, "192.0.0.171", &wka);
	for (unsigned int i = 0; i < 6; i++) {
		struct xlat_prefix6 p = p6("2001:db8:aabb:ccdd:eeff:1122::", lens[i]);
		struct xlat_prefix6 out[6];
		struct in6_addr a, want = p.addr;

		/* The bits past len must not leak into the inferred prefix. */
		for (unsigned int b = lens[i] / 8; b < 16; b++)
			want.s6_addr[b] = 0;
		p.addr = want;
		rfc6052_embed(&p, &wka, &a);
		REQUIRE(rfc7050_infer(&a, out, 6) == 1);
		CHECK_EQ(out[0].len, lens[i]);
		CHECK_MEM(&out[0].addr, &want, 16);
	}
}

TEST(u_octet_and_suffix_must_be_zero)
{
	struct xlat_prefix6 out[6];
	struct in6_addr a;

	/* /64 with 192.0.0.170 after the u-octet... */
	a = a6("2001:db8:64:0:c0:0:aa00:0");
	CHECK_EQ(rfc7050_infer(&a, out, 6), 1);
	/* ...but a non-zero u-octet or suffix is not RFC 6052. */
	a = a6("2001:db8:64:0:1c0:0:aa00:0");
	CHECK_EQ(rfc7050_infer(&a, out, 6), 0);
	a = a6("2001:db8:64:0:c0:0:aa00:1");
	CHECK_EQ(rfc7050_infer(&a, out, 6), 0);
	a = a6("2001:db8:64::c000:ac");
	CHECK_EQ(rfc7050_infer(&a, out, 6), 0);
}

TEST(multiple_answers_lengths_dedupe)
{
	struct pkt p;
	struct rfc7050_result r;

	start(&p, 9, 0x8180, 5);
	aaaa(&p, 12, 600, "2001:db8:64::c000:aa");
	aaaa(&p, 12, 600, "2001:db8:64::c000:ab");         /* same /96 */
	aaaa(&p, 12, 300, "2001:db8:6464:0:c0:0:ab00:0");   /* a /64 */
	aaaa(&p, 12, 900, "2001:db8::1");                   /* no WKA: skipped */
	aaaa(&p, 12, 100, "2001:db8:c000:aa::");            /* a /32 */
	REQUIRE(rfc7050_parse(p.b, p.n, 9, &r) == 0);
	CHECK_EQ(r.n, 3);
	CHECK(has(&r, "2001:db8:64::", 96));
	CHECK(has(&r, "2001:db8:6464::", 64));
	CHECK(has(&r, "2001:db8::", 32));
	CHECK_EQ(r.prefix[0].len, 96); /* answer order */
	CHECK_EQ(r.min_ttl, 100);      /* the skipped record does not count */
}

TEST(cname_chain_followed)
{
	struct pkt p;
	struct rfc7050_result r;
	size_t target;

	start(&p, 3, 0x8180, 4);
	/* ipv4only.arpa CNAME nat64.example.arpa (tail compressed) */
	put16(&p, 0xc00c);
	put16(&p, 5);
	put16(&p, 1);
	put32(&p, 500);
	put16(&p, 16);
	target = p.n;
	put(&p, "\x05nat64\x07" "example", 14);
	put16(&p, 0xc015); /* "arpa" inside the question name */
	/* An unrelated owner with a WKA: not ours, ignored. */
	put(&p, "\x05other\x00", 7);
	put16(&p, 28);
	put16(&p, 1);
	put32(&p, 50);
	put16(&p, 16);
	{
		struct in6_addr a = a6("2001:db8:bad::c000:aa");

		put(&p, &a, 16);
	}
	aaaa(&p, (unsigned int)target, 400, "2001:db8:46::c000:aa");
	aaaa(&p, (unsigned int)target, 450, "2001:db8:46::c000:ab");
	REQUIRE(rfc7050_parse(p.b, p.n, 3, &r) == 0);
	CHECK_EQ(r.n, 1);
	CHECK(has(&r, "2001:db8:46::", 96));
	CHECK(!has(&r, "2001:db8:bad::", 96));
	CHECK_EQ(r.min_ttl, 400);
}

TEST(case_insensitive_owner)
{
	struct pkt p;
	struct rfc7050_result r;

	start(&p, 4, 0x8180, 1);
	put(&p, "\x08IPv4Only\x04" "ARPA", sizeof(QNAME));
	put16(&p, 28);
	put16(&p, 1);
	put32(&p, 60);
	put16(&p, 16);
	{
		struct in6_addr a = a6("2001:db8:64::c000:aa");

		put(&p, &a, 16);
	}
	REQUIRE(rfc7050_parse(p.b, p.n, 4, &r) == 0);
	CHECK_EQ(r.n, 1);
}

TEST(header_and_question_checks)
{
	struct pkt p;
	struct rfc7050_result r;

	start(&p, 5, 0x8180, 1);
	aaaa(&p, 12, 60, "2001:db8:64::c000:aa");
	CHECK_EQ(rfc7050_parse(p.b, p.n, 6, &r), -ESRCH);      /* ID */
	p.b[2] = 0x01;
	CHECK_EQ(rfc7050_parse(p.b, p.n, 5, &r), -ESRCH);      /* QR = 0 */
	p.b[2] = 0x83;
	CHECK_EQ(rfc7050_parse(p.b, p.n, 5, &r), -EMSGSIZE);   /* TC */
	p.b[2] = 0x81;
	p.b[3] = 0x82;
	CHECK_EQ(rfc7050_parse(p.b, p.n, 5, &r), -EAGAIN);     /* SERVFAIL */
	p.b[3] = 0x85;
	CHECK_EQ(rfc7050_parse(p.b, p.n, 5, &r), -EAGAIN);     /* REFUSED */
	p.b[3] = 0x83;
	CHECK_EQ(rfc7050_parse(p.b, p.n, 5, &r), 0);           /* NXDOMAIN */
	CHECK_EQ(r.n, 0);
	p.b[3] = 0x80;
	p.b[12 + 1] = 'x';                                     /* other name */
	CHECK_EQ(rfc7050_parse(p.b, p.n, 5, &r), -ESRCH);
	p.b[12 + 1] = 'i';
	p.b[12 + sizeof(QNAME) + 1] = 1;                       /* qtype A */
	CHECK_EQ(rfc7050_parse(p.b, p.n, 5, &r), -ESRCH);
}

TEST(nodata_is_an_answer)
{
	struct pkt p;
	struct rfc7050_result r;

	start(&p, 5, 0x8180, 0);
	CHECK_EQ(rfc7050_parse(p.b, p.n, 5, &r), 0);
	CHECK_EQ(r.n, 0);
}

TEST(ttl_top_bit_is_zero)
{
	struct pkt p;
	struct rfc7050_result r;

	start(&p, 5, 0x8180, 1);
	aaaa(&p, 12, 0x80000001u, "2001:db8:64::c000:aa");
	REQUIRE(rfc7050_parse(p.b, p.n, 5, &r) == 0);
	CHECK_EQ(r.min_ttl, 0);
}

TEST(bad_compression)
{
	struct pkt p;
	struct rfc7050_result r;

	/* A pointer to itself. */
	start(&p, 5, 0x8180, 1);
	put16(&p, 0xc000 | (unsigned int)p.n);
	CHECK_EQ(rfc7050_parse(p.b, p.n + 14, 5, &r), -EBADMSG);
	/* A forward pointer. */
	start(&p, 5, 0x8180, 1);
	aaaa(&p, 200, 60, "2001:db8:64::c000:aa");
	CHECK_EQ(rfc7050_parse(p.b, p.n, 5, &r), -EBADMSG);
	/* Extended label type 0x40. */
	start(&p, 5, 0x8180, 1);
	aaaa(&p, 12, 60, "2001:db8:64::c000:aa");
	p.b[p.n - 28] = 0x40;
	CHECK_EQ(rfc7050_parse(p.b, p.n, 5, &r), -EBADMSG);
}

TEST(bad_rdlength)
{
	struct pkt p;
	struct rfc7050_result r;

	start(&p, 5, 0x8180, 1);
	aaaa(&p, 12, 60, "2001:db8:64::c000:aa");
	p.b[p.n - 17] = 15;  /* an AAAA of 15 bytes */
	CHECK_EQ(rfc7050_parse(p.b, p.n, 5, &r), -EBADMSG);
	p.b[p.n - 17] = 17;  /* past the end */
	CHECK_EQ(rfc7050_parse(p.b, p.n, 5, &r), -EBADMSG);
}

TEST(every_truncation)
{
	struct pkt p;
	struct rfc7050_result r;

	start(&p, 5, 0x8180, 2);
	aaaa(&p, 12, 60, "2001:db8:64::c000:aa");
	aaaa(&p, 12, 60, "2001:db8:64::c000:ab");
	for (size_t n = 0; n < p.n; n++) {
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, p.b, n);
		CHECK(rfc7050_parse(copy, n, 5, &r) < 0);
		CHECK_EQ(r.n, 0);
		free(copy);
	}
}

TEST(garbage_and_mutations_are_safe)
{
	struct pkt p, m;
	struct rfc7050_result r;
	unsigned int seed = 7050;

	start(&p, 5, 0x8180, 2);
	aaaa(&p, 12, 60, "2001:db8:64::c000:aa");
	aaaa(&p, 12, 60, "2001:db8:64::c000:ab");
	for (int i = 0; i < 50000; i++) {
		size_t n;
		int e;

		m = p;
		if (i % 2) {
			n = (size_t)rand_r(&seed) % sizeof(m.b);
			for (size_t k = 0; k < n; k++)
				m.b[k] = (uint8_t)rand_r(&seed);
			m.b[0] = 0;
			m.b[1] = 5;
		} else {
			n = m.n;
			for (int k = 0; k < 1 + i % 5; k++)
				m.b[(size_t)rand_r(&seed) % n] = (uint8_t)rand_r(&seed);
		}
		e = rfc7050_parse(m.b, n, 5, &r);
		CHECK(e == 0 || e == -ESRCH || e == -EBADMSG || e == -EMSGSIZE ||
		      e == -EAGAIN);
		CHECK(r.n <= RFC7050_MAX_PREFIXES);
		if (e)
			CHECK_EQ(r.n, 0);
	}
}

TEST(resolv_conf)
{
	struct rfc7050_server s[4];
	const char *text = "# comment\nsearch example\nnameserver 2001:db8::53\n"
			   "nameserver fe80::1%eth0\n  nameserver   192.0.2.53  \n"
			   "nameserver bogus\nnameserver 2001:db8::54\nnameserver 2001:db8::55\n";
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&s[1].sa;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&s[2].sa;

	CHECK_EQ(rfc7050_resolv_parse(text, s, 4, 9), 4);
	CHECK_EQ(s[0].sa.ss_family, AF_INET6);
	CHECK_EQ(s6->sin6_scope_id, 9);
	CHECK_EQ(ntohs(s6->sin6_port), 53);
	CHECK_EQ(s[2].sa.ss_family, AF_INET);
	CHECK_EQ(ntohl(s4->sin_addr.s_addr), 0xc0000235);
	CHECK_EQ(rfc7050_resolv_parse("", s, 4, 9), 0);
	CHECK_EQ(rfc7050_resolv_read("/nonexistent/resolv.conf", s, 4, 9), 0);
}

int main(void)
{
	return tap_run();
}
