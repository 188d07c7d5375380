// SPDX-License-Identifier: GPL-2.0-or-later
/* Loader of the NAT64 eBPF fast path: see nat64_bpf.h. */
#include "datapath/nat64_bpf.h"

#include "engine/rfc6052.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include "nat64.skel.h"
#pragma GCC diagnostic pop

#define IP6_MIN_MTU 1280

static const char *const counter_names[] = {
#define NAT64_FP_X_NAME(e, s) s,
	NAT64_FP_COUNTERS(NAT64_FP_X_NAME)
#undef NAT64_FP_X_NAME
};

const char *nat64_bpf_counter_name(unsigned int i)
{
	return i < NAT64_FP__COUNT ? counter_names[i] : "?";
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

static int size_maps(struct nat64_fp_bpf *s, uint32_t cap)
{
	int err = bpf_map__set_max_entries(s->maps.nat64_by6, cap);

	if (!err)
		err = bpf_map__set_max_entries(s->maps.nat64_by4, cap);
	if (!err)
		err = bpf_map__set_max_entries(s->maps.nat64_sess, cap);
	return err;
}

static int map_slots(struct nat64_bpf *b)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)b->cap * sizeof(struct nat64_fp_sess);
	void *m;

	b->slots_len = (len + (size_t)pg - 1) & ~((size_t)pg - 1);
	m = mmap(NULL, b->slots_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		 bpf_map__fd(b->skel->maps.nat64_sess), 0);
	if (m == MAP_FAILED)
		return -errno;
	b->slots = m;
	return 0;
}

int nat64_bpf_open(struct nat64_bpf *b, uint32_t cap)
{
	int err;

	memset(b, 0, sizeof(*b));
	b->hook.link_fd = -1;
	b->fd6 = b->fd4 = -1;
	b->cap = cap ? cap : 1;
	b->free_ids = calloc(b->cap, sizeof(*b->free_ids));
	b->synced = calloc(b->cap, sizeof(*b->synced));
	if (!b->free_ids || !b->synced) {
		nat64_bpf_close(b);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < b->cap; i++)
		b->free_ids[i] = b->cap - 1 - i;
	b->n_free = b->cap;
	libbpf_set_print(quiet);
	b->skel = nat64_fp_bpf__open();
	if (!b->skel) {
		err = errno ? -errno : -ENOMEM;
		nat64_bpf_close(b);
		return err;
	}
	err = size_maps(b->skel, b->cap);
	if (!err)
		err = nat64_fp_bpf__load(b->skel);
	if (!err)
		err = map_slots(b);
	if (err) {
		nat64_bpf_close(b);
		return err < 0 ? err : -err;
	}
	b->fd6 = bpf_map__fd(b->skel->maps.nat64_by6);
	b->fd4 = bpf_map__fd(b->skel->maps.nat64_by4);
	return 0;
}

static uint32_t mask4(unsigned int len)
{
	return htonl(len >= 32 ? 0xffffffffu : len ? ~(0xffffffffu >> len) : 0);
}

/* The engine's limits on a 4->6 packet (rfc7915_4to6.c, out_mtu()). */
static void mtus(struct nat64_fp_cfg *c, const struct xlat_cfg *x)
{
	uint32_t m = x->lowest_ipv6_mtu;

	c->mtu6_df = x->ipv6_mtu ? x->ipv6_mtu : 65535 + 40;
	if (x->ipv6_mtu && x->ipv6_mtu < m)
		m = x->ipv6_mtu;
	c->mtu6_nodf = m < IP6_MIN_MTU ? IP6_MIN_MTU : m;
	if (c->mtu6_df < IP6_MIN_MTU)
		c->mtu6_df = IP6_MIN_MTU;
	c->ipv4_mtu = x->ipv4_mtu;
}

static void prefix(struct nat64_fp_cfg *c, const struct xlat_prefix6 *p)
{
	for (unsigned int i = 0, pos = p->len / 8; i < 4; i++, pos++) {
		if (pos == 8)
			pos++; /* the u-octet */
		c->v4pos[i] = (uint8_t)pos;
	}
	for (unsigned int i = 0; i < 4; i++) {
		unsigned int bits = p->len > 32 * i ? p->len - 32 * i : 0;

		c->pfx_mask[i] = mask4(bits > 32 ? 32 : bits);
	}
	memcpy(c->pfx, &p->addr, 16);
	for (unsigned int i = p->len / 8; i < 16; i++)
		c->pfx[i] = 0;
}

