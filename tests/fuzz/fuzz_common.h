/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared body of the libFuzzer targets.  The first FUZZ_HDR bytes of an
 * input choose a translator configuration, the rest is the packet:
 *
 *   byte 0  bits 0-2 pool6: 0..5 = 2001:db8:122:344::/{32,40,48,56,64,96}
 *                    6 = 64:ff9b::/96, 7 = none (EAM only)
 *           bit 3 wkp_global_only, bit 4 decrement_ttl, bit 5 udp0 drop,
 *           bit 6 hairpin, bit 7 reset_tos
 *   byte 1  bits 0-2 number of EAM entries (0..7 of eam_table[]),
 *           bit 3 icmp_errors off, bit 4 small output cap,
 *           bits 5-6 RFC 6791 pool size (0 = empty, self4 used),
 *           bit 7 fix the packet's checksums first (so that the strict
 *           output checks apply to mutated packets too)
 *   byte 2-3 lowest_ipv6_mtu = 1280 + value % 221; with the top bit
 *           set, the next-hop ipv6_mtu is the same, or 1280 (below it)
 *           when bit 14 is set too
 *   byte 4  small cap in 16-byte units (when byte 1 bit 4 is set);
 *           else the next-hop ipv4_mtu: 0 unset, else 68 + 6 * value
 *   byte 5  initial IPv4 Identification (high byte; low byte 0x5a);
 *           bit 0 also: ttl_kernel_hops 2 (a TUN instance) instead of 0
 *
 * Every verdict is checked; any violation is a __builtin_trap().
 */
#ifndef XLAT_FUZZ_COMMON_H
#define XLAT_FUZZ_COMMON_H

#include "engine/checksum.h"
#include "engine/rfc6052.h"
#include "engine/xlat.h"
#include "engine/xlat_cfg.h"
#include "pkt.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define FUZZ_HDR 6

/*
 * A valid table: RFC 7757 Figure 1 plus two entries that overlap pool6
 * (so hairpinning and EAM-before-pool6 are reached).
 */
static const char *const eam_table[][2] = {
	{ "192.0.2.1", "2001:db8:aaaa::" },
	{ "192.0.2.2/32", "2001:db8:bbbb::b/128" },
	{ "192.0.2.16/28", "2001:db8:cccc::/124" },
	{ "192.0.2.128/26", "2001:db8:dddd::/64" },
	{ "192.0.2.192/29", "2001:db8:eeee:8::/62" },
	{ "198.51.100.0/24", "2001:db8:122:344::c633:6400/120" },
	{ "203.0.113.0/24", "2001:db8:46::/104" },
};

#define FUZZ_N_EAM (sizeof(eam_table) / sizeof(eam_table[0]))

struct fuzz_env {
	struct xlat_cfg cfg;
	struct xlat_eam eam[FUZZ_N_EAM];
	size_t cap;
	uint16_t next_id;
};

static inline void fuzz_check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

static inline void fuzz_prefix6(struct xlat_prefix6 *p, const char *s,
				unsigned int len)
{
	fuzz_check(xlat_prefix6_parse(s, p) == 0);
	p->len = (uint8_t)len;
	/* Keep only the prefix bits, as validation demands. */
	for (unsigned int i = 0; i < 16; i++) {
		unsigned int bit = i * 8;

		if (bit >= len)
			p->addr.s6_addr[i] = 0;
		else if (bit + 8 > len)
			p->addr.s6_addr[i] &= (uint8_t)(0xff00 >> (len - bit));
	}
}

