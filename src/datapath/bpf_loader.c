// SPDX-License-Identifier: GPL-2.0-or-later
/* Loader of the CLAT eBPF fast path: see bpf_loader.h. */
#include "datapath/bpf_loader.h"

#include "engine/rfc6052.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <arpa/inet.h>
#include <errno.h>
#include <net/if_arp.h>
#include <net/if.h>
#include <pthread.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* bpftool's skeleton defines helpers we do not all call. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include "clat.skel.h"
#pragma GCC diagnostic pop

/* uapi values newer than the installed headers (kernel 6.6). */
#define XLAT_BPF_TCX_INGRESS 46
#define XLAT_BPF_TCX_EGRESS 47

static const char *const counter_names[] = {
#define CLAT_FP_X_NAME(e, s) s,
	CLAT_FP_COUNTERS(CLAT_FP_X_NAME)
#undef CLAT_FP_X_NAME
};

const char *xlat_bpf_counter_name(unsigned int i)
{
	return i < CLAT_FP__COUNT ? counter_names[i] : "?";
}

const char *xlat_bpf_mode_name(enum xlat_bpf_mode m)
{
	switch (m) {
	case XLAT_BPF_TCX:
		return "tcx";
	case XLAT_BPF_CLSACT:
		return "clsact";
	default:
		return "detached";
	}
}

static int silent_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

/*
 * libbpf's open, load and destroy make thousands of allocations of every
 * size (the kernel's BTF alone is two 5 MiB buffers) on each CLAT start.
 * Done on the main loop, glibc's per-thread cache (tcache: up to 7 freed
 * chunks of each of 64 sizes, about 235 KiB) of that long-lived thread
 * kept filling with them, a few KiB of RSS more per link flap for the
 * first 60 or so (docs/soak.md).  A thread of its own for each step
 * frees its cache when it ends.
 */
struct apart {
	void (*fn)(void *);
	void *arg;
};

static void *apart_main(void *arg)
{
	struct apart *a = arg;

	a->fn(a->arg);
	return NULL;
}

void xlat_bpf_apart(void (*fn)(void *), void *arg)
{
	struct apart a = { .fn = fn, .arg = arg };
	pthread_t t;

	if (pthread_create(&t, NULL, apart_main, &a))
		fn(arg); /* no thread: the same work, cache or not */
	else
		pthread_join(t, NULL);
}

struct bpf_job {
	struct xlat_bpf *b;
	int err;
};

static void open_job(void *arg)
{
	struct bpf_job *j = arg;
	struct xlat_bpf *b = j->b;

	b->skel = clat_bpf__open();
	if (!b->skel) {
		j->err = errno ? -errno : -ENOMEM;
		return;
	}
	j->err = clat_bpf__load(b->skel);
	if (j->err) {
		clat_bpf__destroy(b->skel);
		b->skel = NULL;
		j->err = j->err < 0 ? j->err : -j->err;
	}
}

static void close_job(void *arg)
{
	struct xlat_bpf *b = arg;

	clat_bpf__destroy(b->skel);
	b->skel = NULL;
}

int xlat_bpf_open(struct xlat_bpf *b)
{
	struct bpf_job j = { .b = b };

	memset(b, 0, sizeof(*b));
	for (int i = 0; i < XLAT_BPF__NPROG; i++)
		b->hook[i].link_fd = -1;
	/* The caller decides what a missing fast path is worth logging. */
	libbpf_set_print(silent_print);
	xlat_bpf_apart(open_job, &j);
	return j.err;
}

static bool is_clat_eam(const struct xlat_cfg *xc)
{
	return xc->n_eam == 1 && xc->eam[0].p4.len == 32 &&
	       xc->eam[0].p6.len == 128;
}

