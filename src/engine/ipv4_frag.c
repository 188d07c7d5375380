// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IPv4 fragmentation in place, for 6->4 packets with DF=0 that are larger
 * than the configured IPv4 next-hop MTU (ipv4_mtu).  The kernel would
 * fragment them too when it forwards them, but to its own link's MTU; a
 * translator told about a smaller next hop does it itself, as RFC 791
 * lets any router do with DF=0.
 */
#include "ipv4_frag.h"

#include "checksum.h"

#include <string.h>
#include <sys/socket.h>

#define IP4_HDR 20

static enum xlat_verdict no_space(struct xlat_out *out)
{
	out->n = 0;
	out->reason = XLAT_DROP_NO_SPACE;
	return XLAT_DROP;
}

/*
 * Piece k's payload moves from 20 + k*chunk to k*(20 + chunk) + 20: right
 * by k*20.  Moving the last piece first never overwrites data not moved
 * yet, and header k lands after the old end of piece k-1.
 */
enum xlat_verdict xlat_frag4(struct xlat_out *out, size_t len, uint32_t mtu)
{
	uint8_t *b = out->buf, hdr[IP4_HDR];
	size_t data = len - IP4_HDR, chunk, nfr;
	uint16_t fw = get16(b + 6);
	uint16_t off0 = fw & 0x1fff;
	bool mf0 = fw & 0x2000;

	chunk = (mtu - IP4_HDR) & ~(size_t)7;
	if (chunk < 8)
		return no_space(out);
	nfr = (data + chunk - 1) / chunk;
	if (nfr > XLAT_MAX_FRAGS || len + (nfr - 1) * IP4_HDR > out->cap)
		return no_space(out);
	memcpy(hdr, b, IP4_HDR);
	for (size_t k = nfr; k-- > 0;) {
		size_t from = k * chunk;
		size_t n = data - from < chunk ? data - from : chunk;
		size_t at = k * (IP4_HDR + chunk);
		uint8_t *f = b + at;
		bool mf = k + 1 < nfr || mf0;

		memmove(f + IP4_HDR, b + IP4_HDR + from, n);
		memcpy(f, hdr, IP4_HDR);
		put16(f + 2, (uint16_t)(IP4_HDR + n));
		put16(f + 6, (uint16_t)((mf ? 0x2000 : 0) |
					(off0 + from / 8)));
		put16(f + 10, 0);
		put16(f + 10, ip4_header_csum(f, IP4_HDR));
		out->pkt[k].off = (uint32_t)at;
		out->pkt[k].len = (uint32_t)(IP4_HDR + n);
	}
	out->n = (unsigned int)nfr;
	out->family = AF_INET;
	out->reason = XLAT_DROP_NONE;
	return XLAT_OUT;
}
