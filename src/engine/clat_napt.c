// SPDX-License-Identifier: GPL-2.0-or-later
/* The shared-address CLAT's NAPT: see clat_napt.h, docs/clat-shared.md. */
#include "clat_napt.h"
#include "clat_napt_int.h"

#include "checksum.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

static const char *const counter_names[] = {
#define NAPT_X_NAME(e, s) s,
	CLAT_NAPT_COUNTERS(NAPT_X_NAME)
#undef NAPT_X_NAME
};

const char *clat_napt_counter_name(unsigned int i)
{
	return i < NAPT_C__COUNT ? counter_names[i] : "?";
}

const char *clat_napt_proto_name(enum napt_proto p)
{
	return p == NAPT_TCP ? "tcp" : p == NAPT_UDP ? "udp" : "icmp";
}

void clat_napt_cfg_default(struct clat_napt_cfg *c)
{
	c->port_lo = NAPT_PORT_LO_DEFAULT;
	c->port_hi = NAPT_PORT_HI_DEFAULT;
	c->max_maps = (uint32_t)(c->port_hi - c->port_lo + 1) * NAPT__NPROTO;
	c->to_udp = NAPT_TO_UDP_DEFAULT;
	c->to_tcp_est = NAPT_TO_TCP_EST_DEFAULT;
	c->to_tcp_trans = NAPT_TO_TCP_TRANS_DEFAULT;
	c->to_icmp = NAPT_TO_ICMP_DEFAULT;
}

const char *clat_napt_cfg_check(const struct clat_napt_cfg *c)
{
	if (c->port_lo == 0 || c->port_lo > c->port_hi)
		return "the port range is empty or starts at 0";
	if (c->max_maps == 0 || c->max_maps > 3u * 65536)
		return "the table size is 0 or above 196608";
	if (!c->to_udp || !c->to_tcp_est || !c->to_tcp_trans || !c->to_icmp)
		return "a timeout is 0";
	return NULL;
}

static size_t up8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

size_t clat_napt_mem_size(const struct clat_napt_cfg *c)
{
	size_t r = (size_t)(c->port_hi - c->port_lo) + 1;

	return up8((size_t)c->max_maps * sizeof(struct clat_napt_map)) +
	       up8((size_t)NAPT__NPROTO * 65536 * sizeof(uint32_t)) +
	       up8((size_t)NAPT__NPROTO * r * sizeof(uint32_t));
}

int clat_napt_init(struct clat_napt *t, const struct clat_napt_cfg *c,
		   const struct clat_napt_ops *ops, void *mem)
{
	uint8_t *m = mem;

	memset(t, 0, sizeof(*t));
	if (clat_napt_cfg_check(c) || !mem)
		return -EINVAL;
	t->cfg = *c;
	if (ops)
		t->ops = *ops;
	memset(mem, 0, clat_napt_mem_size(c));
	t->map = (struct clat_napt_map *)(void *)m;
	m += up8((size_t)c->max_maps * sizeof(*t->map));
	t->by_in = (uint32_t *)(void *)m;
	m += up8((size_t)NAPT__NPROTO * 65536 * sizeof(*t->by_in));
	t->by_ext = (uint32_t *)(void *)m;
	for (uint32_t i = 0; i < c->max_maps; i++)
		t->map[i].next_free = i + 2 <= c->max_maps ? i + 2 : 0;
	t->free_head = 1;
	return 0;
}

static void unlink_map(struct clat_napt *t, uint32_t i)
{
	struct clat_napt_map *m = &t->map[i];

	if (t->ops.release)
		t->ops.release(t->ops.arg, (enum napt_proto)m->proto,
			       m->ext_port);
	t->by_in[m->proto * 65536u + m->in_port] = 0;
	t->by_ext[m->proto * range(t) + (m->ext_port - t->cfg.port_lo)] = 0;
	t->n_proto[m->proto]--;
	t->n_used--;
	m->used = false;
	m->next_free = t->free_head;
	t->free_head = i + 1;
}

void clat_napt_clear(struct clat_napt *t)
{
	if (!t->map)
		return;
	for (uint32_t i = 0; i < t->cfg.max_maps && t->n_used; i++)
		if (t->map[i].used)
			unlink_map(t, i);
}

const struct clat_napt_map *clat_napt_find_ext(const struct clat_napt *t,
					       enum napt_proto p, uint16_t port)
{
	return by_ext(t, p, port);
}

const struct clat_napt_map *clat_napt_find_in(const struct clat_napt *t,
					      enum napt_proto p, uint16_t port)
{
	return by_in(t, p, port);
}

uint32_t clat_napt_count(const struct clat_napt *t, enum napt_proto p)
{
	return t->n_proto[p];
}

static uint64_t secs(uint32_t s)
{
	return (uint64_t)s * 1000;
}

