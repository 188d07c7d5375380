// SPDX-License-Identifier: GPL-2.0-or-later
/* The CLAT's uplink sockets: see clat_io.h and docs/clat-datapath.md. */
#include "datapath/clat_io.h"

#include "control/clat_addr.h"
#include "engine/checksum.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

/*
 * Offsets are from the IPv6 header: on a SOCK_DGRAM packet socket the
 * filter runs after the link-layer header has been pulled.  Accept:
 *   - any IPv6 packet whose destination is addr (translated traffic and
 *     unicast NS/NUD probes);
 *   - an NS or NA without extension headers whose target is addr
 *     (multicast NS to the solicited-node group, DAD replies to ff02::1).
 */
enum { L_ND = 11, L_TGT = 16, L_ACCEPT = 24, L_DROP = 25, N_INSNS = 26 };

#define JEQ(pc, k, t, f)                                                       \
	((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k),          \
				      (uint8_t)((t) - (pc) - 1),               \
				      (uint8_t)((f) - (pc) - 1)))
#define LD(op, off) ((struct sock_filter)BPF_STMT(BPF_LD | (op) | BPF_ABS, (off)))

static void build_filter(struct sock_filter *f, const struct in6_addr *a)
{
	uint32_t w[4];
	int pc = 0;

	memcpy(w, a->s6_addr, 16);
	f[pc++] = LD(BPF_B, 0);
	f[pc++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xf0);
	f[pc] = JEQ(pc, 0x60, pc + 1, L_DROP), pc++;
	for (int i = 0; i < 4; i++) {
		f[pc++] = LD(BPF_W, 24 + 4 * i);
		f[pc] = JEQ(pc, ntohl(w[i]), i < 3 ? pc + 1 : L_ACCEPT, L_ND);
		pc++;
	}
	/* pc == L_ND */
	f[pc++] = LD(BPF_B, 6);
	f[pc] = JEQ(pc, IPPROTO_ICMPV6, pc + 1, L_DROP), pc++;
	f[pc++] = LD(BPF_B, 40);
	f[pc] = JEQ(pc, 135, L_TGT, pc + 1), pc++;
	f[pc] = JEQ(pc, 136, L_TGT, L_DROP), pc++;
	/* pc == L_TGT */
	for (int i = 0; i < 4; i++) {
		f[pc++] = LD(BPF_W, 48 + 4 * i);
		f[pc] = JEQ(pc, ntohl(w[i]), i < 3 ? pc + 1 : L_ACCEPT, L_DROP);
		pc++;
	}
	f[pc++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0x40000);
	f[pc++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
}

int clat_pkt_set_filter(int fd, const struct in6_addr *addr)
{
	struct sock_filter f[N_INSNS];
	struct sock_fprog prog = { .len = N_INSNS, .filter = f };

	build_filter(f, addr);
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)))
		return neg_errno();
	return 0;
}

