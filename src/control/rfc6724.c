// SPDX-License-Identifier: GPL-2.0-or-later
/* RFC 6724 labels and common prefix lengths: see rfc6724.h. */
#include "control/rfc6724.h"

#include <stdint.h>
#include <string.h>

struct policy {
	uint8_t prefix[16];
	unsigned int len;
	int label;
};

/* Section 2.1, longest prefix first so the first match is the longest. */
static const struct policy table[] = {
	{ { [15] = 1 }, 128, 0 },                       /* ::1/128 */
	{ { [10] = 0xff, [11] = 0xff }, 96, 4 },        /* ::ffff:0:0/96 */
	{ { 0 }, 96, 3 },                               /* ::/96 */
	{ { 0x20, 0x01 }, 32, 5 },                      /* 2001::/32 */
	{ { 0x3f, 0xfe }, 16, 12 },                     /* 3ffe::/16 */
	{ { 0x20, 0x02 }, 16, 2 },                      /* 2002::/16 */
	{ { 0xfe, 0xc0 }, 10, 11 },                     /* fec0::/10 */
	{ { 0xfc }, 7, 13 },                            /* fc00::/7 */
	{ { 0 }, 0, 1 },                                /* ::/0 */
};

int rfc6724_label(const struct in6_addr *a)
{
	for (unsigned int i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		struct in6_addr p;

		memcpy(p.s6_addr, table[i].prefix, 16);
		if (rfc6724_common_prefix(a, &p, table[i].len) == table[i].len)
			return table[i].label;
	}
	return 1;
}

unsigned int rfc6724_common_prefix(const struct in6_addr *a,
				   const struct in6_addr *b, unsigned int max)
{
	unsigned int n = 0;

	if (max > 128)
		max = 128;
	for (unsigned int i = 0; i < 16 && n < max; i++) {
		uint8_t x = a->s6_addr[i] ^ b->s6_addr[i];

		if (!x) {
			n += 8;
			continue;
		}
		while (!(x & 0x80)) {
			n++;
			x = (uint8_t)(x << 1);
		}
		break;
	}
	return n < max ? n : max;
}
