// SPDX-License-Identifier: GPL-2.0-or-later
/* The clat instance's eBPF fast path glue: see clat_bpf.h. */
#include "xlatd/clat_bpf.h"

#include "engine/rfc6052.h"

#include "control/rtnl.h"

#include "xlatd/ctl.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

/* libbpf names a cls_bpf filter "PROGNAME:[ID]". */
#define UP_PROG_TAG "clat_up_ingress:"
#define UP_EGRESS_TAG "clat_up_egress:"

static void say(char *why, size_t whylen, const char *s)
{
	if (why && whylen)
		snprintf(why, whylen, "%s", s);
}

const char *clat_bpf_unsupported(const struct xlat_cfg *xc)
{
	if (!xc->has_pool6)
		return "no NAT64 prefix";
	if (!rfc6052_valid_len(xc->pool6.len))
		return "the NAT64 prefix length is not one of RFC 6052's";
	if (xc->n_eam != 1 || xc->eam[0].p4.len != 32 ||
	    xc->eam[0].p6.len != 128)
		return "the EAM table is not the single CLAT pair";
	if (xc->decrement_ttl)
		return "decrement-ttl (router mode)";
	if (xc->reset_tos)
		return "reset-tos";
	if (xc->hairpin)
		return "hairpinning";
	return NULL;
}

/* ---- leftovers of a crashed xlatd (clsact fallback only) ---- */

struct leftover {
	const char *tag; /* the program name (cls_bpf: "name:[id]") */
	uint32_t handle[16], prio[16];
	unsigned int n;
};

static int opt_cb(const struct nlattr *a, void *data)
{
	const char **name = data;

	if (mnl_attr_get_type(a) == TCA_BPF_NAME &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		*name = mnl_attr_get_str(a);
	return MNL_CB_OK;
}

static int filter_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int t = mnl_attr_get_type(a);

	if (t <= TCA_MAX)
		tb[t] = a;
	return MNL_CB_OK;
}

static int filter_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[TCA_MAX + 1] = { 0 };
	struct leftover *l = data;
	const char *name = NULL;

	if (nlh->nlmsg_type != RTM_NEWTFILTER || !tcm->tcm_handle)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*tcm), filter_attr_cb, tb);
	if (!tb[TCA_KIND] || !tb[TCA_OPTIONS] ||
	    strcmp(mnl_attr_get_str(tb[TCA_KIND]), "bpf"))
		return MNL_CB_OK;
	mnl_attr_parse_nested(tb[TCA_OPTIONS], opt_cb, &name);
	if (!name || strncmp(name, l->tag, strlen(l->tag)) || l->n >= 16)
		return MNL_CB_OK;
	l->handle[l->n] = tcm->tcm_handle;
	l->prio[l->n++] = TC_H_MAJ(tcm->tcm_info) >> 16;
	return MNL_CB_OK;
}

/* Our filters on one side of the uplink's clsact (RTM_GETTFILTER dump). */
static int find_leftovers(int ifindex, bool ingress, struct leftover *l)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = rtnl_msg(buf, RTM_GETTFILTER, NLM_F_DUMP);
	struct tcmsg *tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));

	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = TC_H_MAKE(TC_H_CLSACT, ingress ? TC_H_MIN_INGRESS
							 : TC_H_MIN_EGRESS);
	/* An error here mostly means no clsact qdisc: nothing left. */
	return rtnl_request(nlh, filter_cb, l);
}

/*
 * tcx links die with the process; cls_bpf filters do not, and a stale
 * one would redirect the CLAT's traffic into a TUN that is gone, or
 * translate with the dead process's addresses.
 */
static void remove_leftovers(int ifindex)
{
	for (int side = 0; side < 2; side++) {
		struct leftover l = { .tag = side ? UP_EGRESS_TAG : UP_PROG_TAG };

		if (find_leftovers(ifindex, !side, &l) < 0)
			continue;
		for (unsigned int i = 0; i < l.n; i++) {
			DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
					    .attach_point = side ? BPF_TC_EGRESS
								 : BPF_TC_INGRESS);
			DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts,
					    .handle = l.handle[i],
					    .priority = l.prio[i]);

			bpf_tc_detach(&hook, &opts);
		}
	}
}