int clat_pkt_open(int ifindex, const struct in6_addr *addr)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IPV6),
		.sll_ifindex = ifindex,
	};
	int one = 1, rcvbuf = 4 << 20, fd, err;

	/* Protocol 0 until the filter is attached: nothing unfiltered
	 * can queue up before bind() below starts delivery. */
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return neg_errno();
	err = clat_pkt_set_filter(fd, addr);
	if (!err && setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
			       sizeof(one)))
		err = neg_errno();
	if (!err && setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one,
			       sizeof(one)))
		err = neg_errno();
	/* Bursts from a fast sender overrun the default buffer; FORCE
	 * (root) goes past rmem_max without touching the sysctl. */
	if (!err && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
			       sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	/* The ring before bind(): every packet goes into it.  Without
	 * one, recvmmsg() reads the socket as before. */
	if (!err)
		pktring_setup(fd);
	if (!err && bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		err = neg_errno();
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int clat_raw_open(const char *ifname)
{
	int fd, err = 0, sndbuf = 4 << 20;

	/* IPPROTO_RAW implies IPV6_HDRINCL: our header, our source. */
	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		return neg_errno();
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		       (socklen_t)strlen(ifname)))
		err = neg_errno();
	if (!err && setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf,
			       sizeof(sndbuf)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int clat_gso_open(void)
{
	int fd, on = 1, sndbuf = 4 << 20;

	/* Protocol 0: nothing is ever queued for receive. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return neg_errno();
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &on, sizeof(on))) {
		int err = neg_errno();

		close(fd);
		return err;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	return fd;
}

int clat_gso_send(int fd, int ifindex, const uint8_t dst[6],
		  const uint8_t src[6], const struct virtio_net_hdr *vh,
		  const uint8_t *pkt, size_t len)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IPV6),
		.sll_ifindex = ifindex,
	};
	struct virtio_net_hdr h = *vh;
	uint8_t eth[ETH_HLEN];
	struct iovec iov[3] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = eth, .iov_len = sizeof(eth) },
		{ .iov_base = (void *)pkt, .iov_len = len },
	};
	struct msghdr mh = {
		.msg_name = &sll,
		.msg_namelen = sizeof(sll),
		.msg_iov = iov,
		.msg_iovlen = 3,
	};

	memcpy(eth, dst, 6);
	memcpy(eth + 6, src, 6);
	eth[12] = ETH_P_IPV6 >> 8;
	eth[13] = ETH_P_IPV6 & 0xff;
	/* The frame starts at the Ethernet header now. */
	if (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		h.csum_start = (__virtio16)(h.csum_start + ETH_HLEN);
	if (h.hdr_len)
		h.hdr_len = (__virtio16)(h.hdr_len + ETH_HLEN);
	return sendmsg(fd, &mh, 0) < 0 ? neg_errno() : 0;
}

int clat_mcast_open(int ifindex, const struct in6_addr *addr)
{
	struct ipv6_mreq mr = { .ipv6mr_interface = (unsigned int)ifindex };
	int fd;

	clat_solicited_node(addr, &mr.ipv6mr_multiaddr);
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return neg_errno();
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr,
		       sizeof(mr))) {
		int err = neg_errno();

		close(fd);
		return err;
	}
	return fd;
}

int clat_rx_init(struct clat_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
	pktring_init(&rx->ring);
	rx->plain_fd = -1;
	return 0;
}

int clat_rx_alloc(struct clat_rx *rx)
{
	if (rx->buf)
		return 0;
	rx->buf = malloc((size_t)CLAT_BATCH * CLAT_RX_SLOT);
	if (!rx->buf)
		return -ENOMEM;
	for (int i = 0; i < CLAT_BATCH; i++) {
		rx->iov[i].iov_base = rx->buf + (size_t)i * CLAT_RX_SLOT;
		rx->iov[i].iov_len = CLAT_RX_SLOT;
		rx->msg[i].msg_hdr.msg_iov = &rx->iov[i];
		rx->msg[i].msg_hdr.msg_iovlen = 1;
		rx->msg[i].msg_hdr.msg_control = rx->ctl[i];
	}
	return 0;
}

void clat_rx_release(struct clat_rx *rx)
{
	free(rx->buf);
	rx->buf = NULL;
}

void clat_rx_free(struct clat_rx *rx)
{
	clat_rx_detach(rx);
	clat_rx_release(rx);
}

void clat_rx_detach(struct clat_rx *rx)
{
	pktring_detach(&rx->ring);
	rx->plain_fd = -1;
}

void clat_rx_drops(int fd, uint64_t *total)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	/* Reading them resets them; TPACKET_V2 keeps the V1 layout. */
	if (fd >= 0 && !getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len))
		*total += st.tp_drops;
}

bool clat_rx_ring(const struct clat_rx *rx)
{
	return rx->ring.map != NULL;
}

static bool csum_not_ready(struct msghdr *mh)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		struct tpacket_auxdata aux;

		if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA)
			continue;
		memcpy(&aux, CMSG_DATA(c), sizeof(aux));
		return aux.tp_status & TP_STATUS_CSUMNOTREADY;
	}
	return false;
}

