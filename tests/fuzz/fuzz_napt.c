// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the shared-address CLAT's NAPT (src/engine/clat_napt.c).
 * Each input starts a fresh table (a narrow port range 100-111 and room
 * for 20 mappings, so exhaustion, refusals and expiry are reached) and
 * is a sequence of records, so that a packet can meet the mapping an
 * earlier one made:
 *
 *   byte 0: bit 0 inbound (clat_napt_in) else outbound, bit 1 partial
 *           checksum (outbound; inbound: a reassembled UDP datagram for
 *           clat_napt_udp_in(), its external port in the first two
 *           bytes, the payload after them), bits 2-7 seconds the clock
 *           moves on first
 *   byte 1: n, the packet's length
 *   n bytes: an IPv4 packet
 *
 * The k-th record (from 0) draws the random number k * 7, so the first
 * new mapping gets port 100, the next 107, ...
 * Besides the sanitizers' findings it aborts when a packet whose
 * checksums were valid comes out with broken ones, or when the table's
 * counts disagree with its lookups.  Seeds: tests/fuzz/corpus/napt/.
 */
#include "engine/checksum.h"
#include "engine/clat_napt.h"
#include "pkt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct clat_napt t;
static void *mem;
static uint64_t now;
static unsigned int calls;

/* Refuse every seventh port: a host socket has it. */
static int reserve(void *arg, enum napt_proto p, uint16_t port)
{
	(void)arg, (void)p;
	return (++calls % 7) == 0 ? -EADDRINUSE : (port == 105 ? -EMFILE : 0);
}

static void setup(void)
{
	struct clat_napt_cfg c;
	struct clat_napt_ops ops = { reserve, NULL, NULL };

	calls = 0;
	now = 0;
	clat_napt_cfg_default(&c);
	c.port_lo = 100;
	c.port_hi = 111;
	c.max_maps = 20;
	c.to_udp = 30;
	c.to_tcp_est = 90;
	c.to_tcp_trans = 20;
	c.to_icmp = 10;
	if (!mem)
		mem = malloc(clat_napt_mem_size(&c));
	if (!mem || clat_napt_init(&t, &c, &ops, mem))
		abort();
}

static void consistent(void)
{
	uint32_t n = 0;

	for (int p = 0; p < NAPT__NPROTO; p++) {
		for (uint32_t port = 100; port <= 111; port++) {
			const struct clat_napt_map *m =
				clat_napt_find_ext(&t, (enum napt_proto)p,
						   (uint16_t)port);

			if (!m)
				continue;
			n++;
			if (m->ext_port != port || m->proto != p ||
			    clat_napt_find_in(&t, (enum napt_proto)p,
					      m->in_port) != m)
				abort();
		}
	}
	if (n != t.n_used || n > t.cfg.max_maps)
		abort();
}

static void one(uint8_t flags, const uint8_t *p, size_t len, uint32_t k)
{
	uint8_t pkt[256];
	bool in = flags & 1, partial = flags & 2, valid;
	enum napt_verdict v;

	now += (uint64_t)(flags >> 2) * 1000;
	if (in && partial) {
		struct in_addr s4 = { htonl(0xc6336407) }, d4 = { htonl(0xc0000004) };
		uint8_t big[256 + 28];
		size_t n;

		if (len < 2)
			return;
		memcpy(big + 28, p + 2, len - 2);
		n = clat_napt_udp_in(&t, big, len - 2, &s4, 53, &d4, get16(p),
				     64, 0, 1, now);
		if (n && (n != len + 26 || pkt_check4(big, n)))
			abort();
		consistent();
		return;
	}
	memcpy(pkt, p, len);
	valid = !partial && pkt_check4(pkt, len) == NULL;
	clat_napt_expire(&t, now);
	if (in)
		v = clat_napt_in(&t, pkt, len, now);
	else
		v = clat_napt_out(&t, pkt, len, partial, now, k * 7);
	if (v == NAPT_PASS && valid && pkt_check4(pkt, len))
		abort(); /* a good packet made bad */
	consistent();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t k = 0;

	setup();
	while (size >= 2 && (size_t)data[1] + 2 <= size) {
		one(data[0], data + 2, data[1], k++);
		size -= (size_t)data[1] + 2;
		data += (size_t)data[1] + 2;
	}
	clat_napt_clear(&t);
	return 0;
}
