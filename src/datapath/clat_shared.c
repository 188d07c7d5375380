// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The shared-address CLAT's NAPT with its I/O: port reservations and the
 * ingress program's map.  See clat_shared.h and docs/clat-shared.md.
 */
#include "datapath/clat_shared.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
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
	int fd, small = 1, err = 0;

	fd = socket(AF_INET6, (p == NAPT_TCP ? SOCK_STREAM : SOCK_DGRAM) |
				      SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	sa.sin6_addr = *a;
	sa.sin6_port = htons(port);
	/* Nothing should ever reach it (the ingress program takes the
	 * port's packets); if something does, keep the queue tiny. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
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
	s->addr = *addr;
	if (pthread_mutex_init(&s->lock, NULL))
		return fail(s, -ENOMEM, why, whylen, "mutex");
	s->open = true;
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