/*
 * The ring's batch: frames read in place.  A packet bigger than a frame
 * (GRO) is marked "copy" and waits whole in the socket's queue, in the
 * same order; one that could not be queued (buffer full) is dropped.
 */
static int ring_batch(int fd, struct clat_rx *rx)
{
	struct pktring_pkt p;
	int n = 0;

	pktring_release(&rx->ring);
	while (n < CLAT_BATCH && pktring_next(&rx->ring, &p)) {
		uint8_t *slot = rx->buf + (size_t)n * CLAT_RX_SLOT;
		size_t len = p.len < p.full ? 0 : p.len;

		if (p.copy) {
			ssize_t r = recv(fd, slot, CLAT_RX_SLOT,
					 MSG_DONTWAIT | MSG_TRUNC);

			len = r > 0 && r <= CLAT_RX_SLOT ? (size_t)r : 0;
			p.data = slot;
			__atomic_store_n(&rx->copies, rx->copies + 1,
					 __ATOMIC_RELAXED);
		}
		if (len && p.csum_partial)
			clat_fix_partial_csum6(p.data, len);
		rx->pkt[n] = p.data;
		rx->len[n] = len;
		n++;
	}
	if (n)
		__atomic_store_n(&rx->ring_batches, rx->ring_batches + 1,
				 __ATOMIC_RELAXED);
	return n;
}

static int plain_batch(int fd, struct clat_rx *rx)
{
	int n;

	for (int i = 0; i < CLAT_BATCH; i++)
		rx->msg[i].msg_hdr.msg_controllen = sizeof(rx->ctl[i]);
	n = recvmmsg(fd, rx->msg, CLAT_BATCH, MSG_DONTWAIT, NULL);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : neg_errno();
	for (int i = 0; i < n; i++) {
		struct msghdr *mh = &rx->msg[i].msg_hdr;
		size_t len = rx->msg[i].msg_len;

		if (mh->msg_flags & MSG_TRUNC)
			len = 0; /* the engine drops it */
		else if (csum_not_ready(mh))
			clat_fix_partial_csum6(rx->iov[i].iov_base, len);
		rx->pkt[i] = rx->iov[i].iov_base;
		rx->len[i] = len;
	}
	if (n > 0)
		__atomic_store_n(&rx->plain_batches, rx->plain_batches + 1,
				 __ATOMIC_RELAXED);
	return n;
}

int clat_rx_batch(int fd, struct clat_rx *rx)
{
	if (fd != rx->ring.fd && fd != rx->plain_fd) {
		/* A socket not seen before: its ring, if it has one. */
		clat_rx_detach(rx);
		if (pktring_attach(&rx->ring, fd) <= 0)
			rx->plain_fd = fd;
	}
	return fd == rx->ring.fd ? ring_batch(fd, rx) : plain_batch(fd, rx);
}

uint8_t *clat_rx_pkt(struct clat_rx *rx, unsigned int i, size_t *len)
{
	*len = rx->len[i];
	return rx->pkt[i];
}

void clat_tx_init(struct clat_tx *tx, int ifindex)
{
	memset(tx, 0, sizeof(*tx));
	tx->ifindex = ifindex;
}

bool clat_tx_add(struct clat_tx *tx, const uint8_t *pkt, size_t len)
{
	struct sockaddr_in6 *d;
	struct msghdr *mh;

	if (tx->n >= CLAT_BATCH)
		return false;
	if (len < 40)
		return true; /* nothing sensible to send: swallow it */
	d = &tx->dst[tx->n];
	memset(d, 0, sizeof(*d));
	d->sin6_family = AF_INET6;
	memcpy(&d->sin6_addr, pkt + 24, 16);
	/* Link-scope destinations (NA replies to fe80::, ff02::1) need the
	 * interface in the address, SO_BINDTODEVICE alone does not do. */
	if (IN6_IS_ADDR_LINKLOCAL(&d->sin6_addr) ||
	    IN6_IS_ADDR_MC_LINKLOCAL(&d->sin6_addr))
		d->sin6_scope_id = (uint32_t)tx->ifindex;
	tx->iov[tx->n].iov_base = (void *)pkt;
	tx->iov[tx->n].iov_len = len;
	mh = &tx->msg[tx->n].msg_hdr;
	memset(mh, 0, sizeof(*mh));
	mh->msg_name = d;
	mh->msg_namelen = sizeof(*d);
	mh->msg_iov = &tx->iov[tx->n];
	mh->msg_iovlen = 1;
	tx->n++;
	return true;
}

