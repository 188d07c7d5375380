/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Engine-internal interfaces between the two RFC 7915 directions. */
#ifndef XLAT_RFC7915_H
#define XLAT_RFC7915_H

#include "xlat.h"

/* Flags for xlat_4to6_flags(). */
enum {
	/*
	 * RFC 7757 section 4 (hairpinning): translate the IPv4 source with
	 * pool6 (RFC 6052) only, never through the EAM table, and emit the
	 * result as a hairpinned IPv6 packet.
	 */
	XLAT_4TO6_HAIRPIN = 1 << 0,
};

/* xlat_4to6() with flags; xlat_4to6(c, p, l, o) == xlat_4to6_flags(c, p, l, o, 0). */
enum xlat_verdict xlat_4to6_flags(const struct xlat_cfg *cfg,
				  const uint8_t *pkt, size_t len,
				  struct xlat_out *out, unsigned int flags);

#endif
