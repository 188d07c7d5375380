// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The [nat64] instance's eBPF fast path: which sessions go into the
 * program's maps, and when.  A UDP or ICMP session goes in when the
 * engine makes it, a TCP one when it becomes ESTABLISHED; each stays
 * until the engine removes it (its mapping event), since the program
 * translates only plain packets (no SYN, FIN, RST), whose effect on a
 * session in any state nat64_fast_touch() replays.  Sessions with a
 * pool4 peer (hairpinning, RFC 6146 3.8) stay the engine's.
 */
#include "xlatd/nat64_fp.h"

#include "datapath/nat64_bpf.h"
#include "rfc6052.h"
#include "xlatd/ctl.h"
#include "xlatd/instance.h"
#include "xlatd/log.h"

#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

struct nat64_fp {
	struct nat64_bpf b;
	struct instance *inst;
	uint64_t add_failed; /* sessions that did not fit in the maps */
};

static bool peer_in_pool4(const struct nat64 *nat, const struct in_addr *r4)
{
	const struct nat64_cfg *c = nat64_cfg(nat);

	for (unsigned int i = 0; i < c->n_pool4; i++)
		if (prefix4_contains(&c->pool4[i].pfx.addr, c->pool4[i].pfx.len,
				     r4))
			return true;
	return false;
}

static bool eligible(const struct nat64 *nat, const struct nat64_info *inf)
{
	if (peer_in_pool4(nat, &inf->r4))
		return false;
	return inf->proto != NAT64_TCP || inf->state == NAT64_ESTABLISHED;
}

static void put(struct nat64_fp *fp, const struct nat64_info *inf)
{
	int r = nat64_bpf_add(&fp->b, inf);

	if (r < 0 && r != -EEXIST)
		fp->add_failed++;
}

/* Sessions the tables already hold (a start after a reload). */
static void fill(struct nat64_fp *fp, struct nat64 *nat)
{
	struct nat64_info inf;
	uint32_t cap = nat64_sess_capacity(nat);

	for (uint32_t i = 0; i < cap; i++)
		if (nat64_sess_get(nat, i, &inf) && eligible(nat, &inf))
			put(fp, &inf);
}

static const char *unsupported(const struct inst_conf *ic)
{
	if (ic->siit.offload)
		return "TUN offload";
	return NULL;
}

struct nat64_fp *nat64_fp_start(struct instance *inst, struct nat64 *nat,
				 int *err)
{
	const struct inst_conf *ic = inst->conf;
	enum clat_datapath dp = ic->nat64.datapath;
	struct nat64_fp *fp;
	const char *why = unsupported(ic);
	int ifindex = (int)if_nametoindex(ic->siit.tun);

	*err = 0;
	if (dp == CLAT_DP_USERSPACE)
		return NULL;
	fp = calloc(1, sizeof(*fp));
	if (!fp) {
		*err = -ENOMEM;
		return NULL;
	}
	fp->inst = inst;
	if (!why && ifindex <= 0)
		why = "no TUN";
	if (!why && (*err = nat64_bpf_open(&fp->b, nat64_sess_capacity(nat))))
		why = "cannot load the program";
	if (!why)
		why = nat64_bpf_configure(&fp->b, nat64_cfg(nat));
	if (!why && (*err = nat64_bpf_attach(&fp->b, ifindex,
					     (enum xlat_bpf_attach)ic->nat64.bpf_attach)))
		why = "cannot attach to the TUN's egress";
	if (why) {
		if (!*err)
			*err = -EOPNOTSUPP;
		log_msg(dp == CLAT_DP_BPF ? LOG_LVL_ERR : LOG_LVL_INFO,
			inst->name, "eBPF fast path: %s (%s)%s", why,
			strerror(-*err),
			dp == CLAT_DP_BPF ? "" : ": userspace only");
		nat64_fp_stop(fp);
		if (dp != CLAT_DP_BPF)
			*err = 0;
		return NULL;
	}
	fill(fp, nat);
	log_info(inst->name, "eBPF fast path on %s's egress (%s), room for %u sessions",
		 ic->siit.tun, xlat_bpf_mode_name(fp->b.hook.mode), fp->b.cap);
	return fp;
}

