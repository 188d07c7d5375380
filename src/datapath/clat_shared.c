// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The shared-address CLAT's NAPT with its I/O: port reservations and the
 * ingress program's map.  See clat_shared.h and docs/clat-shared.md.
 */
#include "datapath/clat_shared.h"

#include "engine/rfc6052.h"

#include <errno.h>
#include <linux/virtio_net.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

uint64_t clat_shared_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint8_t ipproto(enum napt_proto p)
{
	return p == NAPT_TCP ? IPPROTO_TCP :
	       p == NAPT_UDP ? IPPROTO_UDP : IPPROTO_ICMP;
}

static int *slot(struct clat_shared *s, enum napt_proto p, uint16_t port)
{
	uint32_t n = (uint32_t)(s->napt.cfg.port_hi - s->napt.cfg.port_lo) + 1;

	return &s->fd[p * n + (port - s->napt.cfg.port_lo)];
}

/*
 * A socket bound to (host address, port), not listening, without
 * SO_REUSEADDR/SO_REUSEPORT: the kernel refuses the port to every other
 * socket on that address (and to wildcard binds), and never picks it for
 * an unbound one.  A host socket that has it already makes bind() fail.
 */
static int bind_port(const struct in6_addr *a, enum napt_proto p,
		     uint16_t port)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	int fd, small = 1, on = 1, err = 0;

	fd = socket(AF_INET6, (p == NAPT_TCP ? SOCK_STREAM : SOCK_DGRAM) |
				      SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	sa.sin6_addr = *a;
	sa.sin6_port = htons(port);
	/* Only reassembled UDP datagrams reach it (the ingress program
	 * takes the rest); a TCP one never receives: keep its queue tiny. */
	if (p == NAPT_TCP)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	else if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)) ||
		 setsockopt(fd, IPPROTO_IPV6, IPV6_RECVTCLASS, &on, sizeof(on)))
		err = -errno;
	if (!err && bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

static int reserve(void *arg, enum napt_proto p, uint16_t port)
{
	struct clat_shared *s = arg;
	int fd = -1, err;

	if (p != NAPT_ICMP) {
		fd = bind_port(&s->addr, p, port);
		if (fd < 0) {
			if (fd != -EADDRINUSE) {
				s->reserve_errors++;
				s->last_error = fd;
			}
			return fd;
		}
	}
	if (p == NAPT_UDP) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = port };

		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev)) {
			err = -errno;
			close(fd);
			s->reserve_errors++;
			s->last_error = err;
			return err == -EADDRINUSE ? -EIO : err;
		}
	}
	/* Before the first packet leaves: its answer must not reach the
	 * host's stack. */
	err = xlat_shared_bpf_add(&s->bpf, ipproto(p), port);
	if (err) {
		if (fd >= 0)
			close(fd);
		s->reserve_errors++;
		s->last_error = err;
		return err == -EADDRINUSE ? -EIO : err;
	}
	if (fd >= 0)
		*slot(s, p, port) = fd;
	return 0;
}

static void release(void *arg, enum napt_proto p, uint16_t port)
{
	struct clat_shared *s = arg;
	int *fd;

	/* Key first: from now on the host's stack sees the port's packets,
	 * and with the socket gone it answers them as for any closed port. */
	xlat_shared_bpf_del(&s->bpf, ipproto(p), port);
	if (p == NAPT_ICMP)
		return;
	fd = slot(s, p, port);
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int fail(struct clat_shared *s, int err, char *why, size_t whylen,
		const char *what)
{
	snprintf(why, whylen, "%s: %s", what, strerror(-err));
	clat_shared_close(s);
	return err;
}

int clat_shared_open(struct clat_shared *s, const struct clat_napt_cfg *cfg,
		     const struct in6_addr *addr, int up_ifindex,
		     enum xlat_bpf_attach attach, char *why, size_t whylen)
{
	struct clat_napt_ops ops = { reserve, release, s };
	size_t nfd = 2 * ((size_t)(cfg->port_hi - cfg->port_lo) + 1);
	int err;

	memset(s, 0, sizeof(*s));
	s->bpf.map_fd = -1;
	s->bpf.hook.link_fd = -1;
	s->ep = -1;
	s->addr = *addr;
	if (pthread_mutex_init(&s->lock, NULL))
		return fail(s, -ENOMEM, why, whylen, "mutex");
	s->open = true;
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->ep < 0)
		return fail(s, -errno, why, whylen, "epoll");
	if (getrandom(&s->rnd, sizeof(s->rnd), 0) != sizeof(s->rnd) || !s->rnd)
		s->rnd = (uint32_t)clat_shared_now_ms() | 1;
	s->napt_mem = malloc(clat_napt_mem_size(cfg));
	err = s->napt_mem ? clat_napt_init(&s->napt, cfg, &ops, s->napt_mem)
			  : -ENOMEM;
	if (err)
		return fail(s, err, why, whylen, "NAPT table");
	s->fd = malloc(nfd * sizeof(*s->fd));
	if (!s->fd)
		return fail(s, -ENOMEM, why, whylen, "NAPT table");
	for (size_t i = 0; i < nfd; i++)
		s->fd[i] = -1;
	err = xlat_shared_bpf_open(&s->bpf, cfg->max_maps);
	if (err)
		return fail(s, err, why, whylen,
			    "cannot load the shared-address ingress program");
	err = xlat_shared_bpf_attach(&s->bpf, up_ifindex, addr, attach);
	if (err)
		return fail(s, err, why, whylen,
			    "cannot attach the shared-address ingress program");
	return 0;
}