void clat_bpf_remove_leftovers(int ifindex, const char *tag)
{
	struct leftover l = { .tag = tag };

	if (find_leftovers(ifindex, true, &l) < 0)
		return;
	for (unsigned int i = 0; i < l.n; i++) {
		DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
				    .attach_point = BPF_TC_INGRESS);
		DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = l.handle[i],
				    .priority = l.prio[i]);

		bpf_tc_detach(&hook, &opts);
	}
}

/* ---- start / update / stop ---- */

static int refuse(struct clat_bpf_path *b, int err, char *why, size_t whylen)
{
	say(why, whylen, b->why);
	clat_bpf_stop(b);
	return b->mode == CLAT_DP_BPF ? (err < 0 ? err : -EOPNOTSUPP) : 0;
}

int clat_bpf_start(struct clat_bpf_path *b, const struct xlat_cfg *engine_cfg,
		   int up_ifindex, int tun_ifindex, unsigned int up_mtu,
		   enum clat_datapath mode, char *why, size_t whylen)
{
	const char *no = clat_bpf_unsupported(engine_cfg);
	struct clat_fp_cfg fc;
	int err;

	clat_bpf_stop(b);
	b->mode = mode;
	remove_leftovers(up_ifindex);
	if (mode == CLAT_DP_USERSPACE) {
		snprintf(b->why, sizeof(b->why), "datapath = userspace");
		return refuse(b, 0, why, whylen);
	}
	if (no) {
		snprintf(b->why, sizeof(b->why),
			 "eBPF fast path does not implement %s", no);
		return refuse(b, -EOPNOTSUPP, why, whylen);
	}
	err = xlat_bpf_open(&b->bpf);
	if (err) {
		snprintf(b->why, sizeof(b->why),
			 "cannot load the eBPF programs: %s", strerror(-err));
		return refuse(b, err, why, whylen);
	}
	b->loaded = true;
	b->bpf.attach = (enum xlat_bpf_attach)b->attach;
	xlat_bpf_cfg_make(&fc, engine_cfg, up_mtu);
	xlat_bpf_configure(&b->bpf, &fc);
	err = xlat_bpf_attach(&b->bpf, up_ifindex, tun_ifindex);
	if (err) {
		snprintf(b->why, sizeof(b->why),
			 "cannot attach the eBPF programs (%s): %s",
			 b->attach == CLAT_ATTACH_TCX	 ? "tcx" :
			 b->attach == CLAT_ATTACH_CLSACT ? "clsact" :
							   "tcx or clsact",
			 strerror(-err));
		return refuse(b, err, why, whylen);
	}
	b->active = true;
	b->why[0] = '\0';
	say(why, whylen, "");
	return 1;
}

int clat_bpf_update(struct clat_bpf_path *b, const struct xlat_cfg *engine_cfg,
		    unsigned int up_mtu, char *why, size_t whylen)
{
	const char *no = clat_bpf_unsupported(engine_cfg);
	struct clat_fp_cfg old, fc;

	if (!b->loaded || !b->active)
		return 0;
	xlat_bpf_get_cfg(&b->bpf, &old);
	xlat_bpf_cfg_make(&fc, engine_cfg, up_mtu);
	/* The devices were learnt by attach; they did not change. */
	fc.up_ifindex = old.up_ifindex;
	fc.tun_ifindex = old.tun_ifindex;
	fc.up_l2len = old.up_l2len;
	fc.tun_l2len = old.tun_l2len;
	fc.pass_up = old.pass_up;
	if (no)
		fc.enabled = 0;
	xlat_bpf_configure(&b->bpf, &fc);
	if (!no) {
		b->why[0] = '\0';
		return 0;
	}
	snprintf(b->why, sizeof(b->why),
		 "eBPF fast path does not implement %s", no);
	say(why, whylen, b->why);
	return b->mode == CLAT_DP_BPF ? -EOPNOTSUPP : 0;
}

