/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loader of the shared-address CLAT's uplink ingress program
 * (src/bpf/clat_shared.bpf.c, docs/clat-shared.md): load it with a port
 * map the size of the NAPT table, attach it to the uplink's ingress (tcx,
 * else clsact), and add or remove the (protocol, port) keys of live
 * mappings.  Unlike the translation fast path this program is not
 * optional: without it the host's stack would answer the CLAT's returning
 * packets, so shared mode does not run when it cannot be attached.
 *
 * Functions return 0 or a negative errno; none logs.  add/del may be
 * called from any thread (one bpf() system call each).
 */
#ifndef XLAT_BPF_SHARED_H
#define XLAT_BPF_SHARED_H

#include "bpf/clat_shared.h"
#include "datapath/bpf_loader.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct clat_shared_bpf;

struct xlat_shared_bpf {
	struct clat_shared_bpf *skel;
	struct xlat_bpf_hook hook;
	int map_fd;
};

/* Load with room for max_entries keys.  Nothing attached yet. */
int xlat_shared_bpf_open(struct xlat_shared_bpf *s, uint32_t max_entries);
/* The host address and link-layer header length (attach does this). */
int xlat_shared_bpf_configure(struct xlat_shared_bpf *s, unsigned int l2len,
			      const struct in6_addr *addr);
/* Configure for addr on the uplink and attach to its ingress. */
int xlat_shared_bpf_attach(struct xlat_shared_bpf *s, int up_ifindex,
			   const struct in6_addr *addr, enum xlat_bpf_attach a);
/* Still attached where it was put: tc filter del, bpftool link detach
 * and a removed clsact qdisc take it away from outside. */
bool xlat_shared_bpf_attached(const struct xlat_shared_bpf *s);
/* ipproto: IPPROTO_TCP, IPPROTO_UDP or IPPROTO_ICMP (echo identifier). */
int xlat_shared_bpf_add(struct xlat_shared_bpf *s, uint8_t ipproto,
			uint16_t port);
int xlat_shared_bpf_del(struct xlat_shared_bpf *s, uint8_t ipproto,
			uint16_t port);
/* Keys in the map right now (walks it; for status and tests). */
int xlat_shared_bpf_keys(struct xlat_shared_bpf *s);
/* CLAT_SHARED__COUNT per-CPU sums. */
int xlat_shared_bpf_counters(struct xlat_shared_bpf *s, uint64_t *out);
const char *xlat_shared_bpf_counter_name(unsigned int i);
int xlat_shared_bpf_prog_fd(const struct xlat_shared_bpf *s);
/* Detach and unload; idempotent, s may be half-opened. */
void xlat_shared_bpf_close(struct xlat_shared_bpf *s);

#endif