const char *nat64_bpf_configure(struct nat64_bpf *b,
				const struct nat64_cfg *cfg)
{
	const struct xlat_cfg *x = &cfg->xlat;
	struct nat64_fp_cfg *c, n;

	if (!b->skel)
		return "not loaded";
	if (!rfc6052_valid_len(x->pool6.len) || x->pool6.len % 8)
		return "pool6 length";
	if (cfg->n_pool4 > NAT64_FP_POOL4_MAX)
		return "too many pool4 entries";
	c = &b->skel->bss->nat64_cfg;
	n = *c;
	n.decrement_ttl = x->decrement_ttl;
	n.ttl_kernel_hops = x->ttl_kernel_hops;
	n.reset_tos = x->reset_tos;
	prefix(&n, &x->pool6);
	mtus(&n, x);
	n.n_pool4 = (uint8_t)cfg->n_pool4;
	for (unsigned int i = 0; i < cfg->n_pool4; i++) {
		n.pool4_mask[i] = mask4(cfg->pool4[i].pfx.len);
		n.pool4_addr[i] = cfg->pool4[i].pfx.addr.s_addr &
				  n.pool4_mask[i];
	}
	/* .bss is mmap()ed: off while it changes, so that no packet is
	 * translated with half of each. */
	c->enabled = 0;
	__sync_synchronize();
	memcpy((uint8_t *)c + 1, (const uint8_t *)&n + 1, sizeof(n) - 1);
	__sync_synchronize();
	c->enabled = c->tun_ifindex != 0;
	b->cfg_ok = true;
	return NULL;
}

static int if_mtu(int ifindex)
{
	struct ifreq ifr;
	int err = xlat_if_ioctl(ifindex, SIOCGIFMTU, &ifr);

	return err ? err : ifr.ifr_mtu;
}

void nat64_bpf_set_dev(struct nat64_bpf *b, int ifindex, unsigned int mtu,
		       unsigned int l2len)
{
	struct nat64_fp_cfg *c = &b->skel->bss->nat64_cfg;

	c->enabled = 0;
	__sync_synchronize();
	c->tun_mtu = mtu;
	c->tun_ifindex = (uint32_t)ifindex;
	c->l2len = (uint8_t)l2len;
	__sync_synchronize();
	c->enabled = b->cfg_ok;
}

int nat64_bpf_attach(struct nat64_bpf *b, int tun_ifindex,
		     enum xlat_bpf_attach a)
{
	int l2 = xlat_bpf_l2_len(tun_ifindex), mtu = if_mtu(tun_ifindex);

	if (!b->skel)
		return -EBADF;
	if (l2 < 0 || mtu < 0)
		return l2 < 0 ? l2 : mtu;
	if (l2 != 0)
		return -EOPNOTSUPP; /* a TUN in IFF_TUN mode: bare IP */
	nat64_bpf_set_dev(b, tun_ifindex, (unsigned int)mtu, 0);
	return xlat_bpf_hook_attach(&b->hook,
				    bpf_program__fd(b->skel->progs.nat64_egress),
				    tun_ifindex, false, a);
}

bool nat64_bpf_attached(const struct nat64_bpf *b)
{
	return b->skel &&
	       xlat_bpf_hook_there(&b->hook,
				   bpf_program__fd(b->skel->progs.nat64_egress),
				   false);
}

void nat64_bpf_close(struct nat64_bpf *b)
{
	if (b->skel) {
		b->skel->bss->nat64_cfg.enabled = 0;
		xlat_bpf_hook_detach(&b->hook, false);
	}
	if (b->slots)
		munmap(b->slots, b->slots_len);
	if (b->skel)
		nat64_fp_bpf__destroy(b->skel);
	free(b->free_ids);
	free(b->synced);
	memset(b, 0, sizeof(*b));
	b->fd6 = b->fd4 = -1;
	b->hook.link_fd = -1;
}

/* ------------------------------------------------------------------ */

static uint8_t ipproto(enum nat64_proto p)
{
	return p == NAT64_TCP ? IPPROTO_TCP : p == NAT64_UDP ? IPPROTO_UDP
						       : IPPROTO_ICMP;
}

static void keys(const struct nat64_info *inf, struct nat64_fp_key6 *k6,
		 struct nat64_fp_key4 *k4)
{
	memset(k6, 0, sizeof(*k6));
	memset(k4, 0, sizeof(*k4));
	k6->proto = k4->proto = ipproto(inf->proto);
	memcpy(k6->a6, &inf->a6, 16);
	k6->p6 = inf->p6;
	k6->r4 = k4->r4 = inf->r4.s_addr;
	k6->rport = k4->rport = inf->proto == NAT64_ICMP ? 0 : inf->rport;
	k4->a4 = inf->a4.s_addr;
	k4->p4 = inf->p4;
}

int nat64_bpf_add(struct nat64_bpf *b, const struct nat64_info *inf)
{
	struct nat64_fp_key6 k6;
	struct nat64_fp_key4 k4;
	struct nat64_fp_sess *s;
	uint32_t id;

	if (!b->skel)
		return -EBADF;
	keys(inf, &k6, &k4);
	if (bpf_map_lookup_elem(b->fd4, &k4, &id) == 0)
		return -EEXIST;
	if (!b->n_free)
		return -ENOSPC;
	id = b->free_ids[--b->n_free];
	s = &b->slots[id];
	/* The slot first, then the keys that lead to it. */
	memcpy(s->a6, &inf->a6, 16);
	s->a4 = inf->a4.s_addr;
	s->r4 = inf->r4.s_addr;
	s->p6 = inf->p6;
	s->p4 = inf->p4;
	s->rport = k4.rport;
	s->proto = k4.proto;
	s->last_ns = 0;
	b->synced[id] = 0;
	__sync_synchronize();
	s->used = 1;
	if (id >= b->high)
		b->high = id + 1;
	if (bpf_map_update_elem(b->fd6, &k6, &id, BPF_NOEXIST) ||
	    bpf_map_update_elem(b->fd4, &k4, &id, BPF_NOEXIST)) {
		int err = -errno;

		bpf_map_delete_elem(b->fd6, &k6);
		s->used = 0;
		b->free_ids[b->n_free++] = id;
		return err;
	}
	return 0;
}