bool xlat_bpf_cfg_make(struct clat_fp_cfg *c, const struct xlat_cfg *xc,
		       unsigned int up_mtu)
{
	static const uint8_t wkp[12] = { 0x00, 0x64, 0xff, 0x9b };

	memset(c, 0, sizeof(*c));
	if (!xc->has_pool6 || !is_clat_eam(xc))
		return false;
	c->pfx_len = xc->pool6.len;
	for (unsigned int i = 0, pos = c->pfx_len / 8; i < 4; i++, pos++) {
		if (pos == 8)
			pos++; /* the u-octet */
		c->v4pos[i] = (uint8_t)pos;
	}
	for (unsigned int i = 0; i < 4; i++) {
		unsigned int bits = c->pfx_len > 32 * i ? c->pfx_len - 32 * i : 0;
		uint32_t m = bits >= 32 ? 0xffffffffu : bits ? ~(0xffffffffu >> bits) : 0;

		c->pfx_mask[i] = htonl(m);
	}
	memcpy(c->pfx, &xc->pool6.addr, 16);
	for (unsigned int i = 0; i < 16; i++)
		if (i >= c->pfx_len / 8)
			c->pfx[i] = 0;
	memcpy(c->clat6, &xc->eam[0].p6.addr, 16);
	memcpy(c->clat4, &xc->eam[0].p4.addr, 4);
	c->wkp_global = xc->wkp_global_only && xc->pool6.len == 96 &&
			memcmp(&xc->pool6.addr, wkp, 12) == 0;
	c->up_mtu = up_mtu;
	c->min_mtu6 = xc->lowest_ipv6_mtu < 1280 ? 1280 : xc->lowest_ipv6_mtu;
	/* The programs know host mode only (TTL copied: no decrement, none
	 * given back); hairpinning (RFC 7757 4) would send the CLAT's own
	 * traffic back to IPv6 in the engine. */
	c->enabled = !xc->decrement_ttl && !xc->ttl_kernel_hops &&
		     !xc->reset_tos && !xc->hairpin &&
		     rfc6052_valid_len(xc->pool6.len);
	return c->enabled;
}

void xlat_bpf_configure(struct xlat_bpf *b, const struct clat_fp_cfg *c)
{
	/* .bss is mmap()ed: the programs see a whole new config at once
	 * only if they read it after this copy; disable first so no packet
	 * is translated with half of each. */
	b->skel->bss->clat_cfg.enabled = 0;
	__sync_synchronize();
	memcpy((uint8_t *)&b->skel->bss->clat_cfg + 1, (const uint8_t *)c + 1,
	       sizeof(*c) - 1);
	__sync_synchronize();
	b->skel->bss->clat_cfg.enabled = c->enabled;
}

void xlat_bpf_get_cfg(const struct xlat_bpf *b, struct clat_fp_cfg *c)
{
	memcpy(c, &b->skel->bss->clat_cfg, sizeof(*c));
}

int xlat_bpf_prog_fd(const struct xlat_bpf *b, enum xlat_bpf_prog p)
{
	if (!b->skel)
		return -EBADF;
	return bpf_program__fd(p == XLAT_BPF_UP_INGRESS ?
				       b->skel->progs.clat_up_ingress :
			       p == XLAT_BPF_UP_EGRESS ?
				       b->skel->progs.clat_up_egress :
				       b->skel->progs.clat_tun_egress);
}

int xlat_if_ioctl(int ifindex, unsigned long req, struct ifreq *ifr)
{
	int fd, err = 0;

	memset(ifr, 0, sizeof(*ifr));
	if (!if_indextoname((unsigned int)ifindex, ifr->ifr_name))
		return -ENODEV;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, req, ifr) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Link-layer header bytes in front of IP on ifindex, or -errno. */
static int l2_len(int ifindex)
{
	struct ifreq ifr;
	int err = xlat_if_ioctl(ifindex, SIOCGIFHWADDR, &ifr);

	if (err)
		return err;
	switch (ifr.ifr_hwaddr.sa_family) {
	case ARPHRD_ETHER:
		return 14;
	case ARPHRD_NONE:
	case ARPHRD_RAWIP:
		return 0;
	}
	return -EOPNOTSUPP;
}

static int attach_tcx(struct xlat_bpf_hook *h, int prog_fd, bool ingress)
{
	int fd = bpf_link_create(prog_fd, h->ifindex,
				 (enum bpf_attach_type)(ingress ?
					XLAT_BPF_TCX_INGRESS :
					XLAT_BPF_TCX_EGRESS), NULL);

	if (fd < 0)
		return fd;
	h->link_fd = fd;
	h->mode = XLAT_BPF_TCX;
	return 0;
}

