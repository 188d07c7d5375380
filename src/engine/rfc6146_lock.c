// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The locks of the RFC 6146 tables: shards by IPv6 host, stripes over the
 * BIB's IPv4-side hash chains (rfc6146_int.h says what guards what).
 * Worker threads translating different hosts' packets share no lock
 * except, for a new mapping or session, the free lists' one.
 */
#include "rfc6146_int.h"

#include <string.h>

uint32_t nat64_shard_of(const struct nat64 *nat, const struct in6_addr *a6)
{
	/* The host table's hash: its buckets' low bits are the shard. */
	return (uint32_t)nat64_siphash(nat->cfg.key, a6, 16) &
	       (NAT64_SHARDS - 1);
}

void nat64_lock(struct nat64 *nat, uint32_t shard)
{
	pthread_mutex_lock(&nat->shard[shard].lock);
}

void nat64_unlock(struct nat64 *nat, uint32_t shard)
{
	pthread_mutex_unlock(&nat->shard[shard].lock);
}

void nat64_locks_init(struct nat64 *nat)
{
	for (unsigned int i = 0; i < NAT64_SHARDS; i++) {
		pthread_mutex_init(&nat->shard[i].lock, NULL);
		for (int t = 0; t < NAT64_T__COUNT; t++)
			nat->shard[i].tq[t].head = nat->shard[i].tq[t].tail =
				NAT64_NIL;
	}
	for (unsigned int i = 0; i < NAT64_STRIPES; i++)
		pthread_mutex_init(&nat->stripe[i].lock, NULL);
	pthread_mutex_init(&nat->pool_lock, NULL);
	pthread_mutex_init(&nat->frag_lock, NULL);
	pthread_mutex_init(&nat->syn_lock, NULL);
}

/* Every shard, in order: nothing in the tables moves until unlocked. */
void nat64_lock_all(struct nat64 *nat)
{
	for (uint32_t i = 0; i < NAT64_SHARDS; i++)
		nat64_lock(nat, i);
}

void nat64_unlock_all(struct nat64 *nat)
{
	for (uint32_t i = NAT64_SHARDS; i-- > 0;)
		nat64_unlock(nat, i);
}

/* The entry of (p, a4, p4) and its shard, read under the stripe. */
static struct nat64_bib *peek4(struct nat64 *nat, uint32_t bucket,
			       enum nat64_proto p, const struct in_addr *a4,
			       uint16_t p4, uint32_t *shard)
{
	pthread_mutex_t *l = &nat->stripe[bucket & (NAT64_STRIPES - 1)].lock;
	struct nat64_bib *b;

	pthread_mutex_lock(l);
	b = nat64_bib_find4(nat, bucket, p, a4, p4);
	if (b)
		*shard = b->shard;
	pthread_mutex_unlock(l);
	return b;
}

/*
 * The shard is only known once the entry is found, and the entry may go
 * (or its slot be reused by another host) between the look and the
 * lock: look again under the shard's lock, where an entry of that shard
 * cannot change.  A few rounds at most, one nearly always.
 */
struct nat64_bib *nat64_bib_lock4(struct nat64 *nat, enum nat64_proto p,
				  const struct in_addr *a4, uint16_t p4,
				  uint32_t *shard)
{
	uint32_t bucket = nat64_bib_bucket4(nat, p, a4, p4), sh, again;
	struct nat64_bib *b = peek4(nat, bucket, p, a4, p4, &sh);

	while (b) {
		nat64_lock(nat, sh);
		b = peek4(nat, bucket, p, a4, p4, &again);
		if (b && again == sh) {
			*shard = sh;
			return b;
		}
		nat64_unlock(nat, sh);
		sh = again;
	}
	return NULL;
}

void nat64_map_of(const struct nat64_bib *b, struct nat64_map *m)
{
	m->a6 = b->a6;
	m->a4 = b->a4;
	m->p6 = b->p6;
	m->p4 = b->p4;
}
