// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nexthop_probe: the CLAT's next-hop look-up (src/control/nexthop.h)
 * against the kernel of the namespace it runs in, for
 * tests/integ/nexthop.sh.  One line:
 *
 *	ok ifindex=N via=ADDR halen=N lladdr=MAC confirmed=0|1 read=N
 *	err ERRNO-NAME via=ADDR read=N
 *
 * read is how many neighbour messages of the interface the kernel sent
 * for the neighbour half (1 for a single entry, the table for a dump).
 *
 *	nexthop_probe DST [IFNAME]
 */
#include "control/nexthop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

static const char *errname(int e)
{
	switch (e) {
	case ENETUNREACH:
		return "ENETUNREACH";
	case EAGAIN:
		return "EAGAIN";
	default:
		return strerror(e);
	}
}

int main(int argc, char **argv)
{
	struct in6_addr dst;
	struct nexthop nh;
	struct nexthop_neigh nr = { .want = &nh };
	char via[INET6_ADDRSTRLEN] = "-";
	int oif = 0, ret;

	if (argc < 2 || argc > 3 || inet_pton(AF_INET6, argv[1], &dst) != 1) {
		fprintf(stderr, "usage: nexthop_probe IPV6-DST [IFNAME]\n");
		return 2;
	}
	if (argc == 3 && !(oif = (int)if_nametoindex(argv[2]))) {
		fprintf(stderr, "nexthop_probe: no interface %s\n", argv[2]);
		return 2;
	}
	ret = nexthop_lookup6_oif(&dst, oif, &nh);
	if (ret == 0 || ret == -EAGAIN) {
		/* Again, to count what the neighbour half reads. */
		inet_ntop(AF_INET6, &nh.via, via, sizeof(via));
		if (nexthop_neigh_lookup(&nr) < 0)
			nr.read = 0;
	}
	if (ret < 0) {
		printf("err %s via=%s read=%u\n", errname(-ret), via, nr.read);
		return 1;
	}
	printf("ok ifindex=%d via=%s halen=%u lladdr=", nh.ifindex, via,
	       nh.halen);
	for (unsigned int i = 0; i < nh.halen; i++)
		printf("%s%02x", i ? ":" : "", nh.lladdr[i]);
	printf(" confirmed=%d read=%u\n", nh.confirmed, nr.read);
	return 0;
}
