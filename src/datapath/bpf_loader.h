/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loader of the CLAT eBPF fast path (src/bpf/clat.bpf.c): load, configure,
 * attach to the uplink (ingress) and the CLAT TUN (egress), read the
 * per-CPU counters, detach.  Attaches with tcx links where the kernel has
 * them (6.6+), else with a clsact qdisc and cls_bpf filters.
 *
 * The fast path is optional by design: when loading or attaching fails,
 * the caller keeps running the userspace path alone, which sees every
 * packet.  When it is attached, the CLAT's packet socket on the uplink
 * must be bound to ETH_P_IPV6 (delivered after tc ingress), not ETH_P_ALL
 * (delivered before, so it would see and translate the packets the fast
 * path already redirected).
 */
#ifndef XLAT_BPF_LOADER_H
#define XLAT_BPF_LOADER_H

#include "bpf/clat_fp.h"
#include "xlat.h"

#include <stdbool.h>
#include <stdint.h>

struct clat_bpf;

enum xlat_bpf_prog {
	XLAT_BPF_UP_INGRESS,  /* 6->4 */
	XLAT_BPF_TUN_EGRESS,  /* 4->6, default route through the TUN */
	XLAT_BPF_UP_EGRESS,   /* 4->6, default route via the IPv6 router */
	XLAT_BPF__NPROG
};

enum xlat_bpf_mode {
	XLAT_BPF_DETACHED,
	XLAT_BPF_TCX,
	XLAT_BPF_CLSACT,
};

struct xlat_bpf_hook {
	int ifindex;
	enum xlat_bpf_mode mode;
	int link_fd;        /* tcx */
	bool made_qdisc;    /* clsact: we created it, so we remove it */
	uint32_t handle, priority;
};

/* Which hooks xlat_bpf_attach() may use. */
enum xlat_bpf_attach { XLAT_ATTACH_AUTO, XLAT_ATTACH_TCX, XLAT_ATTACH_CLSACT };

struct xlat_bpf {
	struct clat_bpf *skel;
	enum xlat_bpf_attach attach; /* auto: tcx, else clsact */
	struct xlat_bpf_hook hook[XLAT_BPF__NPROG];
};

/* Load the programs (verifier included).  0 or a negative errno. */
int xlat_bpf_open(struct xlat_bpf *b);

/*
 * Fill a fast-path configuration from the engine's: pool6 (the NAT64
 * prefix), the single EAM entry CLAT-IPv4/32 <-> CLAT-IPv6/128, the
 * RFC 6052 section 3.1 rule and lowest_ipv6_mtu; up_mtu is the uplink's
 * IPv6 MTU.  Interface fields are set by xlat_bpf_attach().  Returns
 * whether the fast path can agree with the engine on this configuration
 * (host mode: no TTL decrement, TOS kept, no hairpinning, exactly that
 * EAM, a /96);
 * if not, c->enabled is 0 and every packet goes to userspace.
 */
bool xlat_bpf_cfg_make(struct clat_fp_cfg *c, const struct xlat_cfg *xc,
		       unsigned int up_mtu);

/* Copy c into the loaded programs (takes effect for the next packet). */
void xlat_bpf_configure(struct xlat_bpf *b, const struct clat_fp_cfg *c);
void xlat_bpf_get_cfg(const struct xlat_bpf *b, struct clat_fp_cfg *c);

/*
 * Record the devices in the configuration (with the uplink's link-layer
 * header length) and attach the three programs.  On failure nothing
 * stays attached.  0 or a negative errno.
 */
int xlat_bpf_attach(struct xlat_bpf *b, int up_ifindex, int tun_ifindex);
void xlat_bpf_detach(struct xlat_bpf *b);
/*
 * Whether both programs are still where xlat_bpf_attach() put them (the
 * kernel is asked: others may have removed a filter, the clsact qdisc or
 * a tcx link).  0 when both are, -(1 + XLAT_BPF_*) for the first one that
 * is not, -EBADF when nothing is loaded.
 */
int xlat_bpf_attached(const struct xlat_bpf *b);

/* Detach and unload; b may be half-opened. */
void xlat_bpf_close(struct xlat_bpf *b);

/* Run fn(arg) on a thread of its own and wait for it: libbpf's open, load
 * and destroy, whose many allocations would otherwise stay in the glibc
 * per-thread cache of the main loop (docs/soak.md). */
void xlat_bpf_apart(void (*fn)(void *), void *arg);

int xlat_bpf_prog_fd(const struct xlat_bpf *b, enum xlat_bpf_prog p);

/* Per-CPU array map fd, keys 0..n-1: each key's sum over the CPUs. */
int xlat_bpf_percpu_sums(int fd, unsigned int n, uint64_t *out);
/* Sum of the per-CPU counters, CLAT_FP__COUNT of them.  0 or -errno. */
int xlat_bpf_counters(const struct xlat_bpf *b, uint64_t *out);
const char *xlat_bpf_counter_name(unsigned int i);

const char *xlat_bpf_mode_name(enum xlat_bpf_mode m);

/*
 * One tc hook for other programs of the CLAT (bpf_shared.c): attach
 * prog_fd to ifindex's ingress or egress as xlat_bpf_attach() does (tcx,
 * else clsact per a), and detach it.  0 or a negative errno.
 */
int xlat_bpf_hook_attach(struct xlat_bpf_hook *h, int prog_fd, int ifindex,
			 bool ingress, enum xlat_bpf_attach a);
void xlat_bpf_hook_detach(struct xlat_bpf_hook *h, bool ingress);
/* The program prog_fd is still where h put it (others may remove it). */
bool xlat_bpf_hook_there(const struct xlat_bpf_hook *h, int prog_fd,
			 bool ingress);
/* Link-layer header bytes in front of IP on ifindex (14, 0), or -errno. */
int xlat_bpf_l2_len(int ifindex);
struct ifreq;
/* One SIOCGIF* ioctl on ifindex (its name filled in): 0 or -errno. */
int xlat_if_ioctl(int ifindex, unsigned long req, struct ifreq *ifr);

#endif