/* Take a free slot for (p, in_port) <-> (p, ext). */
static struct clat_napt_map *link_map(struct clat_napt *t, enum napt_proto p,
				      uint16_t in_port, uint16_t ext)
{
	uint32_t i = t->free_head - 1;
	struct clat_napt_map *m = &t->map[i];

	t->free_head = m->next_free;
	memset(m, 0, sizeof(*m));
	m->used = true;
	m->proto = (uint8_t)p;
	m->in_port = in_port;
	m->ext_port = ext;
	t->by_in[p * 65536u + in_port] = i + 1;
	t->by_ext[p * range(t) + (ext - t->cfg.port_lo)] = i + 1;
	t->n_proto[p]++;
	t->n_used++;
	t->ctr[NAPT_C_CREATED]++;
	return m;
}

/*
 * A new mapping: from a random point of the range, the first port that
 * is free here and that the owner manages to reserve.
 */
struct clat_napt_map *napt_create(struct clat_napt *t, enum napt_proto p,
				  uint16_t in_port, uint32_t rnd)
{
	uint32_t n = range(t), start = rnd % n, refused = 0;

	if (t->n_used >= t->cfg.max_maps || !t->free_head) {
		t->ctr[NAPT_C_DROP_FULL]++;
		return NULL;
	}
	for (uint32_t k = 0; k < n; k++) {
		uint32_t off = (start + k) % n;
		uint16_t port = (uint16_t)(t->cfg.port_lo + off);
		int r;

		if (t->by_ext[p * n + off])
			continue;
		r = t->ops.reserve ? t->ops.reserve(t->ops.arg, p, port) : 0;
		if (r == -EADDRINUSE) {
			t->ctr[NAPT_C_PORT_IN_USE]++;
			if (++refused < NAPT_RESERVE_TRIES)
				continue;
		}
		if (r < 0) {
			t->ctr[NAPT_C_DROP_RESERVE]++;
			return NULL;
		}
		return link_map(t, p, in_port, port);
	}
	t->ctr[NAPT_C_DROP_NO_PORT]++;
	return NULL;
}

/* ---- the TCP tracker ---- */

static void tcp_timer(const struct clat_napt *t, struct clat_napt_map *m,
		      uint64_t now, bool entered)
{
	switch (m->tcp) {
	case NAPT_TCP_SYN_SENT:
	case NAPT_TCP_TRANS:
		m->expires = now + secs(t->cfg.to_tcp_trans);
		break;
	case NAPT_TCP_FIN_BOTH:
		/* Closing: the last ACKs do not keep it alive. */
		if (entered)
			m->expires = now + secs(t->cfg.to_tcp_trans);
		break;
	default:
		m->expires = now + secs(t->cfg.to_tcp_est);
	}
}

void napt_tcp_track(const struct clat_napt *t, struct clat_napt_map *m,
		    uint8_t flags, bool out, uint64_t now)
{
	uint8_t before = m->tcp;

	if (flags & TCP_RST) {
		m->tcp = NAPT_TCP_TRANS;
	} else if ((flags & TCP_SYN) && out && !(flags & TCP_ACK) &&
		   (m->tcp == NAPT_TCP_FIN_BOTH || m->tcp == NAPT_TCP_TRANS)) {
		m->tcp = NAPT_TCP_SYN_SENT; /* a new connection, same port */
	} else if (m->tcp == NAPT_TCP_SYN_SENT) {
		if (!out && (flags & TCP_SYN))
			m->tcp = NAPT_TCP_EST;
	} else if (flags & TCP_FIN) {
		if (m->tcp == NAPT_TCP_EST || m->tcp == NAPT_TCP_TRANS)
			m->tcp = out ? NAPT_TCP_FIN_OUT : NAPT_TCP_FIN_IN;
		else if (m->tcp == (out ? NAPT_TCP_FIN_IN : NAPT_TCP_FIN_OUT))
			m->tcp = NAPT_TCP_FIN_BOTH;
	} else if (m->tcp == NAPT_TCP_TRANS) {
		m->tcp = NAPT_TCP_EST; /* RFC 6146: any non-RST packet */
	}
	tcp_timer(t, m, now, m->tcp != before);
}

void napt_refresh(const struct clat_napt *t, struct clat_napt_map *m,
		  uint64_t now)
{
	m->expires = now + secs(m->proto == NAPT_UDP ? t->cfg.to_udp
						      : t->cfg.to_icmp);
}

unsigned int clat_napt_expire(struct clat_napt *t, uint64_t now_ms)
{
	unsigned int n = 0;

	for (uint32_t i = 0; i < t->cfg.max_maps && t->n_used; i++) {
		if (!t->map[i].used || t->map[i].expires > now_ms)
			continue;
		unlink_map(t, i);
		n++;
	}
	t->ctr[NAPT_C_EXPIRED] += n;
	return n;
}
