// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: Internet checksum and RFC 1624 incremental update. */
#define TAP_MAIN
#include "tap.h"

#include "engine/checksum.h"

/* RFC 1071 section 3 example: the words 0001 f203 f4f5 f6f7 sum to ddf2. */
TEST(rfc1071_example)
{
	static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03,
				     0xf4, 0xf5, 0xf6, 0xf7 };

	CHECK_EQ(csum_fold(csum_add_buf(0, b, sizeof(b))), 0xddf2);
	CHECK_EQ(csum_fold(csum_add_buf(0, b, 7)), 0xddf2 - 0xf7);
}

/* RFC 1624 section 4: HC=0xdd2f, m=0x5555 -> m'=0x3285 gives HC'=0x0000. */
TEST(rfc1624_example)
{
	uint32_t d = csum_sub16(csum_add16(0, 0x3285), 0x5555);

	CHECK_EQ(csum_update(0xdd2f, d), 0x0000);
}

/* A delta of zero (checksum-neutral change) leaves the field untouched. */
TEST(neutral_delta_untouched)
{
	CHECK_EQ(csum_update(0x0000, 0), 0x0000);
	CHECK_EQ(csum_update(0xffff, 0xffff), 0xffff);
	CHECK_EQ(csum_update(0x1234, csum_sub16(0x0064, 0x0064)), 0x1234);
}

int main(void)
{
	return tap_run();
}