void nat64_fp_stop(struct nat64_fp *fp)
{
	if (!fp)
		return;
	nat64_bpf_close(&fp->b);
	free(fp);
}

void nat64_fp_reconfigure(struct nat64_fp *fp, struct nat64 *nat)
{
	const char *why;

	if (!fp)
		return;
	nat64_bpf_flush(&fp->b);
	why = nat64_bpf_configure(&fp->b, nat64_cfg(nat));
	if (why) {
		log_warn(fp->inst->name, "eBPF fast path: %s: userspace only",
			 why);
		return;
	}
	fill(fp, nat);
}

static bool touch(void *arg, const struct nat64_info *inf, uint64_t ms)
{
	return nat64_fast_touch(arg, inf, ms) >= 0;
}

/*
 * A packet of a session the fast path has: what the program translated
 * of it goes into the engine first, so that the engine sees the
 * session's packets in their order (a RST after plain segments).
 */
void nat64_fp_before(struct nat64_fp *fp, struct nat64 *nat,
		     const uint8_t *pkt, size_t len, struct nat64_fp_note *no)
{
	struct nat64_info inf;

	no->on = fp && nat64_fast_flow(nat, pkt, len, &no->ff);
	no->eligible = no->on && nat64_fast_get(nat, &no->ff, &inf) &&
		       eligible(nat, &inf);
	if (no->eligible)
		nat64_bpf_sync_one(&fp->b, &inf, touch, nat);
}

void nat64_fp_after(struct nat64_fp *fp, struct nat64 *nat,
		    const struct nat64_fp_note *no)
{
	struct nat64_info inf;

	if (!no->on || no->eligible || !nat64_fast_get(nat, &no->ff, &inf) ||
	    !eligible(nat, &inf))
		return;
	put(fp, &inf);
}

void nat64_fp_event(struct nat64_fp *fp, const struct nat64_event *ev)
{
	struct nat64_info inf;

	if (!fp || ev->kind != NAT64_EV_SESS_DEL)
		return;
	memset(&inf, 0, sizeof(inf));
	inf.proto = ev->proto;
	inf.a6 = ev->a6;
	inf.a4 = ev->a4;
	inf.r4 = ev->r4;
	inf.p6 = ev->p6;
	inf.p4 = ev->p4;
	inf.rport = ev->rport;
	nat64_bpf_del(&fp->b, &inf);
}

void nat64_fp_sync(struct nat64_fp *fp, struct nat64 *nat)
{
	if (fp)
		nat64_bpf_sync(&fp->b, touch, nat);
}

uint32_t nat64_fp_count(struct nat64_fp *fp)
{
	return fp ? nat64_bpf_count(&fp->b) : 0;
}

void nat64_fp_status(struct nat64_fp *fp, struct ctl_out *o, uint32_t in_maps)
{
	uint64_t v[NAT64_FP__COUNT];

	if (!fp) {
		ctl_kv_str(o, "datapath", "userspace");
		return;
	}
	ctl_kv_str(o, "datapath", "bpf");
	ctl_obj_begin(o, "fastpath");
	ctl_kv_str(o, "attach", "%s", xlat_bpf_mode_name(fp->b.hook.mode));
	ctl_kv_str(o, "attached", "%s",
		   nat64_bpf_attached(&fp->b) ? "yes" : "no");
	ctl_kv_u64(o, "prog_id", nat64_bpf_prog_id(&fp->b));
	ctl_kv_u64(o, "sessions", in_maps);
	ctl_kv_u64(o, "capacity", fp->b.cap);
	ctl_kv_u64(o, "sessions_not_added", fp->add_failed);
	if (nat64_bpf_counters(&fp->b, v) == 0)
		for (unsigned int i = 0; i < NAT64_FP__COUNT; i++)
			ctl_kv_u64(o, nat64_bpf_counter_name(i), v[i]);
	ctl_obj_end(o);
}
