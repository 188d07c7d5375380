/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CLAT's IPv6 side on the uplink, without any kernel state for the
 * CLAT address (see docs/clat-datapath.md):
 *
 *   receive: an AF_PACKET SOCK_DGRAM socket with a classic BPF filter that
 *            passes only IPv6 packets to the CLAT address and NS/NA whose
 *            target is the CLAT address, read in batches (recvmmsg);
 *   send:    a raw IPPROTO_RAW IPv6 socket bound to the uplink (the kernel
 *            takes our IPv6 header as is, source included), written in
 *            batches (sendmmsg);
 *   NDP:     an ordinary socket that holds the solicited-node membership,
 *            so the kernel sends MLD reports and opens the NIC filter;
 *   GSO:     an AF_PACKET SOCK_RAW socket with PACKET_VNET_HDR (the
 *            kernel allows it on SOCK_RAW only), send only, for TCP
 *            super-packets that a raw IPv6 socket cannot take: the kernel
 *            segments them on the uplink; the caller gives the Ethernet
 *            addresses (the next hop's from nexthop_lookup6()).
 *
 * Every function returns a file descriptor or 0 on success, a negative
 * errno on failure; none logs.
 */
#ifndef XLAT_CLAT_IO_H
#define XLAT_CLAT_IO_H

#include "datapath/pktring.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define CLAT_BATCH 32
#define CLAT_RX_SLOT 65536 /* GRO may hand the packet socket 64 KB packets */

/* Packet socket on ifindex, filtered for addr, with a receive ring when
 * the kernel grants one (pktring.h); O_NONBLOCK, CLOEXEC. */
int clat_pkt_open(int ifindex, const struct in6_addr *addr);
/* Replace the filter (after DAD picked another address). */
int clat_pkt_set_filter(int fd, const struct in6_addr *addr);

/* Raw IPv6 send socket bound to ifname. */
int clat_raw_open(const char *ifname);

/* A socket holding membership of the solicited-node group of addr. */
int clat_mcast_open(int ifindex, const struct in6_addr *addr);

/*
 * Receive batch: clat_rx_init() prepares it, clat_rx_alloc() takes the
 * buffers (2 MB) for a reader, clat_rx_release() gives them back.  A socket
 * with a receive ring (pktring.h, set up by clat_pkt_open()) is read in
 * place from the ring, otherwise with recvmmsg() into buf.
 */
struct clat_rx {
	struct mmsghdr msg[CLAT_BATCH];
	struct iovec iov[CLAT_BATCH];
	char ctl[CLAT_BATCH][64]; /* PACKET_AUXDATA */
	uint8_t *buf;             /* CLAT_BATCH * CLAT_RX_SLOT */
	uint8_t *pkt[CLAT_BATCH]; /* the batch, wherever it lies */
	size_t len[CLAT_BATCH];
	struct pktring ring;
	int plain_fd;             /* the socket known to have no ring */
	uint64_t ring_batches, plain_batches; /* how the batches came */
	uint64_t copies; /* ring packets too big for a frame (GRO), read whole */
};

int clat_rx_init(struct clat_rx *rx);
int clat_rx_alloc(struct clat_rx *rx);
void clat_rx_release(struct clat_rx *rx);
void clat_rx_free(struct clat_rx *rx);
/* Forget the socket read so far (before it is closed: the ring's
 * mapping would keep it alive). */
void clat_rx_detach(struct clat_rx *rx);
/* Packets the kernel dropped on fd since the last call (ring or socket
 * buffer full: the reader fell behind), added to *total. */
void clat_rx_drops(int fd, uint64_t *total);
/* True when the socket last read is read from its ring. */
bool clat_rx_ring(const struct clat_rx *rx);
/*
 * Read up to CLAT_BATCH packets without blocking: the count (0 when
 * none), or a negative errno.  Packet i is clat_rx_pkt(rx, i, &len),
 * valid until the next call; a packet whose TCP/UDP checksum the sender
 * left to offload (veth, local senders) has it completed here, so the
 * engine always sees real sums.
 */
int clat_rx_batch(int fd, struct clat_rx *rx);
uint8_t *clat_rx_pkt(struct clat_rx *rx, unsigned int i, size_t *len);

/* Send batch: pointers to packets the caller keeps alive until flush. */
struct clat_tx {
	unsigned int n;
	int ifindex;
	struct mmsghdr msg[CLAT_BATCH];
	struct iovec iov[CLAT_BATCH];
	struct sockaddr_in6 dst[CLAT_BATCH];
	uint64_t errors; /* packets the kernel refused */
};

void clat_tx_init(struct clat_tx *tx, int ifindex);
/* Queue one IPv6 packet; false when the batch is full (flush first). */
bool clat_tx_add(struct clat_tx *tx, const uint8_t *pkt, size_t len);
/* Send everything queued; returns the number sent. */
unsigned int clat_tx_flush(int fd, struct clat_tx *tx);

/* Send-only packet socket with virtio-net headers (PACKET_VNET_HDR). */
int clat_gso_open(void);
/* One IPv6 packet with its virtio-net header vh (offsets from the IPv6
 * header; moved behind the Ethernet header here) out of the Ethernet
 * ifindex, from src to dst.  0 or a negative errno. */
struct virtio_net_hdr;
int clat_gso_send(int fd, int ifindex, const uint8_t dst[6],
		  const uint8_t src[6], const struct virtio_net_hdr *vh,
		  const uint8_t *pkt, size_t len);

/* Interface facts (reads only). */
int clat_if_mac(const char *ifname, uint8_t mac[6]);
int clat_if_ipv6_mtu(const char *ifname, unsigned int *mtu);
int clat_if_retrans_ms(const char *ifname, unsigned int *ms);
int clat_if_dad_transmits(const char *ifname, unsigned int *n);
/* The reverse-path filter in force on ifname (max of all and ifname). */
int clat_if_rp_filter(const char *ifname, unsigned int *v);

/* Complete a TCP/UDP checksum left for offload (field = pseudo sum). */
void clat_fix_partial_csum6(uint8_t *pkt, size_t len);

#endif
