// SPDX-License-Identifier: GPL-2.0-or-later
/* TUN device helpers; see tun.h. */
#include "datapath/tun.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int tun_open_flags(const char *name, unsigned int flags, char *ifname_out)
{
	struct ifreq ifr;
	int fd, oflags = O_RDWR | O_CLOEXEC;

	if (strlen(name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	if (flags & TUN_NONBLOCK)
		oflags |= O_NONBLOCK;
	fd = open("/dev/net/tun", oflags);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	if (flags & TUN_MULTIQUEUE)
		ifr.ifr_flags |= IFF_MULTI_QUEUE;
	if (flags & TUN_VNET_HDR)
		ifr.ifr_flags |= IFF_VNET_HDR;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	if (ifname_out) {
		memcpy(ifname_out, ifr.ifr_name, IFNAMSIZ);
		ifname_out[IFNAMSIZ - 1] = 0;
	}
	return fd;
}

int tun_open(const char *name, bool multiqueue, char *ifname_out)
{
	return tun_open_flags(name, multiqueue ? TUN_MULTIQUEUE : 0,
			      ifname_out);
}

int tun_set_txqueuelen(const char *ifname, unsigned int qlen)
{
	struct ifreq ifr;
	int s, ret = 0;

	if (strlen(ifname) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	ifr.ifr_qlen = (int)qlen;
	if (ioctl(s, SIOCSIFTXQLEN, &ifr) < 0)
		ret = -errno;
	close(s);
	return ret;
}

int tun_set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -errno;
	fl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	if (fcntl(fd, F_SETFL, fl) < 0)
		return -errno;
	return 0;
}

int tun_set_offload(int fd, bool on)
{
	unsigned long f = 0;

	if (on)
		f = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;
	if (ioctl(fd, TUNSETOFFLOAD, f) < 0)
		return -errno;
	return 0;
}
