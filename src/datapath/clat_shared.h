/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data path pieces of the shared-address CLAT (docs/clat-shared.md):
 * the NAPT table (engine/clat_napt.h) behind a lock, with its I/O:
 *
 *   reserve:  a TCP or UDP socket bound to (host address, P), never
 *             listening, held while the mapping lives, so no host socket
 *             can get P (EADDRINUSE: a host socket has it, another P is
 *             tried); ICMP identifiers have no socket (ping sockets need
 *             a sysctl xlatd does not touch);
 *   steal:    the key (proto, P) in the map of the uplink ingress program
 *             (bpf_shared.h), which keeps the returning packets from the
 *             host's stack;
 *   receive:  a packet socket bound to ETH_P_ALL (taps see frames before
 *             tc ingress drops them) with a classic BPF filter for IPv6 to
 *             the host address with a destination port (echo reply
 *             identifier, ICMPv6 error's quoted source port) in the range.
 *
 * The workers call clat_shared_out() / clat_shared_in() per packet, the
 * main loop clat_shared_expire() once a second.
 */
#ifndef XLAT_CLAT_SHARED_H
#define XLAT_CLAT_SHARED_H

#include "datapath/bpf_shared.h"
#include "engine/clat_napt.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct clat_shared {
	pthread_mutex_t lock;
	bool open;
	struct clat_napt napt;
	void *napt_mem;        /* its table (clat_napt_mem_size()) */
	struct xlat_shared_bpf bpf;
	struct in6_addr addr;  /* the host's address, shared */
	int *fd;               /* [tcp, udp][P - lo]: reservation socket */
	int ep;                /* epoll of the UDP reservation sockets */
	uint16_t ip_id;        /* IPv4 Identification of built packets */
	uint32_t rnd;          /* xorshift state for port choice */
	uint64_t reserve_errors;
	int last_error;        /* of the last failed reservation */
};

/* What status shows: a consistent copy taken under the lock. */
struct clat_shared_stats {
	uint32_t maps[NAPT__NPROTO];
	uint32_t max_maps;
	uint16_t port_lo, port_hi;
	uint64_t ctr[NAPT_C__COUNT];
	uint64_t bpf[CLAT_SHARED__COUNT];
	int bpf_keys;
};

/*
 * Load and attach the ingress program for addr on the uplink and set up
 * the table.  On failure nothing is left attached; why says what failed.
 */
int clat_shared_open(struct clat_shared *s, const struct clat_napt_cfg *cfg,
		     const struct in6_addr *addr, int up_ifindex,
		     enum xlat_bpf_attach attach, char *why, size_t whylen);
/* Release every mapping (sockets, keys), detach; idempotent. */
void clat_shared_close(struct clat_shared *s);

/* Per packet, any thread: NAPT_DROP means do not translate it. */
enum napt_verdict clat_shared_out(struct clat_shared *s, uint8_t *pkt,
				  size_t len, bool csum_partial);
enum napt_verdict clat_shared_in(struct clat_shared *s, uint8_t *pkt,
				 size_t len);
/*
 * The kernel reassembles returning IPv6 fragments (the ingress program
 * cannot tell their port) and delivers the datagram to the UDP
 * reservation socket.  clat_shared_rx_fd() is readable then, and
 * clat_shared_rx() (the main loop's) hands such datagrams to the host as
 * IPv4 through the TUN (virtio-net header in front): the source is the
 * IPv4 address embedded in the sender's per cfg's pool6.  The number
 * delivered.
 */
struct xlat_cfg;
int clat_shared_rx_fd(const struct clat_shared *s);
unsigned int clat_shared_rx(struct clat_shared *s, int tun_fd,
			    const struct xlat_cfg *cfg,
			    const struct in_addr *clat4);

/* Expire what is due; the number removed. */
unsigned int clat_shared_expire(struct clat_shared *s);
void clat_shared_snapshot(struct clat_shared *s, struct clat_shared_stats *st);
const char *clat_shared_attach_mode(const struct clat_shared *s);

/*
 * The receive socket: AF_PACKET SOCK_DGRAM on ifindex, ETH_P_ALL,
 * PACKET_IGNORE_OUTGOING, PACKET_AUXDATA, filtered as above for addr and
 * ports lo..hi.  O_NONBLOCK, CLOEXEC.  An fd or a negative errno.
 */
int clat_shared_pkt_open(int ifindex, const struct in6_addr *addr,
			 uint16_t lo, uint16_t hi);

/* Monotonic milliseconds, the NAPT's clock. */
uint64_t clat_shared_now_ms(void);

#endif
