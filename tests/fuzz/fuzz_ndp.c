// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: Neighbour Solicitations and Advertisements for the
 * CLAT address (ndp_parse(), the answer and the DAD state machine), which
 * any host on the uplink can send.
 *
 * Byte 0 bit 0 set: before parsing, make the packet pass the cheap checks
 * (next header ICMPv6, hop limit 255, payload length, checksum) so that
 * the fuzzer reaches the option and RFC 4861 rule checks.  The rest is the
 * IPv6 packet.  Seeds: tests/fuzz/corpus/ndp/.
 */
#include "fuzz_util.h"

#include "control/clat_addr.h"
#include "control/ndp.h"
#include "engine/checksum.h"

#include <arpa/inet.h>

static void fixup(uint8_t *p, size_t len)
{
	uint32_t s;

	if (len < 40 + 4 || len - 40 > 0xffff)
		return;
	p[0] = (uint8_t)(0x60 | (p[0] & 0x0f));
	p[4] = (uint8_t)((len - 40) >> 8);
	p[5] = (uint8_t)(len - 40);
	p[6] = IPPROTO_ICMPV6;
	p[7] = 255;
	p[42] = p[43] = 0;
	s = csum_pseudo6((const struct in6_addr *)(p + 8),
			 (const struct in6_addr *)(p + 24), IPPROTO_ICMPV6,
			 (uint32_t)(len - 40));
	s = csum_add_buf(s, p + 40, len - 40);
	put16(p + 42, csum_finish(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t nonce[6] = { 1, 2, 3, 4, 5, 6 };
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	struct in6_addr ours, dst;
	struct ndp_msg m, again;
	struct ndp_dad dad;
	uint8_t na[NDP_PKT_MAX], *pkt;
	uint32_t flags;
	size_t len, n;

	if (size < 1)
		return 0;
	len = size - 1;
	pkt = fuzz_dup(data + 1, len, 0);
	if (data[0] & 1)
		fixup(pkt, len);
	if (ndp_parse(pkt, len, &m) == 0) {
		fuzz_check(m.type == NDP_NS || m.type == NDP_NA);
		fuzz_check(m.target.s6_addr[0] != 0xff);
		/* Whatever it asked for, our answer must parse as valid. */
		ours = m.target;
		if (ndp_ns_answer(&m, &ours, &dst, &flags)) {
			n = ndp_build_na(na, sizeof(na), &ours, &dst, &ours,
					 flags, mac);
			fuzz_check(n > 0 && ndp_parse(na, n, &again) == 0);
			fuzz_check(again.type == NDP_NA && again.has_lla &&
				   !memcmp(&again.target, &ours, 16));
		}
		ndp_dad_init(&dad, 1, 3, 1000);
		ndp_dad_begin(&dad, &m.target, nonce, 0);
		ndp_dad_input(&dad, &m);
		fuzz_check(dad.state == NDP_DAD_PROBING ||
			   dad.state == NDP_DAD_CONFLICT);
	}
	free(pkt);
	return 0;
}