static inline void fuzz_setup(struct fuzz_env *env, const uint8_t *h)
{
	static const unsigned int lens[] = { 32, 40, 48, 56, 64, 96 };
	struct xlat_cfg *c = &env->cfg;
	unsigned int sel = h[0] & 7, n_eam = h[1] & 7, n791 = (h[1] >> 5) & 3;
	char err[160];

	xlat_cfg_init(c);
	if (sel < 6) {
		c->has_pool6 = true;
		fuzz_prefix6(&c->pool6, "2001:db8:122:344::", lens[sel]);
	} else if (sel == 6) {
		c->has_pool6 = true;
		fuzz_prefix6(&c->pool6, "64:ff9b::", 96);
	}
	c->wkp_global_only = h[0] & 0x08;
	c->decrement_ttl = h[0] & 0x10;
	c->udp0 = h[0] & 0x20 ? XLAT_UDP0_DROP : XLAT_UDP0_COMPUTE;
	c->hairpin = h[0] & 0x40;
	c->reset_tos = h[0] & 0x80;
	for (unsigned int i = 0; i < n_eam && i < FUZZ_N_EAM; i++) {
		fuzz_check(!xlat_prefix4_parse(eam_table[i][0], &env->eam[i].p4));
		fuzz_check(!xlat_prefix6_parse(eam_table[i][1], &env->eam[i].p6));
	}
	c->eam = env->eam;
	c->n_eam = n_eam < FUZZ_N_EAM ? n_eam : FUZZ_N_EAM;
	c->icmp_errors = !(h[1] & 0x08);
	c->self4 = pkt_a4("192.0.0.1");
	c->self6 = pkt_a6("2001:db8:ffff::1");
	c->n_pool6791 = n791;
	for (unsigned int i = 0; i < n791; i++)
		c->pool6791[i].s_addr = htonl(0xcb0071f0 + i); /* 203.0.113.240+ */
	c->lowest_ipv6_mtu = (uint16_t)(1280 + get16(h + 2) % 221);
	c->ipv6_mtu = get16(h + 2) & 0x8000 ? c->lowest_ipv6_mtu : 0;
	if ((get16(h + 2) & 0xc000) == 0xc000)
		c->ipv6_mtu = 1280;
	env->cap = h[1] & 0x10 ? (size_t)h[4] * 16 : XLAT_OUT_MIN;
	c->ipv4_mtu = h[1] & 0x10 || !h[4] ? 0 : 68 + 6 * (uint32_t)h[4];
	env->next_id = (uint16_t)(h[5] << 8 | 0x5a);
	c->ttl_kernel_hops = h[5] & 1 ? 2 : 0;
	/* The fuzzer must only build configurations xlatd would accept. */
	fuzz_check(xlat_cfg_validate(c, err, sizeof(err)) == 0);
}

static inline bool fuzz_valid_reason(enum xlat_drop r)
{
	return (unsigned int)r < XLAT_DROP__COUNT;
}

/* Translate once into a buffer pre-filled with fill. */
static inline enum xlat_verdict fuzz_once(const struct fuzz_env *env, int dir,
					  const uint8_t *pkt, size_t len,
					  struct xlat_out *out, uint8_t *buf,
					  uint8_t fill)
{
	memset(buf, fill, env->cap);
	memset(out, 0, sizeof(*out));
	out->buf = buf;
	out->cap = env->cap;
	out->next_id = env->next_id;
	out->reason = (enum xlat_drop)0x7fff; /* the engine must set it */
	if (dir == XLAT_DIR_4TO6)
		return xlat_4to6(&env->cfg, pkt, len, out);
	return xlat_6to4(&env->cfg, pkt, len, out);
}

/* Structure of a verdict: slices inside buf, disjoint, right family. */
static inline void fuzz_check_shape(int dir, enum xlat_verdict v,
				    const struct xlat_out *out, size_t cap,
				    bool hairpin)
{
	int in_family = dir == XLAT_DIR_4TO6 ? AF_INET : AF_INET6;

	fuzz_check(v == XLAT_OUT || v == XLAT_REPLY || v == XLAT_DROP);
	fuzz_check(fuzz_valid_reason(out->reason));
	if (v == XLAT_DROP) {
		fuzz_check(out->n == 0);
		fuzz_check(out->reason != XLAT_DROP_NONE);
		return;
	}
	fuzz_check(out->n >= 1 && out->n <= XLAT_MAX_FRAGS);
	if (v == XLAT_REPLY) {
		fuzz_check(out->n == 1);
		fuzz_check(out->family == in_family);
		fuzz_check(out->reason != XLAT_DROP_NONE);
	} else if (dir == XLAT_DIR_4TO6) {
		fuzz_check(out->family == AF_INET6);
	} else {
		fuzz_check(out->family == AF_INET ||
			   (hairpin && out->family == AF_INET6));
	}
	for (unsigned int i = 0; i < out->n; i++) {
		const struct xlat_pkt *p = &out->pkt[i];

		fuzz_check(p->len > 0);
		fuzz_check(p->off <= cap && p->len <= cap - p->off);
		for (unsigned int j = 0; j < i; j++) {
			const struct xlat_pkt *q = &out->pkt[j];

			fuzz_check(p->off >= q->off + q->len ||
				   q->off >= p->off + p->len);
		}
	}
}

/*
 * Each packet must be well formed.  The engine updates TCP/UDP/ICMP
 * checksums incrementally, so a wrong checksum in the input may come out
 * wrong: only then is "l4 checksum" tolerated.  ICMP errors carry
 * truncated inner packets; pkt_check() looks at the outer one only.
 */