static int attach_clsact(struct xlat_bpf_hook *h, int prog_fd, bool ingress)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = h->ifindex,
			    .attach_point = ingress ? BPF_TC_INGRESS :
						      BPF_TC_EGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = prog_fd);
	int err;

	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST)
		return err;
	h->made_qdisc = !err;
	err = bpf_tc_attach(&hook, &opts);
	if (err) {
		if (h->made_qdisc) {
			hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
			bpf_tc_hook_destroy(&hook);
		}
		h->made_qdisc = false;
		return err;
	}
	h->handle = opts.handle;
	h->priority = opts.priority;
	h->mode = XLAT_BPF_CLSACT;
	return 0;
}

static int attach_one(struct xlat_bpf *b, enum xlat_bpf_prog p, int ifindex)
{
	struct xlat_bpf_hook *h = &b->hook[p];
	bool ingress = p == XLAT_BPF_UP_INGRESS;
	int fd = xlat_bpf_prog_fd(b, p);

	int err = -EOPNOTSUPP;

	h->ifindex = ifindex;
	if (b->attach != XLAT_ATTACH_CLSACT) {
		err = attach_tcx(h, fd, ingress);
		if (err == 0 || b->attach == XLAT_ATTACH_TCX)
			return err;
	}
	return attach_clsact(h, fd, ingress);
}

static void detach_one(struct xlat_bpf_hook *h, bool ingress)
{
	if (h->mode == XLAT_BPF_TCX) {
		close(h->link_fd);
		h->link_fd = -1;
	} else if (h->mode == XLAT_BPF_CLSACT) {
		DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = h->ifindex,
				    .attach_point = ingress ? BPF_TC_INGRESS :
							      BPF_TC_EGRESS);
		DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = h->handle,
				    .priority = h->priority);

		bpf_tc_detach(&hook, &opts);
		/* Only a qdisc we made, and only once both filters are off:
		 * removing clsact removes every filter on it. */
		if (h->made_qdisc) {
			hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
			bpf_tc_hook_destroy(&hook);
		}
	}
	h->mode = XLAT_BPF_DETACHED;
	h->made_qdisc = false;
}

int xlat_bpf_hook_attach(struct xlat_bpf_hook *h, int prog_fd, int ifindex,
			 bool ingress, enum xlat_bpf_attach a)
{
	int err = -EOPNOTSUPP;

	h->ifindex = ifindex;
	h->link_fd = -1;
	if (a != XLAT_ATTACH_CLSACT) {
		err = attach_tcx(h, prog_fd, ingress);
		if (err == 0 || a == XLAT_ATTACH_TCX)
			return err;
	}
	return attach_clsact(h, prog_fd, ingress);
}

void xlat_bpf_hook_detach(struct xlat_bpf_hook *h, bool ingress)
{
	detach_one(h, ingress);
}

int xlat_bpf_l2_len(int ifindex)
{
	return l2_len(ifindex);
}

int xlat_bpf_attach(struct xlat_bpf *b, int up_ifindex, int tun_ifindex)
{
	struct clat_fp_cfg c;
	int up_l2 = l2_len(up_ifindex), tun_l2 = l2_len(tun_ifindex);
	int err;

	if (!b->skel)
		return -EBADF;
	if (up_l2 < 0)
		return up_l2;
	if (tun_l2 < 0)
		return tun_l2;
	if (tun_l2 != 0)
		return -EOPNOTSUPP; /* a TAP would need L2 on 6->4 output */
	xlat_bpf_get_cfg(b, &c);
	c.up_ifindex = (uint32_t)up_ifindex;
	c.tun_ifindex = (uint32_t)tun_ifindex;
	c.up_l2len = (uint8_t)up_l2;
	c.tun_l2len = 0;
	xlat_bpf_configure(b, &c);

	err = attach_one(b, XLAT_BPF_UP_INGRESS, up_ifindex);
	if (!err)
		err = attach_one(b, XLAT_BPF_TUN_EGRESS, tun_ifindex);
	if (!err)
		err = attach_one(b, XLAT_BPF_UP_EGRESS, up_ifindex);
	if (err)
		xlat_bpf_detach(b);
	return err;
}

