// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 6146 section 3.4 asks a NAT64 to translate fragments although
 * only the first carries the ports.  The first fragment of a datagram
 * finds or makes its mapping like any packet and leaves a note here,
 * keyed by (addresses, protocol, Identification); the fragments after it
 * are translated with the same mapping.  The notes live cfg.frag_ms in
 * a fixed, hashed table: a new note takes the slot of an old one, so the
 * memory never grows.  A fragment that comes before its first is held
 * (NAT64_HELD_SLOTS copies of up to NAT64_HELD_BYTES, cfg.frag_ms at
 * most, the oldest making room) and translated when its first fragment
 * has found the mapping; one that is too big, or whose first never
 * comes, is dropped.  Both tables are under frag_lock; a note names its
 * BIB entry by index and IPv4 transport address, which find it again
 * under its own shard's lock.
 */
#include "rfc6146_int.h"

#include <string.h>

static void key(const struct nat64_flow *f, bool v6, struct nat64_frag *k)
{
	memset(k, 0, sizeof(*k));
	if (v6) {
		k->src = f->l6;
		k->dst = f->r6;
	} else {
		memcpy(&k->src, &f->r4, 4);
		memcpy(&k->dst, &f->l4, 4);
	}
	k->id = f->fid;
	k->proto = (uint8_t)f->proto;
	k->v6 = v6;
}

static struct nat64_frag *slot(struct nat64 *nat, const struct nat64_frag *k)
{
	uint8_t b[38];

	memcpy(b, &k->src, 16);
	memcpy(b + 16, &k->dst, 16);
	memcpy(b + 32, &k->id, 4);
	b[36] = k->proto;
	b[37] = k->v6;
	return &nat->frag[nat64_siphash(nat->cfg.key, b, sizeof(b)) %
			  NAT64_FRAG_SLOTS];
}

void nat64_frag_note(struct nat64 *nat, const struct nat64_flow *f, bool v6,
		     const struct nat64_bib *b, uint64_t now)
{
	struct nat64_frag k, *s;

	key(f, v6, &k);
	k.bib = (uint32_t)(b - nat->bib);
	k.p4 = b->p4;
	k.a4 = b->a4;
	k.expires = now + nat->cfg.frag_ms; /* under the shard lock */
	pthread_mutex_lock(&nat->frag_lock);
	s = slot(nat, &k);
	*s = k;
	pthread_mutex_unlock(&nat->frag_lock);
}

bool nat64_frag_find(struct nat64 *nat, const struct nat64_flow *f, bool v6,
		     uint64_t now, struct nat64_map *m)
{
	struct nat64_frag k, *s, note;
	struct nat64_bib *b;
	uint32_t sh;
	bool ok;

	key(f, v6, &k);
	pthread_mutex_lock(&nat->frag_lock);
	s = slot(nat, &k);
	note = *s;
	pthread_mutex_unlock(&nat->frag_lock);
	if (!note.expires || note.expires < now || note.id != k.id ||
	    note.proto != k.proto || note.v6 != k.v6 ||
	    memcmp(&note.src, &k.src, 16) || memcmp(&note.dst, &k.dst, 16))
		return false;
	/* The mapping may have gone (and its slot been reused) since. */
	b = nat64_bib_lock4(nat, (enum nat64_proto)note.proto, &note.a4,
			    note.p4, &sh);
	if (!b)
		return false;
	ok = (uint32_t)(b - nat->bib) == note.bib;
	if (ok)
		nat64_map_of(b, m);
	nat64_unlock(nat, sh);
	return ok;
}

static bool same(const struct nat64_frag *a, const struct nat64_frag *b)
{
	return a->id == b->id && a->proto == b->proto && a->v6 == b->v6 &&
	       !memcmp(&a->src, &b->src, 16) && !memcmp(&a->dst, &b->dst, 16);
}

bool nat64_frag_hold(struct nat64 *nat, const struct nat64_flow *f, bool v6,
		     const uint8_t *pkt, size_t len, uint64_t now)
{
	struct nat64_held *h = &nat->held[0];

	if (len > NAT64_HELD_BYTES)
		return false;
	pthread_mutex_lock(&nat->frag_lock);
	/* A free or expired slot, else the one closest to expiry. */
	for (unsigned int i = 0; i < NAT64_HELD_SLOTS; i++) {
		struct nat64_held *c = &nat->held[i];

		if (c->k.expires < now) {
			h = c;
			break;
		}
		if (c->k.expires < h->k.expires)
			h = c;
	}
	key(f, v6, &h->k);
	h->k.expires = now + nat->cfg.frag_ms; /* under frag_lock */
	h->len = (uint32_t)len;
	memcpy(h->data, pkt, len);
	pthread_mutex_unlock(&nat->frag_lock);
	return true;
}

uint32_t nat64_frag_unhold(struct nat64 *nat, const struct nat64_flow *f,
			   bool v6, uint64_t now, uint8_t *buf)
{
	struct nat64_frag k;
	uint32_t len = 0;

	key(f, v6, &k);
	pthread_mutex_lock(&nat->frag_lock);
	for (unsigned int i = 0; i < NAT64_HELD_SLOTS; i++) {
		struct nat64_held *h = &nat->held[i];

		if (h->k.expires && h->k.expires >= now && same(&h->k, &k)) {
			h->k.expires = 0;
			len = h->len;
			memcpy(buf, h->data, len);
			break;
		}
	}
	pthread_mutex_unlock(&nat->frag_lock);
	return len;
}
