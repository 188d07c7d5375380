/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TUN devices: IFF_TUN | IFF_NO_PI, so every read/write is one bare IP
 * packet (version nibble tells the family).
 */
#ifndef XLAT_TUN_H
#define XLAT_TUN_H

#include <net/if.h>
#include <stdbool.h>

#define TUN_NONBLOCK 0x1 /* O_NONBLOCK on the returned fd */
#define TUN_MULTIQUEUE 0x2
/* IFF_VNET_HDR: every read and write starts with a struct virtio_net_hdr
 * (datapath/vnet.h), the only way to get and give GSO packets. */
#define TUN_VNET_HDR 0x4

/*
 * Open (creating if needed) TUN device name and return a queue fd, or a
 * negative errno.  With multiqueue, a second call with the same name
 * attaches one more queue to the same device (every call must pass
 * multiqueue).  name may be "" or a pattern ("clat%d") to let the kernel
 * choose; the real name goes to ifname_out (IFNAMSIZ bytes, may be NULL).
 * The device disappears when its last queue fd is closed.  The fd is
 * blocking and close-on-exec; see tun_open_flags() for O_NONBLOCK.
 */
int tun_open(const char *name, bool multiqueue, char *ifname_out);
int tun_open_flags(const char *name, unsigned int flags, char *ifname_out);

/*
 * Let the kernel hand this TUN TCP super-packets and unfinished checksums
 * (TUNSETOFFLOAD with TUN_F_CSUM and TSO for both families), and accept
 * them from us.  The queue must have been opened with TUN_VNET_HDR.
 * 0 or a negative errno.
 */
int tun_set_offload(int fd, bool on);

/* Set the device's transmit queue length (kernel -> reader backlog). */
int tun_set_txqueuelen(const char *ifname, unsigned int qlen);

/* Set or clear O_NONBLOCK on fd. */
int tun_set_nonblock(int fd, bool on);

#endif
