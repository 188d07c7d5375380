// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Weak stand-ins for instance kinds that live in other files, so xlatd
 * links before they exist.  This file must sort after them in libxlatd.a:
 * main.o's reference makes the linker take the first archive member that
 * defines the symbol, and never replaces a weak definition later.  A kind with
 * .start == NULL counts as not built in.
 */
#include "xlatd/instance.h"

__attribute__((weak)) const struct instance_kind clat_kind = { .name = NULL };