void clat_bpf_set_pass_up(struct clat_bpf_path *b, bool on)
{
	struct clat_fp_cfg fc;

	if (!b->loaded || !b->active)
		return;
	xlat_bpf_get_cfg(&b->bpf, &fc);
	if (fc.pass_up == on)
		return;
	fc.pass_up = on;
	xlat_bpf_configure(&b->bpf, &fc);
}

void clat_bpf_stop(struct clat_bpf_path *b)
{
	uint64_t v[CLAT_FP__COUNT];

	if (b->loaded && xlat_bpf_counters(&b->bpf, v) == 0)
		for (unsigned int i = 0; i < CLAT_FP__COUNT; i++)
			b->retired[i] += v[i];
	if (b->loaded)
		xlat_bpf_close(&b->bpf);
	b->loaded = false;
	b->active = false;
}

/* ---- counters and status ---- */

int clat_bpf_counters(struct clat_bpf_path *b, uint64_t *out)
{
	int err = 0;

	memset(out, 0, CLAT_FP__COUNT * sizeof(*out));
	if (b->loaded)
		err = xlat_bpf_counters(&b->bpf, out);
	if (err)
		memset(out, 0, CLAT_FP__COUNT * sizeof(*out));
	for (unsigned int i = 0; i < CLAT_FP__COUNT; i++)
		out[i] += b->retired[i];
	return err;
}

void clat_bpf_stats(struct clat_bpf_path *b, struct xlat_stats *add)
{
	struct xlat_dir_stats *d64 = &add->dir[XLAT_DIR_6TO4];
	struct xlat_dir_stats *d46 = &add->dir[XLAT_DIR_4TO6];
	uint64_t v[CLAT_FP__COUNT];

	clat_bpf_counters(b, v);
	d64->in_pkts += v[CLAT_FP_XLAT_6TO4];
	d64->out_pkts += v[CLAT_FP_XLAT_6TO4];
	d64->in_bytes += v[CLAT_FP_BYTES_6TO4_IN];
	d64->out_bytes += v[CLAT_FP_BYTES_6TO4_OUT];
	d46->in_pkts += v[CLAT_FP_XLAT_4TO6];
	d46->out_pkts += v[CLAT_FP_XLAT_4TO6];
	d46->in_bytes += v[CLAT_FP_BYTES_4TO6_IN];
	d46->out_bytes += v[CLAT_FP_BYTES_4TO6_OUT];
}

const char *clat_bpf_active(const struct clat_bpf_path *b)
{
	return b->active ? "bpf" : "userspace";
}

static const char *mode_name(enum clat_datapath m)
{
	return m == CLAT_DP_BPF ? "bpf" :
	       m == CLAT_DP_USERSPACE ? "userspace" : "auto";
}

void clat_bpf_status(struct clat_bpf_path *b, struct ctl_out *o)
{
	uint64_t v[CLAT_FP__COUNT];

	ctl_kv_str(o, "datapath_config", "%s", mode_name(b->mode));
	if (!b->active && b->why[0])
		ctl_kv_str(o, "fastpath_reason", "%s", b->why);
	if (b->active)
		ctl_kv_str(o, "fastpath_attach", "%s",
			   xlat_bpf_mode_name(b->bpf.hook[0].mode));
	if (!b->loaded && !b->retired[CLAT_FP_XLAT_6TO4] &&
	    !b->retired[CLAT_FP_XLAT_4TO6])
		return;
	clat_bpf_counters(b, v);
	ctl_obj_begin(o, "fastpath");
	for (unsigned int i = 0; i < CLAT_FP__COUNT; i++)
		ctl_kv_u64(o, xlat_bpf_counter_name(i), v[i]);
	ctl_obj_end(o);
}
