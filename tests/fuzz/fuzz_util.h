/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers of the control-plane fuzz targets: an exact-size, aligned copy
 * of the input (so that ASan sees every byte read past its end, and so
 * that the netlink header casts are aligned as they are in the daemon's
 * receive buffers) and the check that turns a broken invariant into a
 * crash libFuzzer reports.
 */
#ifndef XLAT_FUZZ_UTIL_H
#define XLAT_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void fuzz_check(int ok)
{
	if (!ok)
		__builtin_trap();
}

/* malloc'd copy of exactly size bytes (plus extra zeroed ones). */
static inline uint8_t *fuzz_dup(const uint8_t *data, size_t size, size_t extra)
{
	uint8_t *p = malloc(size + extra ? size + extra : 1);

	fuzz_check(p != NULL);
	if (size)
		memcpy(p, data, size);
	memset(p + size, 0, extra);
	return p;
}

static inline uint16_t fuzz_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

#endif
