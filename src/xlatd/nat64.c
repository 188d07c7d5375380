// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The "nat64" instance: RFC 6146 stateful NAT64 on a TUN device.  The
 * siit data path (siit.h) does all the I/O, TUN offload included; this
 * file owns the tables (one allocation made at start, locking themselves
 * by IPv6 host), feeds them the workers' packets, expires sessions from
 * a timer on the main loop, logs mappings (RFC 6888) and keeps the tables
 * across a reload that leaves the pools alone.
 */
#include "xlatd/nat64.h"

#include "xlatd/ctl.h"
#include "xlatd/instance.h"
#include "xlatd/log.h"
#include "xlatd/nat64_fp.h"
#include "xlatd/siit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define EXPIRE_BUDGET 100000 /* sessions per timer tick, at most */
/* Entries one `xlatctl sessions` shows: the listing is built under the
 * tables' lock, which the data path waits for. */
#define DUMP_MAX 100000

struct nat64_inst {
	struct instance *inst;
	/* The fast path and, with one configured, the workers, timer and
	 * control socket around the tables (which also lock themselves). */
	pthread_mutex_t lock;
	bool fp_lock; /* datapath != userspace: packets take lock */
	void *mem;
	struct nat64 *nat;
	int tfd;
	bool log_mappings;
	struct xlat_out tout; /* what expiry sends (held SYNs' errors) */
	struct nat64_fp *fp; /* eBPF fast path (nat64_fp.h), or NULL */
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static enum xlat_verdict engine(struct nat64_inst *n, uint8_t *pkt,
				size_t len, struct xlat_out *out,
				unsigned int flags)
{
	if (pkt[0] >> 4 == 6)
		return nat64_6to4_flags(n->nat, pkt, len, out, now_ms(), flags);
	return nat64_4to6_flags(n->nat, pkt, len, out, now_ms(), flags);
}

/*
 * The tables lock themselves (by IPv6 host): with datapath = userspace
 * the workers run side by side.  The eBPF fast path's bookkeeping around
 * each packet (nat64_fp.h) wants the instance's lock, so with a fast path
 * configured every packet takes it, as the tables' only lock did before.
 */
static enum xlat_verdict xlate(void *arg, unsigned int idx, uint8_t *pkt,
			       size_t len, struct xlat_out *out,
			       unsigned int flags)
{
	struct nat64_inst *n = arg;
	struct nat64_fp_note fn;
	enum xlat_verdict v;

	(void)idx;
	if (!n->fp_lock)
		return engine(n, pkt, len, out, flags);
	pthread_mutex_lock(&n->lock);
	nat64_fp_before(n->fp, n->nat, pkt, len, &fn);
	v = engine(n, pkt, len, out, flags);
	nat64_fp_after(n->fp, n->nat, &fn);
	pthread_mutex_unlock(&n->lock);
	return v;
}

static const struct siit_hooks hooks = { .xlate = xlate };

/* RFC 6888 section 4: who had which pool4 transport address, when. */
static void log_mapping(void *arg, const struct nat64_event *ev)
{
	static const char *const what[] = { "bib add", "bib del",
					     "session add", "session del" };
	struct nat64_inst *n = arg;
	char a6[INET6_ADDRSTRLEN], a4[INET_ADDRSTRLEN], r4[INET_ADDRSTRLEN];

	nat64_fp_event(n->fp, ev);
	if (!__atomic_load_n(&n->log_mappings, __ATOMIC_RELAXED))
		return;
	inet_ntop(AF_INET6, &ev->a6, a6, sizeof(a6));
	inet_ntop(AF_INET, &ev->a4, a4, sizeof(a4));
	if (ev->kind == NAT64_EV_BIB_ADD || ev->kind == NAT64_EV_BIB_DEL) {
		log_info(n->inst->name, "%s %s [%s]:%u %s:%u", what[ev->kind],
			 nat64_proto_name(ev->proto), a6, ev->p6, a4, ev->p4);
		return;
	}
	inet_ntop(AF_INET, &ev->r4, r4, sizeof(r4));
	log_info(n->inst->name, "%s %s [%s]:%u %s:%u %s:%u", what[ev->kind],
		 nat64_proto_name(ev->proto), a6, ev->p6, a4, ev->p4, r4,
		 ev->rport);
}

/* RFC 6146 3.5.2.2: probes of idle TCP sessions, Port Unreachable for
 * IPv4 SYNs held 6 s in vain. */
static void send_expiry_pkts(struct nat64_inst *n)
{
	struct xlat_out *o = &n->tout;
	uint64_t now = now_ms();

	while (nat64_expire_send(n->nat, now, o))
		for (unsigned int i = 0; i < o->n; i++)
			siit_send_hooked(n->inst, xlat_out_data(o, i),
					 o->pkt[i].len);
}

static void on_timer(struct instance *inst, int fd, uint32_t events)
{
	struct nat64_inst *n = siit_hook_arg(inst);
	uint64_t ticks;

	(void)events;
	if (read(fd, &ticks, sizeof(ticks)) < 0 || !n)
		return;
	pthread_mutex_lock(&n->lock);
	nat64_fp_sync(n->fp, n->nat);
	nat64_expire(n->nat, now_ms(), EXPIRE_BUDGET);
	send_expiry_pkts(n);
	pthread_mutex_unlock(&n->lock);
}

static int start_timer(struct nat64_inst *n)
{
	struct itimerspec its = { .it_interval = { .tv_sec = 1 },
				  .it_value = { .tv_sec = 1 } };

	n->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (n->tfd < 0 || timerfd_settime(n->tfd, 0, &its, NULL) < 0)
		return -errno;
	return instance_watch_fd(n->inst, n->tfd, EPOLLIN, on_timer);
}

static int make_tables(struct nat64_inst *n, struct nat64_cfg *cfg)
{
	size_t sz = nat64_mem_size(cfg);

	/* The secret of the hashes and of RFC 6056 port selection. */
	if (getrandom(cfg->key, sizeof(cfg->key), 0) != sizeof(cfg->key))
		return -errno;
	n->mem = aligned_alloc(64, (sz + 63) & ~(size_t)63);
	if (!n->mem)
		return -ENOMEM;
	n->nat = nat64_init(n->mem, sz, cfg);
	if (!n->nat)
		return -EINVAL; /* a static entry taken twice */
	nat64_set_log(n->nat, log_mapping, n);
	return 0;
}

static void free_nat(struct nat64_inst *n)
{
	nat64_fp_stop(n->fp);
	if (n->tfd >= 0)
		close(n->tfd);
	pthread_mutex_destroy(&n->lock);
	free(n->mem);
	free(n->tout.buf);
	free(n);
}

static void nat64_stop(struct instance *inst)
{
	struct nat64_inst *n = siit_hook_arg(inst);

	if (n && n->tfd >= 0)
		instance_unwatch_fd(inst, n->tfd);
	/* Off the TUN before the workers go: nothing left attached. */
	if (n) {
		struct nat64_fp *fp;

		pthread_mutex_lock(&n->lock);
		fp = n->fp;
		n->fp = NULL;
		pthread_mutex_unlock(&n->lock);
		nat64_fp_stop(fp);
	}
	siit_stop_hooked(inst);
	if (n)
		free_nat(n);
}

static int nat64_start(struct instance *inst)
{
	struct nat64_cfg cfg = inst->conf->nat64.cfg;
	struct nat64_inst *n = calloc(1, sizeof(*n));
	int ret;

	if (!n)
		return -ENOMEM;
	n->inst = inst;
	n->tfd = -1;
	n->log_mappings = inst->conf->nat64.log_mappings;
	n->fp_lock = inst->conf->nat64.datapath != CLAT_DP_USERSPACE;
	pthread_mutex_init(&n->lock, NULL);
	n->tout.cap = XLAT_OUT_MIN;
	n->tout.buf = malloc(n->tout.cap);
	if (!n->tout.buf) {
		free_nat(n);
		return -ENOMEM;
	}
	ret = make_tables(n, &cfg);
	if (ret < 0) {
		instance_set_state(inst, "failed", "session tables: %s",
				   strerror(-ret));
		free_nat(n);
		return ret;
	}
	/* From here on stop() finds n through the siit data path. */
	ret = siit_start_hooked(inst, &hooks, n);
	if (ret == 0)
		ret = start_timer(n);
	if (ret == 0) {
		pthread_mutex_lock(&n->lock);
		n->fp = nat64_fp_start(inst, n->nat, &ret);
		pthread_mutex_unlock(&n->lock);
		if (ret < 0)
			instance_set_state(inst, "failed",
					   "eBPF fast path: %s", strerror(-ret));
	}
	if (ret < 0)
		return ret;
	log_info(inst->name, "NAT64: %u pool4 entr%s, %u static, up to %u sessions (%zu KiB)",
		 cfg.n_pool4, cfg.n_pool4 == 1 ? "y" : "ies", cfg.n_static,
		 cfg.max_sessions, nat64_mem_size(&cfg) >> 10);
	return 0;
}

/* SIGHUP: same TUN, routes and pools: keep every session. */
static int nat64_reload(struct instance *inst, const struct inst_conf *ic)
{
	struct nat64_inst *n = siit_hook_arg(inst);
	struct nat64_cfg cfg = ic->nat64.cfg;
	int ret;

	if (!n || memcmp(&ic->siit, &inst->conf->siit, sizeof(ic->siit)) ||
	    ic->nat64.datapath != inst->conf->nat64.datapath ||
	    ic->nat64.bpf_attach != inst->conf->nat64.bpf_attach)
		return -1;
	pthread_mutex_lock(&n->lock);
	memcpy(cfg.key, nat64_cfg(n->nat)->key, sizeof(cfg.key));
	ret = nat64_reconfigure(n->nat, &cfg);
	if (ret == 0)
		__atomic_store_n(&n->log_mappings, ic->nat64.log_mappings,
				 __ATOMIC_RELAXED);
	if (ret == 0)
		nat64_fp_reconfigure(n->fp, n->nat);
	pthread_mutex_unlock(&n->lock);
	return ret;
}

static void nat64_status(struct instance *inst, struct ctl_out *o)
{
	struct nat64_inst *n = siit_hook_arg(inst);
	const struct nat64_cfg *c = &inst->conf->nat64.cfg;
	struct nat64_stats st;
	uint32_t ns, nb, nf;

	siit_status_hooked(inst, o);
	if (!n)
		return;
	pthread_mutex_lock(&n->lock);
	st = *nat64_stats(n->nat);
	ns = nat64_sessions(n->nat);
	nb = nat64_bibs(n->nat);
	nf = nat64_fp_count(n->fp);
	pthread_mutex_unlock(&n->lock);
	nat64_fp_status(n->fp, o, nf);
	ctl_kv_str(o, "filtering", "%s", c->filter == NAT64_FILTER_EI ?
		   "endpoint-independent" : "address-dependent");
	ctl_kv_u64(o, "max_sessions", c->max_sessions);
	ctl_kv_u64(o, "max_sessions_per_host", c->max_per_host);
	ctl_kv_u64(o, "sessions", ns);
	ctl_kv_u64(o, "bib_entries", nb);
	ctl_obj_begin(o, "nat64");
	ctl_kv_u64(o, "bib_added", st.bib_added);
	ctl_kv_u64(o, "bib_removed", st.bib_removed);
	ctl_kv_u64(o, "sessions_added", st.sess_added);
	ctl_kv_u64(o, "sessions_removed", st.sess_removed);
	ctl_kv_u64(o, "refused_table_full", st.refused_table_full);
	ctl_kv_u64(o, "refused_host_limit", st.refused_host_limit);
	ctl_kv_u64(o, "refused_pool4_exhausted", st.refused_pool4);
	ctl_kv_u64(o, "hairpinned", st.hairpinned);
	ctl_kv_u64(o, "syn_held", st.syn_held);
	ctl_kv_u64(o, "syn_hold_full", st.syn_hold_full);
	ctl_kv_u64(o, "syn_unreachable", st.syn_unreachable);
	ctl_kv_u64(o, "simultaneous_open", st.simultaneous_open);
	ctl_kv_u64(o, "tcp_probes", st.tcp_probes);
	ctl_obj_end(o);
}

const struct instance_kind nat64_kind = {
	.name = "nat64",
	.start = nat64_start,
	.stop = nat64_stop,
	.status = nat64_status,
	.reload = nat64_reload,
};

/* ------------------------------------------------------------------ */
/* xlatctl sessions / bib                                             */

static void entry(struct ctl_out *o, const struct nat64_info *inf,
		  bool sessions, uint64_t now, bool *first)
{
	char a6[INET6_ADDRSTRLEN], a4[INET_ADDRSTRLEN], r4[INET_ADDRSTRLEN];
	const char *pr = nat64_proto_name(inf->proto);
	uint64_t left = inf->expires > now ? (inf->expires - now) / 1000 : 0;

	inet_ntop(AF_INET6, &inf->a6, a6, sizeof(a6));
	inet_ntop(AF_INET, &inf->a4, a4, sizeof(a4));
	inet_ntop(AF_INET, &inf->r4, r4, sizeof(r4));
	if (o->json) {
		ctl_printf(o, "%s{\"proto\":\"%s\",\"ipv6\":\"%s\",\"ipv6_port\":%u,\"ipv4\":\"%s\",\"ipv4_port\":%u",
			   *first ? "" : ",", pr, a6, inf->p6, a4, inf->p4);
		if (sessions)
			ctl_printf(o, ",\"remote\":\"%s\",\"remote_port\":%u,\"state\":\"%s\",\"expires_in\":%llu",
				   r4, inf->rport,
				   inf->proto == NAT64_TCP ?
					   nat64_state_name(inf->state) : "active",
				   (unsigned long long)left);
		else
			ctl_printf(o, ",\"static\":%s",
				   inf->is_static ? "true" : "false");
		ctl_printf(o, "}");
		*first = false;
		return;
	}
	ctl_printf(o, "  %-4s [%s]:%u  %s:%u", pr, a6, inf->p6, a4, inf->p4);
	if (sessions)
		ctl_printf(o, "  %s:%u  %s  %llus\n", r4, inf->rport,
			   inf->proto == NAT64_TCP ? nat64_state_name(inf->state)
						   : "active",
			   (unsigned long long)left);
	else
		ctl_printf(o, "%s\n", inf->is_static ? "  static" : "");
}

static void dump(struct ctl_out *o, struct instance *inst, bool sessions)
{
	struct nat64_inst *n = siit_hook_arg(inst);
	struct nat64_info inf;
	uint64_t now = now_ms();
	bool first = true;
	uint32_t cap, count, shown = 0;

	pthread_mutex_lock(&n->lock);
	nat64_lock_all(n->nat);
	cap = sessions ? nat64_sess_capacity(n->nat)
		       : nat64_bib_capacity(n->nat);
	count = sessions ? nat64_sessions(n->nat) : nat64_bibs(n->nat);
	if (o->json)
		ctl_printf(o, "{\"name\":\"%s\",\"count\":%u,\"%s\":[",
			   inst->name, count, sessions ? "sessions" : "bib");
	else
		ctl_printf(o, "nat64 %s: %u %s\n", inst->name, count,
			   sessions ? "sessions" : "BIB entries");
	for (uint32_t i = 0; i < cap && shown < DUMP_MAX; i++)
		if (sessions ? nat64_sess_get(n->nat, i, &inf)
			     : nat64_bib_get(n->nat, i, &inf)) {
			entry(o, &inf, sessions, now, &first);
			shown++;
		}
	nat64_unlock_all(n->nat);
	pthread_mutex_unlock(&n->lock);
	if (o->json)
		ctl_printf(o, "],\"truncated\":%s}",
			   shown < count ? "true" : "false");
	else if (shown < count)
		ctl_printf(o, "  ... %u more not shown\n", count - shown);
}

void nat64_ctl_tables(struct ctl_out *o, bool sessions)
{
	bool first = true;

	if (o->json)
		ctl_printf(o, "{\"instances\":[");
	for (struct instance *i = instance_list(); i; i = i->next) {
		if (i->kind != &nat64_kind || !siit_hook_arg(i))
			continue;
		if (o->json && !first)
			ctl_printf(o, ",");
		first = false;
		dump(o, i, sessions);
	}
	if (o->json)
		ctl_printf(o, "]}\n");
	else if (first)
		ctl_printf(o, "no nat64 instances\n");
}
