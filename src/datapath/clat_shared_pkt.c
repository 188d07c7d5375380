// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The shared-address CLAT's receive socket (see clat_shared.h): which
 * uplink packets userspace gets a copy of.  Offsets are from the IPv6
 * header (SOCK_DGRAM).  The filter can only check the port range; the
 * ingress program decides by the live mappings, and so does the NAPT:
 * a copy of a host packet whose port is in the range but not mapped is
 * dropped in userspace while the host's stack gets the original.
 */
#include "datapath/clat_shared.h"
#include "datapath/pktring.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

enum { L_NEXT = -1, L_PORT, L_ECHO, L_ERR, L_ERRP, L_RANGE, L_ACCEPT,
       L_DROP, L__N };

#define FMAX 48

struct fasm {
	struct sock_filter f[FMAX];
	int jt[FMAX], jf[FMAX]; /* labels, L_NEXT: the next instruction */
	int at[L__N];
	int n;
};

static void op(struct fasm *a, uint16_t code, uint32_t k)
{
	a->f[a->n] = (struct sock_filter)BPF_STMT(code, k);
	a->jt[a->n] = a->jf[a->n] = L_NEXT;
	a->n++;
}

/* BPF_JA takes its target in k: resolved like jt. */
static void jmp(struct fasm *a, uint16_t cond, uint32_t k, int t, int f)
{
	a->f[a->n] = (struct sock_filter)BPF_JUMP(BPF_JMP | cond | BPF_K, k, 0, 0);
	a->jt[a->n] = t;
	a->jf[a->n] = f;
	a->n++;
}

static void label(struct fasm *a, int l)
{
	a->at[l] = a->n;
}

static uint32_t rel(const struct fasm *a, int pc, int l)
{
	return l == L_NEXT ? 0 : (uint32_t)(a->at[l] - pc - 1);
}

static int link_jumps(struct fasm *a)
{
	for (int pc = 0; pc < a->n; pc++) {
		struct sock_filter *i = &a->f[pc];

		if (BPF_CLASS(i->code) != BPF_JMP)
			continue;
		if (BPF_OP(i->code) == BPF_JA) {
			i->k = rel(a, pc, a->jt[pc]);
			continue;
		}
		if (rel(a, pc, a->jt[pc]) > 255 || rel(a, pc, a->jf[pc]) > 255)
			return -E2BIG;
		i->jt = (uint8_t)rel(a, pc, a->jt[pc]);
		i->jf = (uint8_t)rel(a, pc, a->jf[pc]);
	}
	return 0;
}

#define LDB(a, o) op(a, BPF_LD | BPF_B | BPF_ABS, o)
#define LDH(a, o) op(a, BPF_LD | BPF_H | BPF_ABS, o)
#define LDW(a, o) op(a, BPF_LD | BPF_W | BPF_ABS, o)

static int build(struct fasm *a, const struct in6_addr *addr, uint16_t lo,
		 uint16_t hi)
{
	uint32_t w[4];

	memcpy(w, addr->s6_addr, 16);
	memset(a, 0, sizeof(*a));
	LDH(a, (uint32_t)(SKF_AD_OFF + SKF_AD_PROTOCOL));
	jmp(a, BPF_JEQ, ETH_P_IPV6, L_NEXT, L_DROP);
	LDB(a, 0);
	op(a, BPF_ALU | BPF_AND | BPF_K, 0xf0);
	jmp(a, BPF_JEQ, 0x60, L_NEXT, L_DROP);
	for (int i = 0; i < 4; i++) {
		LDW(a, 24 + 4 * (uint32_t)i);
		jmp(a, BPF_JEQ, ntohl(w[i]), L_NEXT, L_DROP);
	}
	LDB(a, 6);
	jmp(a, BPF_JEQ, IPPROTO_TCP, L_PORT, L_NEXT);
	jmp(a, BPF_JEQ, IPPROTO_UDP, L_PORT, L_NEXT);
	jmp(a, BPF_JEQ, IPPROTO_ICMPV6, L_NEXT, L_DROP);
	LDB(a, 40);
	jmp(a, BPF_JEQ, 129, L_ECHO, L_NEXT);   /* echo reply */
	jmp(a, BPF_JEQ, 0, L_DROP, L_NEXT);
	jmp(a, BPF_JGT, 4, L_DROP, L_ERR);      /* errors are 1..4 */
	label(a, L_PORT);
	LDH(a, 42);                             /* destination port */
	jmp(a, BPF_JA, 0, L_RANGE, L_NEXT);
	label(a, L_ECHO);
	LDH(a, 44);                             /* identifier */
	jmp(a, BPF_JA, 0, L_RANGE, L_NEXT);
	label(a, L_ERR);                        /* quoted IPv6 at 48 */
	LDB(a, 54);
	jmp(a, BPF_JEQ, IPPROTO_TCP, L_ERRP, L_NEXT);
	jmp(a, BPF_JEQ, IPPROTO_UDP, L_ERRP, L_NEXT);
	jmp(a, BPF_JEQ, IPPROTO_ICMPV6, L_NEXT, L_DROP);
	LDB(a, 88);
	jmp(a, BPF_JEQ, 128, L_NEXT, L_DROP);   /* our echo request */
	LDH(a, 92);
	jmp(a, BPF_JA, 0, L_RANGE, L_NEXT);
	label(a, L_ERRP);
	LDH(a, 88);                             /* quoted source port */
	label(a, L_RANGE);
	jmp(a, BPF_JGE, lo, L_NEXT, L_DROP);
	jmp(a, BPF_JGT, hi, L_DROP, L_ACCEPT);
	label(a, L_ACCEPT);
	op(a, BPF_RET | BPF_K, 0x40000);
	label(a, L_DROP);
	op(a, BPF_RET | BPF_K, 0);
	return link_jumps(a);
}

int clat_shared_pkt_open(int ifindex, const struct in6_addr *addr,
			 uint16_t lo, uint16_t hi)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex,
	};
	struct fasm a;
	struct sock_fprog prog;
	int one = 1, rcvbuf = 4 << 20, fd, err = build(&a, addr, lo, hi);

	if (err)
		return err;
	prog.len = (unsigned short)a.n;
	prog.filter = a.f;
	/* Protocol 0 until the filter is on: nothing unfiltered queues. */
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
		       sizeof(one)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)))
		err = -errno;
	if (!err && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
			       sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (!err)
		pktring_setup(fd); /* optional, as on the dedicated socket */
	if (!err && bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}
