// SPDX-License-Identifier: GPL-2.0-or-later
/* Loader of the shared-address CLAT's ingress program: see bpf_shared.h. */
#include "datapath/bpf_shared.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef ARPHRD_IP6GRE
#define ARPHRD_IP6GRE 823 /* linux/if_arp.h; glibc's list stops short */
#endif

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include "clat_shared.skel.h"
#pragma GCC diagnostic pop

static const char *const counter_names[] = {
#define CLAT_SHARED_X_NAME(e, s) s,
	CLAT_SHARED_COUNTERS(CLAT_SHARED_X_NAME)
#undef CLAT_SHARED_X_NAME
};

const char *xlat_shared_bpf_counter_name(unsigned int i)
{
	return i < CLAT_SHARED__COUNT ? counter_names[i] : "?";
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

struct shared_job {
	struct xlat_shared_bpf *s;
	uint32_t max_entries;
	int err;
};

/* On a thread of its own (xlat_bpf_apart(): libbpf's allocations). */
static void open_job(void *arg)
{
	struct shared_job *j = arg;
	struct xlat_shared_bpf *s = j->s;

	s->skel = clat_shared_bpf__open();
	if (!s->skel) {
		j->err = errno ? -errno : -ENOMEM;
		return;
	}
	j->err = bpf_map__set_max_entries(s->skel->maps.shared_ports,
					  j->max_entries ? j->max_entries : 1);
	if (!j->err)
		j->err = clat_shared_bpf__load(s->skel);
	if (j->err) {
		clat_shared_bpf__destroy(s->skel);
		s->skel = NULL;
		j->err = j->err < 0 ? j->err : -j->err;
	}
}

static void close_job(void *arg)
{
	struct xlat_shared_bpf *s = arg;

	clat_shared_bpf__destroy(s->skel);
	s->skel = NULL;
}

int xlat_shared_bpf_open(struct xlat_shared_bpf *s, uint32_t max_entries)
{
	struct shared_job j = { .s = s, .max_entries = max_entries };

	memset(s, 0, sizeof(*s));
	s->hook.link_fd = -1;
	s->map_fd = -1;
	libbpf_set_print(quiet);
	xlat_bpf_apart(open_job, &j);
	if (j.err)
		return j.err;
	s->map_fd = bpf_map__fd(s->skel->maps.shared_ports);
	return 0;
}

int xlat_shared_bpf_prog_fd(const struct xlat_shared_bpf *s)
{
	return s->skel ? bpf_program__fd(s->skel->progs.clat_shared_in)
		       : -EBADF;
}

int xlat_shared_bpf_configure(struct xlat_shared_bpf *s, unsigned int l2len,
			      const struct in6_addr *addr)
{
	struct clat_shared_cfg *c;

	if (!s->skel)
		return -EBADF;
	c = &s->skel->bss->shared_cfg;
	c->enabled = 0;
	__sync_synchronize();
	c->l2len = (uint8_t)l2len;
	memcpy(c->addr6, addr, 16);
	__sync_synchronize();
	c->enabled = 1;
	return 0;
}

/*
 * Bytes before the IPv6 header at tc ingress.  Beyond what the fast path
 * knows (Ethernet, raw IP), the point-to-point links a CLAT may run on
 * (PPP, ip6tnl, sit, GRE) hand tc the bare IP packet too: the program
 * only reads, so taking them costs no header to build.
 */
static int shared_l2_len(int ifindex)
{
	int l2 = xlat_bpf_l2_len(ifindex), type = -1;
	struct ifreq ifr;

	if (l2 != -EOPNOTSUPP)
		return l2;
	if (xlat_if_ioctl(ifindex, SIOCGIFHWADDR, &ifr) == 0)
		type = ifr.ifr_hwaddr.sa_family;
	switch (type) {
	case ARPHRD_PPP:
	case ARPHRD_TUNNEL:
	case ARPHRD_TUNNEL6:
	case ARPHRD_SIT:
	case ARPHRD_IPGRE:
	case ARPHRD_IP6GRE:
		return 0;
	}
	return -EOPNOTSUPP;
}

int xlat_shared_bpf_attach(struct xlat_shared_bpf *s, int up_ifindex,
			   const struct in6_addr *addr, enum xlat_bpf_attach a)
{
	int l2 = shared_l2_len(up_ifindex);

	if (l2 < 0)
		return l2;
	l2 = xlat_shared_bpf_configure(s, (unsigned int)l2, addr);
	if (l2 < 0)
		return l2;
	return xlat_bpf_hook_attach(&s->hook, xlat_shared_bpf_prog_fd(s),
				    up_ifindex, true, a);
}

bool xlat_shared_bpf_attached(const struct xlat_shared_bpf *s)
{
	return xlat_bpf_hook_there(&s->hook, xlat_shared_bpf_prog_fd(s), true);
}

static struct clat_shared_key key(uint8_t ipproto, uint16_t port)
{
	struct clat_shared_key k = { .proto = ipproto };

	k.port = htons(port);
	return k;
}

int xlat_shared_bpf_add(struct xlat_shared_bpf *s, uint8_t ipproto,
			uint16_t port)
{
	struct clat_shared_key k = key(ipproto, port);
	uint8_t one = 1;

	if (s->map_fd < 0)
		return -EBADF;
	return bpf_map_update_elem(s->map_fd, &k, &one, BPF_ANY) ? -errno : 0;
}

int xlat_shared_bpf_del(struct xlat_shared_bpf *s, uint8_t ipproto,
			uint16_t port)
{
	struct clat_shared_key k = key(ipproto, port);

	if (s->map_fd < 0)
		return -EBADF;
	return bpf_map_delete_elem(s->map_fd, &k) ? -errno : 0;
}

int xlat_shared_bpf_keys(struct xlat_shared_bpf *s)
{
	struct clat_shared_key k, next;
	void *prev = NULL;
	int n = 0;

	if (s->map_fd < 0)
		return -EBADF;
	while (bpf_map_get_next_key(s->map_fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		n++;
	}
	return n;
}

int xlat_shared_bpf_counters(struct xlat_shared_bpf *s, uint64_t *out)
{
	if (!s->skel)
		return -EBADF;
	return xlat_bpf_percpu_sums(bpf_map__fd(s->skel->maps.shared_stats),
				    CLAT_SHARED__COUNT, out);
}

void xlat_shared_bpf_close(struct xlat_shared_bpf *s)
{
	xlat_bpf_hook_detach(&s->hook, true);
	if (s->skel)
		xlat_bpf_apart(close_job, s);
	s->skel = NULL;
	s->map_fd = -1;
}
