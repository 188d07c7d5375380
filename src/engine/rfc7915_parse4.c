// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The IPv4 header, outer or quoted in an ICMP error, and its options, as
 * RFC 7915 section 4 reads them.
 */
#include "rfc7915_4to6_int.h"

#include "checksum.h"

static void parse_fields(const uint8_t *p, struct v4 *h)
{
	uint16_t fo = get16(p + 6);

	h->p = p;
	h->ihl = (size_t)(p[0] & 0xf) * 4;
	h->tot = get16(p + 2);
	h->tos = p[1];
	h->id = get16(p + 4);
	h->df = fo & 0x4000;
	h->mf = fo & 0x2000;
	h->off = (uint32_t)(fo & 0x1fff) * 8;
	h->ttl = p[8];
	h->proto = p[9];
	memcpy(&h->src, p + 12, 4);
	memcpy(&h->dst, p + 16, 4);
}

/* What outer and quoted headers have in common; trunc: the reason a
 * packet too short for its header is dropped for. */
static enum xlat_drop parse_head(const uint8_t *p, size_t len, struct v4 *h,
				 enum xlat_drop trunc)
{
	if (len < IP4_HDR)
		return trunc;
	if (p[0] >> 4 != 4)
		return XLAT_DROP_BAD_VERSION;
	parse_fields(p, h);
	if (h->ihl < IP4_HDR)
		return XLAT_DROP_BAD_IHL;
	if (h->ihl > len)
		return trunc;
	return XLAT_DROP_NONE;
}

enum xlat_drop v4_parse_outer(const uint8_t *p, size_t len, struct v4 *h)
{
	enum xlat_drop r = parse_head(p, len, h, XLAT_DROP_TRUNCATED);

	if (r != XLAT_DROP_NONE)
		return r;
	if (csum_fold(csum_add_buf(0, p, h->ihl)) != 0xffff)
		return XLAT_DROP_BAD_IP4_CSUM;
	if (h->tot < h->ihl)
		return XLAT_DROP_BAD_LENGTH;
	if (h->tot > len)
		return XLAT_DROP_TRUNCATED;
	h->avail = h->tot;
	return XLAT_DROP_NONE;
}

/*
 * The packet inside an ICMP error may be cut anywhere after its header
 * (RFC 792 keeps only 8 bytes of payload); its checksum is not ours to
 * judge, as the original may have been altered on the way.
 */
enum xlat_drop v4_parse_inner(const uint8_t *p, size_t len, struct v4 *h)
{
	enum xlat_drop r = parse_head(p, len, h,
				      XLAT_DROP_ICMP_ERROR_TRUNCATED);

	if (r != XLAT_DROP_NONE)
		return r;
	if (h->tot < h->ihl)
		return XLAT_DROP_BAD_LENGTH;
	h->avail = h->tot < len ? h->tot : len;
	return XLAT_DROP_NONE;
}

/* RFC 7915 4.1: an unexpired LSRR/SSRR must not be translated. */
bool v4_unexpired_source_route(const uint8_t *o, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t t = o[i], l;

		if (t == 0) /* end of option list */
			return false;
		if (t == 1) { /* no-operation */
			i++;
			continue;
		}
		if (i + 1 >= n)
			return false;
		l = o[i + 1];
		/* Malformed lengths end the walk: options are ignored. */
		if (l < 2 || i + l > n)
			return false;
		if ((t == 131 || t == 137) && l >= 3 && o[i + 2] <= l)
			return true;
		i += l;
	}
	return false;
}
