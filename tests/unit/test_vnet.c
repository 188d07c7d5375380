// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: virtio-net header handling (datapath/vnet.c).  What the
 * kernel hands a TUN with offload on -- a TCP super-packet, a checksum
 * still to finish -- must reach the engine with the right flags or be
 * finished here, and the header written back must describe the
 * translated packet (family's GSO type, new checksum start, header
 * length), or be empty when the engine's output is complete.
 */
#define TAP_MAIN
#include "tap.h"

#include "datapath/vnet.h"
#include "engine/checksum.h"
#include "engine/xlat.h"
#include "pkt.h"

#include <string.h>
#include <sys/socket.h>

#define H4 "192.0.2.1"
#define R4 "198.51.100.2"
#define G6 "2001:db8:1::2"
#define R6 "2001:db8:64::c633:6402"

static uint8_t in[70000], l4[70000], data[66000];

static void fill(void)
{
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 1);
}

/* TCP over IPv4 with the partial sum in its checksum field. */
static size_t tcp4(size_t dlen)
{
	struct pkt4_spec s = { .src = H4, .dst = R4, .proto = 6, .df = true };
	struct in_addr a = pkt_a4(H4), b = pkt_a4(R4);
	size_t n, len;

	fill();
	n = pkt_tcp(l4, 1234, 80, 1, 0x10, data, dlen);
	len = pkt_ip4(in, &s, l4, n);
	put16(in + 36, csum_fold(csum_pseudo4(&a, &b, 6, (uint16_t)n)));
	return len;
}

static size_t tcp6(size_t dlen)
{
	struct pkt6_spec s = { .src = G6, .dst = R6, .nexthdr = 6 };
	struct in6_addr a = pkt_a6(G6), b = pkt_a6(R6);
	size_t n, len;

	fill();
	n = pkt_tcp(l4, 1234, 80, 1, 0x10, data, dlen);
	len = pkt_ip6(in, &s, l4, n);
	put16(in + 56, csum_fold(csum_pseudo6(&a, &b, 6, (uint32_t)n)));
	return len;
}

static struct virtio_net_hdr hdr(uint8_t gso, uint16_t size, uint16_t start,
				 uint16_t off)
{
	struct virtio_net_hdr h = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = gso,
		.gso_size = size,
		.csum_start = start,
		.csum_offset = off,
	};

	return h;
}

TEST(header_is_ten_bytes)
{
	CHECK_EQ(VNET_HDR_LEN, 10u);
}

TEST(no_flags_means_nothing_to_do)
{
	struct virtio_net_hdr h = { 0 };
	size_t len = tcp4(100);

	CHECK_EQ(vnet_rx_flags(&h, in, len, 1500), 0);
}

TEST(partial_checksum_goes_to_engine)
{
	struct virtio_net_hdr h = hdr(VIRTIO_NET_HDR_GSO_NONE, 0, 20, 16);
	size_t len = tcp4(100);

	CHECK_EQ(vnet_rx_flags(&h, in, len, 1500), (int)XLAT_F_CSUM_PARTIAL);
	h = hdr(VIRTIO_NET_HDR_GSO_NONE, 0, 40, 16);
	len = tcp6(100);
	CHECK_EQ(vnet_rx_flags(&h, in, len, 1500), (int)XLAT_F_CSUM_PARTIAL);
}

/* An unusual layout is finished here, as skb_checksum_help() would. */
TEST(odd_partial_is_finished_in_software)
{
	struct virtio_net_hdr h = hdr(VIRTIO_NET_HDR_GSO_NONE, 0, 20, 16);
	size_t len = tcp4(100);

	/* The engine may fragment a 4->6 packet this big for a 1280 MTU. */
	len = tcp4(1300);
	in[6] = 0; /* DF off */
	put16(in + 10, 0);
	put16(in + 10, ip4_header_csum(in, 20));
	CHECK(pkt_check4(in, len) != NULL);
	CHECK_EQ(vnet_rx_flags(&h, in, len, 1280), 0);
	CHECK_OK(pkt_check4(in, len));
}

TEST(csum_finish_bounds)
{
	size_t len = tcp4(10);

	CHECK_EQ(vnet_csum_finish(in, len, (unsigned int)len - 1, 0), -1);
	CHECK_EQ(vnet_csum_finish(in, len, 20, 16), 0);
	CHECK_OK(pkt_check4(in, len));
}

TEST(gso_tcp_both_families)
{
	struct virtio_net_hdr h = hdr(VIRTIO_NET_HDR_GSO_TCPV4, 1440, 20, 16);
	size_t len = tcp4(30000);

	CHECK_EQ(vnet_rx_flags(&h, in, len, 1500),
		 (int)(XLAT_F_GSO | XLAT_F_CSUM_PARTIAL));
	h = hdr(VIRTIO_NET_HDR_GSO_TCPV6 | VIRTIO_NET_HDR_GSO_ECN, 1440, 40, 16);
	len = tcp6(30000);
	CHECK_EQ(vnet_rx_flags(&h, in, len, 1500),
		 (int)(XLAT_F_GSO | XLAT_F_CSUM_PARTIAL));
}