static void release(struct nat64_bpf *b, uint32_t id)
{
	struct nat64_fp_sess *s = &b->slots[id];
	struct nat64_fp_key6 k6 = { .proto = s->proto, .r4 = s->r4,
				    .p6 = s->p6, .rport = s->rport };
	struct nat64_fp_key4 k4 = { .proto = s->proto, .r4 = s->r4,
				    .a4 = s->a4, .p4 = s->p4,
				    .rport = s->rport };

	memcpy(k6.a6, s->a6, 16);
	bpf_map_delete_elem(b->fd6, &k6);
	bpf_map_delete_elem(b->fd4, &k4);
	s->used = 0;
	b->free_ids[b->n_free++] = id;
}

int nat64_bpf_del(struct nat64_bpf *b, const struct nat64_info *inf)
{
	struct nat64_fp_key6 k6;
	struct nat64_fp_key4 k4;
	uint32_t id;

	if (!b->skel)
		return -EBADF;
	keys(inf, &k6, &k4);
	if (bpf_map_lookup_elem(b->fd4, &k4, &id) || id >= b->cap ||
	    !b->slots[id].used)
		return -ENOENT;
	release(b, id);
	return 0;
}

void nat64_bpf_flush(struct nat64_bpf *b)
{
	for (uint32_t id = 0; b->skel && id < b->high; id++)
		if (b->slots[id].used)
			release(b, id);
}

uint32_t nat64_bpf_count(const struct nat64_bpf *b)
{
	return b->skel ? b->cap - b->n_free : 0;
}

/* Slot id's news for the engine: false if none. */
static bool news(struct nat64_bpf *b, uint32_t id, bool *gone,
		 nat64_bpf_seen_fn *fn, void *arg)
{
	struct nat64_fp_sess *s = &b->slots[id];
	uint64_t t = __atomic_load_n(&s->last_ns, __ATOMIC_RELAXED);
	struct nat64_info inf;

	*gone = false;
	if (!s->used || t == b->synced[id])
		return false;
	b->synced[id] = t;
		memset(&inf, 0, sizeof(inf));
		inf.proto = s->proto == IPPROTO_TCP ? NAT64_TCP :
			    s->proto == IPPROTO_UDP ? NAT64_UDP : NAT64_ICMP;
		memcpy(&inf.a6, s->a6, 16);
		inf.a4.s_addr = s->a4;
		inf.r4.s_addr = s->r4;
		inf.p6 = s->p6;
		inf.p4 = s->p4;
	inf.rport = s->rport;
	*gone = !fn(arg, &inf, t / 1000000);
	return true;
}

unsigned int nat64_bpf_sync(struct nat64_bpf *b, nat64_bpf_seen_fn *fn,
			    void *arg)
{
	unsigned int calls = 0;
	bool gone;

	for (uint32_t id = 0; b->skel && id < b->high; id++) {
		if (!news(b, id, &gone, fn, arg))
			continue;
		calls++;
		if (gone)
			release(b, id);
	}
	return calls;
}

int nat64_bpf_sync_one(struct nat64_bpf *b, const struct nat64_info *inf,
		       nat64_bpf_seen_fn *fn, void *arg)
{
	struct nat64_fp_key6 k6;
	struct nat64_fp_key4 k4;
	uint32_t id;
	bool gone;

	if (!b->skel)
		return -EBADF;
	keys(inf, &k6, &k4);
	if (bpf_map_lookup_elem(b->fd4, &k4, &id) || id >= b->cap)
		return -ENOENT;
	if (news(b, id, &gone, fn, arg) && gone)
		release(b, id);
	return 0;
}

uint32_t nat64_bpf_prog_id(const struct nat64_bpf *b)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (!b->skel ||
	    bpf_obj_get_info_by_fd(bpf_program__fd(b->skel->progs.nat64_egress),
				   &info, &len))
		return 0;
	return info.id;
}

int nat64_bpf_prog_fd(const struct nat64_bpf *b)
{
	return b->skel ? bpf_program__fd(b->skel->progs.nat64_egress)
		       : -EBADF;
}

int nat64_bpf_counters(const struct nat64_bpf *b, uint64_t *out)
{
	if (!b->skel)
		return -EBADF;
	return xlat_bpf_percpu_sums(bpf_map__fd(b->skel->maps.nat64_stats),
				    NAT64_FP__COUNT, out);
}
