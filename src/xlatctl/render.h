/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What xlatctl prints, rendered from xlatd's "status json" tree (pure:
 * no I/O but the FILE given, so unit tests render into memory).
 *
 *   render_short()   a few lines per instance, for people
 *   render_long()    every key, as xlatd's own text status ("-v")
 *   render_metrics() the Prometheus text exposition format
 *
 * match: NULL for every instance, else only those whose name, uplink or
 * TUN is match.  The status renderers return how many instances they
 * printed; render_metrics() returns 0, or -1 if the tree is no status.
 */
#ifndef XLATCTL_RENDER_H
#define XLATCTL_RENDER_H

#include "xlatctl/json.h"

#include <stdio.h>

bool render_match(const struct json *inst, const char *match);
int render_short(FILE *f, const struct json *status, const char *match);
int render_long(FILE *f, const struct json *status, const char *match);
int render_metrics(FILE *f, const struct json *status);

/* Drop the instances that do not match (for "status IF --json"). */
void render_filter(struct json *status, const char *match);

/* "123 B" below 100000, "12.3 kB" above (unit "" for a plain count). */
void render_count(char *buf, size_t len, uint64_t v, const char *unit);

#endif