/*
 * 1460-byte IPv4 segments become 1520-byte IPv6 ones: still one GSO packet.
 * TCP sets DF, and DF=1 packets are held to the next-hop MTU, so the
 * kernel's own check answers with Packet Too Big (lowest-ipv6-mtu, the
 * argument here, only governs DF=0 fragmentation).
 */
TEST(gso_4to6_segments_bigger_than_lowest_mtu)
{
	struct virtio_net_hdr h = hdr(VIRTIO_NET_HDR_GSO_TCPV4, 1460, 20, 16);
	size_t len = tcp4(30000);

	CHECK_EQ(vnet_rx_flags(&h, in, len, 1280),
		 (int)(XLAT_F_GSO | XLAT_F_CSUM_PARTIAL));
}

TEST(gso_inconsistent_headers_refused)
{
	struct virtio_net_hdr h = hdr(VIRTIO_NET_HDR_GSO_TCPV6, 1440, 20, 16);
	size_t len = tcp4(3000);

	CHECK_EQ(vnet_rx_flags(&h, in, len, 1500), -1);
	h = hdr(VIRTIO_NET_HDR_GSO_UDP, 1440, 20, 16);
	CHECK_EQ(vnet_rx_flags(&h, in, len, 1500), -1);
	h = hdr(VIRTIO_NET_HDR_GSO_TCPV4, 0, 20, 16);
	CHECK_EQ(vnet_rx_flags(&h, in, len, 1500), -1);
	h = hdr(VIRTIO_NET_HDR_GSO_TCPV4, 1440, 24, 16);
	CHECK_EQ(vnet_rx_flags(&h, in, len, 1500), -1);
	h = hdr(VIRTIO_NET_HDR_GSO_TCPV4, 1440, 20, 16);
	h.flags = 0;
	CHECK_EQ(vnet_rx_flags(&h, in, len, 1500), -1);
	h = hdr(VIRTIO_NET_HDR_GSO_TCPV4, 1440, 20, 16);
	CHECK_EQ(vnet_rx_flags(&h, in, 30, 1500), -1); /* truncated */
}

TEST(tx_header_after_4to6)
{
	struct virtio_net_hdr h = hdr(VIRTIO_NET_HDR_GSO_TCPV4 |
				      VIRTIO_NET_HDR_GSO_ECN, 1400, 20, 16);
	struct virtio_net_hdr o;
	size_t len = tcp6(30000);

	vnet_tx_hdr(&h, XLAT_F_GSO | XLAT_F_CSUM_PARTIAL, XLAT_OUT, 1, in, len,
		    &o);
	CHECK_EQ(o.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	CHECK_EQ(o.gso_type,
		 VIRTIO_NET_HDR_GSO_TCPV6 | VIRTIO_NET_HDR_GSO_ECN);
	CHECK_EQ(o.gso_size, 1400);
	CHECK_EQ(o.csum_start, 40);
	CHECK_EQ(o.csum_offset, 16);
	CHECK_EQ(o.hdr_len, 60);
}

TEST(tx_header_after_6to4)
{
	struct virtio_net_hdr h = hdr(VIRTIO_NET_HDR_GSO_TCPV6, 1440, 40, 16);
	struct virtio_net_hdr o;
	size_t len = tcp4(30000);

	vnet_tx_hdr(&h, XLAT_F_GSO | XLAT_F_CSUM_PARTIAL, XLAT_OUT, 1, in, len,
		    &o);
	CHECK_EQ(o.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	CHECK_EQ(o.gso_size, 1440);
	CHECK_EQ(o.csum_start, 20);
	CHECK_EQ(o.hdr_len, 40);
	/* Partial only: a checksum to finish, no segmentation. */
	vnet_tx_hdr(&h, XLAT_F_CSUM_PARTIAL, XLAT_OUT, 1, in, len, &o);
	CHECK_EQ(o.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	CHECK_EQ(o.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	CHECK_EQ(o.csum_start, 20);
}

TEST(tx_header_empty_for_complete_output)
{
	struct virtio_net_hdr h = hdr(VIRTIO_NET_HDR_GSO_TCPV6, 1440, 40, 16);
	struct virtio_net_hdr o, zero = { 0 };
	size_t len = tcp4(1000);

	vnet_tx_hdr(&h, XLAT_F_GSO | XLAT_F_CSUM_PARTIAL, XLAT_REPLY, 1, in,
		    len, &o);
	CHECK_MEM(&o, &zero, sizeof(o));
	vnet_tx_hdr(&h, XLAT_F_CSUM_PARTIAL, XLAT_OUT, 2, in, len, &o);
	CHECK_MEM(&o, &zero, sizeof(o));
	vnet_tx_hdr(&h, 0, XLAT_OUT, 1, in, len, &o);
	CHECK_MEM(&o, &zero, sizeof(o));
}

int main(void)
{
	return tap_run();
}