static inline void fuzz_check_pkts(enum xlat_verdict v,
				   const struct xlat_out *out, bool input_ok)
{
	for (unsigned int i = 0; i < out->n; i++) {
		const uint8_t *p = xlat_out_data(out, i);
		int ver = out->family == AF_INET ? 4 : 6;
		const char *why = pkt_check(p, out->pkt[i].len);

		fuzz_check(p[0] >> 4 == ver);
		if (!why)
			continue;
		if (v == XLAT_OUT && !input_ok && strstr(why, "l4 checksum"))
			continue;
		__builtin_trap();
	}
}

/* Translated packets fit the next-hop MTUs that are set: bigger ones
 * were answered (Packet Too Big, Fragmentation Needed) or fragmented. */
static inline void fuzz_check_mtu(enum xlat_verdict v,
				  const struct xlat_out *out,
				  const struct xlat_cfg *c)
{
	uint32_t mtu = out->family == AF_INET ? c->ipv4_mtu : c->ipv6_mtu;

	if (v != XLAT_OUT || !mtu)
		return;
	for (unsigned int i = 0; i < out->n; i++)
		fuzz_check(out->pkt[i].len <= mtu);
}

/*
 * Recompute the IPv4 header and the L4 checksum of a copy of pkt.  The
 * test library's fixers trust the lengths, so they work on a copy with
 * slack; the result goes to an exact-size buffer for ASan to guard.
 */
static inline uint8_t *fuzz_fixed_copy(const uint8_t *pkt, size_t len)
{
	uint8_t *tmp = calloc(1, len + 64), *res = malloc(len ? len : 1);
	size_t ihl;

	fuzz_check(tmp && res);
	memcpy(tmp, pkt, len);
	if (len >= 20 && tmp[0] >> 4 == 4) {
		ihl = (tmp[0] & 0xf) * 4u;
		if (ihl >= 20 && ihl <= len) {
			if (!(get16(tmp + 6) & 0x3fff))
				pkt_fix_l4_csum4(tmp, len);
			put16(tmp + 10, ip4_header_csum(tmp, ihl));
		}
	} else if (len >= 40 && tmp[0] >> 4 == 6) {
		pkt_fix_l4_csum6(tmp, len);
	}
	memcpy(res, tmp, len);
	free(tmp);
	return res;
}

static inline void fuzz_one(const uint8_t *data, size_t size, int dir)
{
	uint8_t *fixed = NULL;
	static struct xlat_out out_a, out_b;
	struct fuzz_env env;
	enum xlat_verdict va, vb;
	uint8_t *ba, *bb;
	bool input_ok;

	if (size < FUZZ_HDR)
		return;
	fuzz_setup(&env, data);
	if (data[1] & 0x80) {
		fixed = fuzz_fixed_copy(data + FUZZ_HDR, size - FUZZ_HDR);
		data = fixed;
	} else {
		data += FUZZ_HDR;
	}
	size -= FUZZ_HDR;
	/* Exact-size heap buffers: ASan sees any write past out->cap. */
	ba = malloc(env.cap ? env.cap : 1);
	bb = malloc(env.cap ? env.cap : 1);
	fuzz_check(ba && bb);
	input_ok = pkt_check(data, size) == NULL;
	va = fuzz_once(&env, dir, data, size, &out_a, ba, 0x00);
	fuzz_check_shape(dir, va, &out_a, env.cap, env.cfg.hairpin);
	if (va != XLAT_DROP)
		fuzz_check_pkts(va, &out_a, input_ok);
	fuzz_check_mtu(va, &out_a, &env.cfg);

	/* The engine is pure and writes every byte it emits: a second run
	 * over a buffer of another fill must give the same bytes. */
	vb = fuzz_once(&env, dir, data, size, &out_b, bb, 0xff);
	fuzz_check(va == vb && out_a.n == out_b.n &&
		   out_a.reason == out_b.reason &&
		   out_a.next_id == out_b.next_id);
	for (unsigned int i = 0; i < out_a.n; i++) {
		fuzz_check(out_a.pkt[i].off == out_b.pkt[i].off &&
			   out_a.pkt[i].len == out_b.pkt[i].len);
		fuzz_check(!memcmp(xlat_out_data(&out_a, i),
				   xlat_out_data(&out_b, i), out_a.pkt[i].len));
	}
	free(ba);
	free(bb);
	free(fixed);
}

#endif
