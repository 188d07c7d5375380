/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the NAPT's files share: the table and its timeouts (clat_napt.c)
 * and the packets it rewrites (clat_napt_pkt.c).
 */
#ifndef XLAT_CLAT_NAPT_INT_H
#define XLAT_CLAT_NAPT_INT_H

#include "clat_napt.h"

#include <stdbool.h>
#include <stdint.h>

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

static inline uint32_t range(const struct clat_napt *t)
{
	return (uint32_t)(t->cfg.port_hi - t->cfg.port_lo) + 1;
}

static inline struct clat_napt_map *by_in(const struct clat_napt *t,
					  enum napt_proto p, uint16_t port)
{
	uint32_t i = t->by_in[p * 65536u + port];

	return i ? &t->map[i - 1] : NULL;
}

static inline struct clat_napt_map *by_ext(const struct clat_napt *t,
					   enum napt_proto p, uint16_t port)
{
	uint32_t i;

	if (port < t->cfg.port_lo || port > t->cfg.port_hi)
		return NULL;
	i = t->by_ext[p * range(t) + (port - t->cfg.port_lo)];
	return i ? &t->map[i - 1] : NULL;
}

/* clat_napt.c: a new mapping, and what keeps one alive. */
struct clat_napt_map *napt_create(struct clat_napt *t, enum napt_proto p,
				  uint16_t in_port, uint32_t rnd);
void napt_tcp_track(const struct clat_napt *t, struct clat_napt_map *m,
		    uint8_t flags, bool out, uint64_t now);
void napt_refresh(const struct clat_napt *t, struct clat_napt_map *m,
		  uint64_t now);

#endif
