/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The keys of a [nat64 NAME] section (man/xlatd.conf.5).  config.c hands
 * every key line of such a section here; the results land in
 * inst_conf.nat64 (the RFC 6146 tables' configuration) and, for the TUN
 * the instance shares with the siit data path, in inst_conf.siit.
 */
#ifndef XLATD_CONFIG_NAT64_H
#define XLATD_CONFIG_NAT64_H

#include "xlatd/config.h"

#include <stddef.h>

void conf_nat64_defaults(struct inst_conf *ic);

/* 0, -1 with a message in msg, or 1 for a key [nat64] does not have. */
int conf_nat64_key(struct inst_conf *ic, const char *k, const char *v,
		   char *msg, size_t n);

/* Section end: defaults from other keys, routes, validation. */
int conf_nat64_finish(struct inst_conf *ic, char *msg, size_t n);

#endif
