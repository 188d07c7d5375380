// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: xlat_6to4() under random configurations (see
 * fuzz_common.h for the layout of an input).  Seeds: tests/fuzz/corpus/6to4/.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_one(data, size, XLAT_DIR_6TO4);
	return 0;
}