void clat_shared_close(struct clat_shared *s)
{
	if (!s->open)
		return;
	/* Every mapping: keys out, sockets closed (release()). */
	clat_napt_clear(&s->napt);
	xlat_shared_bpf_close(&s->bpf);
	free(s->napt_mem);
	s->napt_mem = NULL;
	free(s->fd);
	s->fd = NULL;
	if (s->ep >= 0)
		close(s->ep);
	s->ep = -1;
	pthread_mutex_destroy(&s->lock);
	s->open = false;
}

static uint32_t next_rnd(struct clat_shared *s)
{
	uint32_t x = s->rnd;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	s->rnd = x;
	return x;
}

enum napt_verdict clat_shared_out(struct clat_shared *s, uint8_t *pkt,
				  size_t len, bool csum_partial)
{
	enum napt_verdict v;

	pthread_mutex_lock(&s->lock);
	v = clat_napt_out(&s->napt, pkt, len, csum_partial,
			  clat_shared_now_ms(), next_rnd(s));
	pthread_mutex_unlock(&s->lock);
	return v;
}

enum napt_verdict clat_shared_in(struct clat_shared *s, uint8_t *pkt,
				 size_t len)
{
	enum napt_verdict v;

	pthread_mutex_lock(&s->lock);
	v = clat_napt_in(&s->napt, pkt, len, clat_shared_now_ms());
	pthread_mutex_unlock(&s->lock);
	return v;
}

int clat_shared_rx_fd(const struct clat_shared *s)
{
	return s->ep;
}

/* The hop limit and traffic class the datagram arrived with. */
static void rx_meta(struct msghdr *mh, uint8_t *ttl, uint8_t *tos)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		int v;

		if (c->cmsg_level != IPPROTO_IPV6)
			continue;
		memcpy(&v, CMSG_DATA(c), sizeof(v));
		if (c->cmsg_type == IPV6_HOPLIMIT)
			*ttl = (uint8_t)v;
		else if (c->cmsg_type == IPV6_TCLASS)
			*tos = (uint8_t)v;
	}
}

/* One datagram from fd (external port ext) to the host: 1, 0, -1 (none). */
static int rx_one(struct clat_shared *s, int fd, uint16_t ext, int tun_fd,
		  const struct xlat_cfg *cfg, const struct in_addr *clat4,
		  uint8_t *buf)
{
	static const struct virtio_net_hdr none;
	struct sockaddr_in6 from;
	char ctl[64];
	struct iovec iov = { buf + 28, 65535 - 28 };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
			     .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct iovec out[2] = { { (void *)&none, sizeof(none) }, { buf, 0 } };
	struct in_addr src4;
	uint8_t ttl = 64, tos = 0;
	ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
	size_t len;

	if (n < 0)
		return -1;
	rx_meta(&mh, &ttl, &tos);
	/* Only what the engine would translate: from inside pool6, and
	 * under the well-known prefix only global IPv4 (RFC 6052 3.1). */
	if ((mh.msg_flags & MSG_TRUNC) || !cfg->has_pool6 ||
	    !rfc6052_extract(&cfg->pool6, &from.sin6_addr, &src4) ||
	    (cfg->wkp_global_only && rfc6052_is_wkp(&cfg->pool6) &&
	     !ipv4_is_global(&src4)))
		return 0;
	pthread_mutex_lock(&s->lock);
	len = clat_napt_udp_in(&s->napt, buf, (size_t)n, &src4,
			       ntohs(from.sin6_port), clat4, ext, ttl, tos,
			       s->ip_id++, clat_shared_now_ms());
	pthread_mutex_unlock(&s->lock);
	out[1].iov_len = len;
	return len && writev(tun_fd, out, 2) > 0;
}

unsigned int clat_shared_rx(struct clat_shared *s, int tun_fd,
			    const struct xlat_cfg *cfg,
			    const struct in_addr *clat4)
{
	static uint8_t buf[65536]; /* the main loop's only */
	struct epoll_event ev[16];
	unsigned int done = 0;
	int n;

	if (!s->open)
		return 0;
	n = epoll_wait(s->ep, ev, 16, 0);
	for (int i = 0; i < n; i++) {
		uint16_t ext = (uint16_t)ev[i].data.u32;
		int fd, r;

		pthread_mutex_lock(&s->lock);
		fd = *slot(s, NAPT_UDP, ext);
		pthread_mutex_unlock(&s->lock);
		/* Only this thread closes reservation sockets (expiry). */
		while (fd >= 0 && (r = rx_one(s, fd, ext, tun_fd, cfg, clat4,
					     buf)) >= 0)
			done += (unsigned int)r;
	}
	return done;
}

unsigned int clat_shared_expire(struct clat_shared *s)
{
	unsigned int n;

	if (!s->open)
		return 0;
	pthread_mutex_lock(&s->lock);
	n = clat_napt_expire(&s->napt, clat_shared_now_ms());
	pthread_mutex_unlock(&s->lock);
	return n;
}

void clat_shared_snapshot(struct clat_shared *s, struct clat_shared_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!s->open)
		return;
	pthread_mutex_lock(&s->lock);
	for (int p = 0; p < NAPT__NPROTO; p++)
		st->maps[p] = clat_napt_count(&s->napt, (enum napt_proto)p);
	st->max_maps = s->napt.cfg.max_maps;
	st->port_lo = s->napt.cfg.port_lo;
	st->port_hi = s->napt.cfg.port_hi;
	memcpy(st->ctr, s->napt.ctr, sizeof(st->ctr));
	pthread_mutex_unlock(&s->lock);
	xlat_shared_bpf_counters(&s->bpf, st->bpf);
	st->bpf_keys = xlat_shared_bpf_keys(&s->bpf);
}

const char *clat_shared_attach_mode(const struct clat_shared *s)
{
	return xlat_bpf_mode_name(s->bpf.hook.mode);
}
