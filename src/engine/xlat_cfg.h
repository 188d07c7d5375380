/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Translator configuration checks and prefix parsing, for the daemon's
 * config parser and control plane: the engine itself trusts its cfg.
 */
#ifndef XLAT_CFG_H
#define XLAT_CFG_H

#include "xlat.h"

#include <stddef.h>

/*
 * 0 when cfg is consistent, else -1 with a one-line message for the
 * operator in err (always NUL-terminated when errlen > 0).
 */
int xlat_cfg_validate(const struct xlat_cfg *cfg, char *err, size_t errlen);

/*
 * "addr/len" or a bare address (/128, /32).  0 on success, -1 (p left
 * untouched) on garbage or a length out of range.  Host bits are kept as
 * written: xlat_cfg_validate() reports them.
 */
int xlat_prefix6_parse(const char *s, struct xlat_prefix6 *p);
int xlat_prefix4_parse(const char *s, struct xlat_prefix4 *p);

#endif
