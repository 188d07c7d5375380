// SPDX-License-Identifier: GPL-2.0-or-later
/* RFC 7915 section 5: IPv6 to IPv4 (stub, being written). */
#include "xlat.h"

enum xlat_verdict xlat_6to4(const struct xlat_cfg *cfg, const uint8_t *pkt,
			    size_t len, struct xlat_out *out)
{
	(void)cfg, (void)pkt, (void)len;
	out->n = 0;
	out->reason = XLAT_DROP_UNSUPPORTED_PROTO;
	return XLAT_DROP;
}
