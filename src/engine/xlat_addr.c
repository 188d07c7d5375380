// SPDX-License-Identifier: GPL-2.0-or-later
/* Address translation policy (stub, being written). */
#include "xlat_addr.h"