unsigned int clat_tx_flush(int fd, struct clat_tx *tx)
{
	unsigned int done = 0, sent = 0;

	while (done < tx->n) {
		int r = sendmmsg(fd, tx->msg + done, tx->n - done, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* One bad packet (EMSGSIZE, no route...) must not
			 * take the rest of the batch with it. */
			tx->errors++;
			done++;
			continue;
		}
		done += (unsigned int)r;
		sent += (unsigned int)r;
	}
	tx->n = 0;
	return sent;
}

int clat_if_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };
	int fd, err = 0;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return neg_errno();
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = neg_errno();
	else if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		err = -EPFNOSUPPORT; /* no link layer: a point-to-point link */
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return err;
}

static int read_uint(const char *fmt, const char *ifname, unsigned int *v)
{
	char path[128];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), fmt, ifname);
	f = fopen(path, "re");
	if (!f)
		return neg_errno();
	ok = fscanf(f, "%u", v);
	fclose(f);
	return ok == 1 ? 0 : -EINVAL;
}

int clat_if_ipv6_mtu(const char *ifname, unsigned int *mtu)
{
	return read_uint("/proc/sys/net/ipv6/conf/%s/mtu", ifname, mtu);
}

int clat_if_retrans_ms(const char *ifname, unsigned int *ms)
{
	return read_uint("/proc/sys/net/ipv6/neigh/%s/retrans_time_ms", ifname,
			 ms);
}

int clat_if_rp_filter(const char *ifname, unsigned int *v)
{
	unsigned int all = 0, dev = 0;
	int ret = read_uint("/proc/sys/net/ipv4/conf/%s/rp_filter", "all", &all);

	if (!ret)
		ret = read_uint("/proc/sys/net/ipv4/conf/%s/rp_filter", ifname, &dev);
	/* The kernel applies the larger of the two. */
	*v = all > dev ? all : dev;
	return ret;
}

int clat_if_dad_transmits(const char *ifname, unsigned int *n)
{
	return read_uint("/proc/sys/net/ipv6/conf/%s/dad_transmits", ifname, n);
}

/* Walk to the transport header; false for fragments and oddities. */
static bool find_l4(const uint8_t *pkt, size_t len, uint8_t *proto,
		    size_t *off)
{
	uint8_t nh = pkt[6];
	size_t o = 40;

	while (nh == 0 || nh == 43 || nh == 60) {
		if (o + 8 > len)
			return false;
		nh = pkt[o];
		o += ((size_t)pkt[o + 1] + 1) * 8;
	}
	*proto = nh;
	*off = o;
	return o <= len;
}

void clat_fix_partial_csum6(uint8_t *pkt, size_t len)
{
	size_t off, l4len, coff;
	uint8_t proto;
	uint16_t c;

	if (len < 40 || (pkt[0] >> 4) != 6)
		return;
	if ((size_t)get16(pkt + 4) + 40 < len)
		len = (size_t)get16(pkt + 4) + 40;
	if (!find_l4(pkt, len, &proto, &off))
		return;
	if (proto == IPPROTO_TCP)
		coff = off + 16;
	else if (proto == IPPROTO_UDP)
		coff = off + 6;
	else
		return;
	if (coff + 2 > len)
		return;
	l4len = len - off;
	put16(pkt + coff, 0);
	c = csum_finish(csum_add_buf(csum_pseudo6((struct in6_addr *)(pkt + 8),
						  (struct in6_addr *)(pkt + 24),
						  proto, (uint32_t)l4len),
				     pkt + off, l4len));
	if (proto == IPPROTO_UDP && c == 0)
		c = 0xffff;
	put16(pkt + coff, c);
}