static uint32_t prog_id(int fd)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

/* A tcx link can be detached by others (BPF_LINK_DETACH, bpftool link
 * detach): its fd stays valid, the program leaves the device. */
static bool tcx_there(const struct xlat_bpf_hook *h, uint32_t id, bool ingress)
{
	uint32_t ids[64], cnt = 64, flags = 0;

	if (bpf_prog_query(h->ifindex, ingress ? XLAT_BPF_TCX_INGRESS :
						 XLAT_BPF_TCX_EGRESS,
			   0, &flags, ids, &cnt))
		return false;
	for (uint32_t i = 0; i < cnt && i < 64; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* A cls_bpf filter goes with `tc filter del` or `tc qdisc del clsact`. */
static bool clsact_there(const struct xlat_bpf_hook *h, uint32_t id, bool ingress)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = h->ifindex,
			    .attach_point = ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = h->handle,
			    .priority = h->priority);

	return bpf_tc_query(&hook, &opts) == 0 && opts.prog_id == id;
}

bool xlat_bpf_hook_there(const struct xlat_bpf_hook *h, int prog_fd,
			 bool ingress)
{
	uint32_t id = prog_fd >= 0 ? prog_id(prog_fd) : 0;

	if (!id)
		return false;
	if (h->mode == XLAT_BPF_TCX)
		return tcx_there(h, id, ingress);
	if (h->mode == XLAT_BPF_CLSACT)
		return clsact_there(h, id, ingress);
	return false;
}

int xlat_bpf_attached(const struct xlat_bpf *b)
{
	for (int p = 0; p < XLAT_BPF__NPROG; p++) {
		const struct xlat_bpf_hook *h = &b->hook[p];
		bool ingress = p == XLAT_BPF_UP_INGRESS;
		uint32_t id = b->skel ? prog_id(xlat_bpf_prog_fd(b, p)) : 0;
		bool ok = false;

		if (h->mode == XLAT_BPF_DETACHED)
			continue; /* not ours to check */
		if (!id)
			return -EBADF;
		if (h->mode == XLAT_BPF_TCX)
			ok = tcx_there(h, id, ingress);
		else if (h->mode == XLAT_BPF_CLSACT)
			ok = clsact_there(h, id, ingress);
		if (!ok)
			return -(p + 1);
	}
	return 0;
}

void xlat_bpf_detach(struct xlat_bpf *b)
{
	/* The uplink's egress first: its clsact qdisc, if we made it with
	 * the ingress filter, goes with the last of the two. */
	detach_one(&b->hook[XLAT_BPF_UP_EGRESS], false);
	detach_one(&b->hook[XLAT_BPF_UP_INGRESS], true);
	detach_one(&b->hook[XLAT_BPF_TUN_EGRESS], false);
}

void xlat_bpf_close(struct xlat_bpf *b)
{
	xlat_bpf_detach(b);
	if (b->skel)
		xlat_bpf_apart(close_job, b);
	b->skel = NULL;
}

int xlat_bpf_percpu_sums(int fd, unsigned int n, uint64_t *out)
{
	int ncpu = libbpf_num_possible_cpus();

	if (ncpu <= 0 || ncpu > 4096)
		return ncpu < 0 ? ncpu : -EINVAL;
	uint64_t v[ncpu];

	for (uint32_t k = 0; k < n; k++) {
		out[k] = 0;
		if (bpf_map_lookup_elem(fd, &k, v))
			return -errno;
		for (int i = 0; i < ncpu; i++)
			out[k] += v[i];
	}
	return 0;
}

int xlat_bpf_counters(const struct xlat_bpf *b, uint64_t *out)
{
	if (!b->skel)
		return -EBADF;
	return xlat_bpf_percpu_sums(bpf_map__fd(b->skel->maps.clat_stats),
				    CLAT_FP__COUNT, out);
}
