// SPDX-License-Identifier: GPL-2.0-or-later
/* Engine entry points that belong to neither direction: defaults, dispatch,
 * accounting and names. */
#include "xlat.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

void xlat_cfg_init(struct xlat_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->pool6791[0].s_addr = htonl(0xc0000008); /* 192.0.0.8 */
	cfg->n_pool6791 = 1;
	cfg->lowest_ipv6_mtu = 1280;
	cfg->decrement_ttl = true;
	cfg->wkp_global_only = true;
	cfg->hairpin = true;
	cfg->icmp_errors = true;
	cfg->udp0 = XLAT_UDP0_COMPUTE;
}

enum xlat_verdict xlat_packet(const struct xlat_cfg *cfg, const uint8_t *pkt,
			      size_t len, struct xlat_out *out)
{
	out->n = 0;
	if (len < 1) {
		out->reason = XLAT_DROP_TRUNCATED;
		return XLAT_DROP;
	}
	switch (pkt[0] >> 4) {
	case 4:
		return xlat_4to6(cfg, pkt, len, out);
	case 6:
		return xlat_6to4(cfg, pkt, len, out);
	}
	out->reason = XLAT_DROP_BAD_VERSION;
	return XLAT_DROP;
}

void xlat_account(struct xlat_stats *st, enum xlat_dir dir, size_t in_len,
		  enum xlat_verdict v, const struct xlat_out *out)
{
	struct xlat_dir_stats *d = &st->dir[dir];

	d->in_pkts++;
	d->in_bytes += in_len;
	switch (v) {
	case XLAT_OUT:
		d->out_pkts += out->n;
		for (unsigned int i = 0; i < out->n; i++)
			d->out_bytes += out->pkt[i].len;
		if (out->family == (dir == XLAT_DIR_4TO6 ? AF_INET : AF_INET6))
			d->hairpinned++;
		return;
	case XLAT_REPLY:
		d->replies++;
		break;
	case XLAT_DROP:
		break;
	}
	d->drops++;
	if ((unsigned int)out->reason < XLAT_DROP__COUNT)
		d->drop[out->reason]++;
}

void xlat_stats_add(struct xlat_stats *sum, const struct xlat_stats *st)
{
	const uint64_t *s = (const uint64_t *)st;
	uint64_t *d = (uint64_t *)sum;

	/* The struct is nothing but uint64_t counters. */
	for (size_t i = 0; i < sizeof(*st) / sizeof(uint64_t); i++)
		d[i] += s[i];
}

static const char *const drop_names[] = {
#define XLAT_X_NAME(e, s) s,
	XLAT_DROP_REASONS(XLAT_X_NAME)
#undef XLAT_X_NAME
};

const char *xlat_drop_name(enum xlat_drop r)
{
	if ((unsigned int)r >= XLAT_DROP__COUNT)
		return "unknown";
	return drop_names[r];
}

const char *xlat_verdict_name(enum xlat_verdict v)
{
	switch (v) {
	case XLAT_OUT:
		return "out";
	case XLAT_REPLY:
		return "reply";
	case XLAT_DROP:
		return "drop";
	}
	return "unknown";
}
