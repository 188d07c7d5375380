// SPDX-License-Identifier: GPL-2.0-or-later
/* Control socket server and the text/JSON status builder; see ctl.h. */
#include "xlatd/ctl.h"

#include "xlatd/clat_auto.h"
#include "control/link_monitor.h"
#include "xlatd/ctl_req.h"
#include "xlatd/instance.h"
#include "xlatd/log.h"
#include "xlatd/nat64.h"
#include "xlatd/v6only.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

void ctl_out_init(struct ctl_out *o, bool json)
{
	memset(o, 0, sizeof(*o));
	o->json = json;
	o->first[0] = true;
}

void ctl_out_free(struct ctl_out *o)
{
	free(o->buf);
	o->buf = NULL;
	o->len = o->cap = 0;
}

static void put(struct ctl_out *o, const char *s, size_t n)
{
	if (o->oom)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		char *b;

		while (o->len + n + 1 > cap)
			cap *= 2;
		b = realloc(o->buf, cap);
		if (!b) {
			o->oom = true;
			return;
		}
		o->buf = b;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void puts_(struct ctl_out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void vprintf_(struct ctl_out *o, const char *fmt, va_list ap)
{
	char small[512];
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		put(o, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);

	if (!big) {
		o->oom = true;
		return;
	}
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	put(o, big, (size_t)n);
	free(big);
}

void ctl_printf(struct ctl_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf_(o, fmt, ap);
	va_end(ap);
}

static void json_str(struct ctl_out *o, const char *s)
{
	put(o, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(o, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			puts_(o, esc);
		} else {
			put(o, s, 1);
		}
	}
	put(o, "\"", 1);
}

/* Start a member: JSON comma and key, or text indentation and key. */
static void member(struct ctl_out *o, const char *key)
{
	if (o->json) {
		if (!o->first[o->depth])
			put(o, ",", 1);
		o->first[o->depth] = false;
		json_str(o, key);
		put(o, ":", 1);
		return;
	}
	for (int i = 0; i < o->depth; i++)
		puts_(o, "  ");
	ctl_printf(o, "%s: ", key);
}

void ctl_kv_str(struct ctl_out *o, const char *key, const char *fmt, ...)
{
	struct ctl_out v;
	va_list ap;

	member(o, key);
	if (!o->json) {
		va_start(ap, fmt);
		vprintf_(o, fmt, ap);
		va_end(ap);
		put(o, "\n", 1);
		return;
	}
	ctl_out_init(&v, false);
	va_start(ap, fmt);
	vprintf_(&v, fmt, ap);
	va_end(ap);
	json_str(o, v.buf ? v.buf : "");
	if (v.oom)
		o->oom = true;
	ctl_out_free(&v);
}

void ctl_kv_u64(struct ctl_out *o, const char *key, uint64_t v)
{
	member(o, key);
	ctl_printf(o, o->json ? "%llu" : "%llu\n", (unsigned long long)v);
}

void ctl_kv_bool(struct ctl_out *o, const char *key, bool v)
{
	member(o, key);
	puts_(o, o->json ? (v ? "true" : "false") : (v ? "yes\n" : "no\n"));
}

void ctl_obj_begin(struct ctl_out *o, const char *key)
{
	if (key)
		member(o, key);
	else if (o->json && !o->first[o->depth])
		put(o, ",", 1);
	if (o->json) {
		o->first[o->depth] = false;
		put(o, "{", 1);
	} else if (key) {
		put(o, "\n", 1);
	}
	if (o->depth < CTL_MAX_DEPTH)
		o->depth++;
	o->first[o->depth] = true;
}

void ctl_obj_end(struct ctl_out *o)
{
	if (o->depth > 0)
		o->depth--;
	if (o->json)
		put(o, "}", 1);
}

/* ---- status ---- */

static void dir_status(struct ctl_out *o, const char *name,
		       const struct xlat_dir_stats *d)
{
	ctl_obj_begin(o, name);
	ctl_kv_u64(o, "in_packets", d->in_pkts);
	ctl_kv_u64(o, "in_bytes", d->in_bytes);
	ctl_kv_u64(o, "out_packets", d->out_pkts);
	ctl_kv_u64(o, "out_bytes", d->out_bytes);
	ctl_kv_u64(o, "replies", d->replies);
	ctl_kv_u64(o, "hairpinned", d->hairpinned);
	ctl_kv_u64(o, "drops", d->drops);
	/* Only the non-zero reasons: the list is long and mostly zeros. */
	bool any = false;

	for (int r = 1; r < XLAT_DROP__COUNT; r++)
		any |= d->drop[r] != 0;
	if (any) {
		ctl_obj_begin(o, "drop_reasons");
		for (int r = 1; r < XLAT_DROP__COUNT; r++)
			if (d->drop[r])
				ctl_kv_u64(o, xlat_drop_name((enum xlat_drop)r),
					   d->drop[r]);
		ctl_obj_end(o);
	}
	ctl_obj_end(o);
}

static void inst_status(struct ctl_out *o, struct instance *inst)
{
	char state[sizeof(inst->state)], reason[sizeof(inst->reason)];
	struct xlat_stats sum;

	instance_get_state(inst, state, sizeof(state), reason, sizeof(reason));
	if (!o->json)
		ctl_printf(o, "%s %s: %s%s%s%s\n", inst->kind->name, inst->name,
			   state, reason[0] ? " (" : "", reason,
			   reason[0] ? ")" : "");
	if (!o->json)
		o->depth++;
	else
		ctl_obj_begin(o, NULL);
	if (o->json) {
		ctl_kv_str(o, "name", "%s", inst->name);
		ctl_kv_str(o, "kind", "%s", inst->kind->name);
		ctl_kv_str(o, "state", "%s", state);
		ctl_kv_str(o, "reason", "%s", reason);
	}
	if (inst->kind->status && inst->priv) {
		ctl_obj_begin(o, "config");
		inst->kind->status(inst, o);
		if (!strcmp(inst->kind->name, "clat"))
			v6only_status(o, clat_uplink(inst));
		ctl_obj_end(o);
	}
	instance_stats_sum(inst, &sum);
	ctl_obj_begin(o, "counters");
	dir_status(o, "4to6", &sum.dir[XLAT_DIR_4TO6]);
	dir_status(o, "6to4", &sum.dir[XLAT_DIR_6TO4]);
	ctl_obj_end(o);
	if (o->json)
		ctl_obj_end(o);
	else
		o->depth--;
}

/*
 * glibc's figures of xlatd's own heap: compared over time they tell
 * memory still in use (heap_in_use_bytes climbing) from the allocator
 * keeping pages (heap_bytes alone); docs/soak.md.  heap_in_use_bytes
 * counts the chunks glibc caches per thread as in use.
 */
static void memory_status(struct ctl_out *o)
{
	struct mallinfo2 mi = mallinfo2();

	ctl_obj_begin(o, "memory");
	ctl_kv_u64(o, "heap_bytes", mi.arena);
	ctl_kv_u64(o, "heap_in_use_bytes", mi.uordblks);
	ctl_kv_u64(o, "heap_free_bytes", mi.fordblks);
	ctl_kv_u64(o, "mmap_bytes", mi.hblkhd);
	ctl_obj_end(o);
}

/* What the CLAT manager's link monitor did: snapshots (each a dump of
 * links, addresses and routes) and wake-ups that needed none. */
static void monitor_status(struct ctl_out *o)
{
	const struct link_monitor *m = clat_auto_link_monitor();

	if (!m)
		return;
	ctl_obj_begin(o, "link_monitor");
	ctl_kv_u64(o, "links", m->n_cur);
	ctl_kv_u64(o, "snapshots", m->snapshots);
	ctl_kv_u64(o, "events_skipped", m->skipped);
	ctl_kv_u64(o, "overruns", m->overruns);
	ctl_kv_u64(o, "retries", m->retries);
	ctl_obj_end(o);
}

void ctl_status(struct ctl_out *o)
{
	struct instance *i = instance_list();

	if (o->json) {
		puts_(o, "{\"daemon\":\"xlatd\"");
		o->depth = 0;
		o->first[0] = false;
		memory_status(o);
		monitor_status(o);
		puts_(o, ",\"instances\":[");
		o->depth = 1;
		o->first[1] = true;
		for (; i; i = i->next)
			inst_status(o, i);
		o->depth = 0;
		puts_(o, "]}\n");
		return;
	}
	if (!i)
		puts_(o, "no instances\n");
	for (; i; i = i->next)
		inst_status(o, i);
}

/* ---- the socket ---- */

/* The control group (ctl_listen()), for ctl_accept(). */
static bool ctl_has_group;
static gid_t ctl_group;

int ctl_listen(const char *path, int group)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, e;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* A socket left by a crashed xlatd would block bind(); another live
	 * xlatd would answer a connect(), so refuse to steal its socket. */
	int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (probe >= 0) {
		if (connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			close(probe);
			close(fd);
			return -EADDRINUSE;
		}
		close(probe);
	}
	unlink(path);
	mode_t old = umask(0177);

	e = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	/* Connecting needs write permission on the socket: the group gets
	 * it, ctl_accept() then limits the group to reading. */
	if (e == 0 && group >= 0 && chown(path, (uid_t)-1, (gid_t)group) < 0)
		e = -1;
	if (e < 0 || chmod(path, group >= 0 ? 0660 : 0600) < 0 ||
	    listen(fd, 8) < 0) {
		e = -errno;
		close(fd);
		return e;
	}
	ctl_has_group = group >= 0;
	ctl_group = (gid_t)group;
	return fd;
}

static void reply(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd p = { .fd = fd, .events = POLLOUT };

				if (poll(&p, 1, 1000) > 0)
					continue;
			}
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

/* Read one command line (raw), waiting at most a second for a slow client. */
static ssize_t read_cmd(int fd, char *buf, size_t n)
{
	size_t len = 0;

	while (len < n - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 1000) <= 0)
			return -1;
		r = recv(fd, buf + len, n - 1 - len, 0);
		if (r <= 0)
			break;
		len += (size_t)r;
		if (memchr(buf, '\n', len))
			break;
	}
	return (ssize_t)len;
}

/*
 * RFC 8925: may a DHCPv4 client on ifname ask for option 108?  Yes when
 * xlatd would run a CLAT there on a NAT64 network (v6only.h), not only
 * once it translates, so the first DHCPDISCOVER can carry the request.
 */
static void ipv6_only_preferred(int fd, const char *ifname)
{
	char why[400], msg[420];
	bool yes = v6only_answer(ifname, why, sizeof(why));

	snprintf(msg, sizeof(msg), "%s%s\n", yes ? "yes: " : "error: no: ", why);
	reply(fd, msg, strlen(msg));
}

/* "v6only-wait IF [SECONDS]": a DHCPv4 client got option 108 on IF. */
static void v6only_wait(int fd, const char *arg)
{
	char ifname[IFNAMSIZ + 1] = "", msg[160];
	unsigned int secs = 0;
	int n = sscanf(arg, "%16s %u", ifname, &secs), r;

	if (n < 1 || strlen(ifname) >= IFNAMSIZ || secs > 86400) {
		static const char bad[] = "error: v6only-wait IF [SECONDS (1-86400)]\n";

		reply(fd, bad, sizeof(bad) - 1);
		return;
	}
	r = v6only_report(ifname, secs, discovery_now());
	if (r < 0)
		snprintf(msg, sizeof(msg), "error: %s\n", strerror(-r));
	else
		snprintf(msg, sizeof(msg), "ok: V6ONLY_WAIT on %s noted\n", ifname);
	reply(fd, msg, strlen(msg));
}

static void reply_str(int fd, const char *s)
{
	reply(fd, s, strlen(s));
}

static void serve(int fd, enum ctl_access access)
{
	struct ctl_req req;
	struct ctl_out o;
	char cmd[256];
	ssize_t len = read_cmd(fd, cmd, sizeof(cmd));

	if (len < 0)
		return;
	ctl_req_parse(cmd, (size_t)len, &req);
	if (!ctl_allowed(access, req.cmd)) {
		log_info(NULL, "control: refused \"%.64s\": only root or the daemon's user may",
			 req.line);
		reply_str(fd, "error: permission denied: only root may change xlatd's state\n");
		return;
	}
	switch (req.cmd) {
	case CTL_CMD_V6ONLY:
		ipv6_only_preferred(fd, req.arg);
		return;
	case CTL_CMD_V6ONLY_WAIT:
		v6only_wait(fd, req.arg);
		return;
	case CTL_CMD_RELOAD:
		/* The main loop's signalfd does the reload, as for SIGHUP. */
		log_info(NULL, "control: reload requested");
		kill(getpid(), SIGHUP);
		reply_str(fd, "ok: reloading\n");
		return;
	case CTL_CMD_STATUS:
	case CTL_CMD_STATUS_JSON:
		ctl_out_init(&o, req.cmd == CTL_CMD_STATUS_JSON);
		ctl_status(&o);
		break;
	case CTL_CMD_SESSIONS:
	case CTL_CMD_BIB:
		ctl_out_init(&o, req.json);
		nat64_ctl_tables(&o, req.cmd == CTL_CMD_SESSIONS);
		break;
	default:
		log_debug(NULL, "control: unknown command \"%.64s\"", req.line);
		reply_str(fd, "error: unknown command (status, status json, sessions [json], bib [json], ipv6-only-preferred IF, v6only-wait IF [SECONDS], reload)\n");
		return;
	}
	if (o.oom)
		reply_str(fd, "error: out of memory\n");
	else
		reply(fd, o.buf ? o.buf : "", o.len);
	ctl_out_free(&o);
}

/* Who the client is: SO_PEERCRED and (Linux 4.13) SO_PEERGROUPS. */
static enum ctl_access peer_access(int fd, struct ucred *cred)
{
	gid_t groups[256];
	socklen_t cl = sizeof(*cred), gl = sizeof(groups);
	struct ctl_peer peer = { .groups = groups };

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, &cl) < 0)
		return CTL_ACCESS_NONE;
	peer.uid = cred->uid;
	peer.gid = cred->gid;
	/* More groups than fit (ERANGE): only the primary group counts. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &gl) == 0)
		peer.n_groups = gl / sizeof(groups[0]);
	return ctl_peer_access(&peer, geteuid(), ctl_has_group, ctl_group);
}

void ctl_accept(int lfd)
{
	struct ucred cred = { .pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1 };
	enum ctl_access access;
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	access = peer_access(fd, &cred);
	if (access == CTL_ACCESS_NONE) {
		static const char msg[] = "error: permission denied: not root, xlatd's user or in its control group\n";
		static uid_t last = (uid_t)-1;

		/* Once per user, not at every poll of a monitoring script. */
		if (cred.uid != last)
			log_info(NULL, "control: refused client uid %u pid %d",
				 (unsigned int)cred.uid, (int)cred.pid);
		last = cred.uid;
		reply(fd, msg, sizeof(msg) - 1);
		close(fd);
		return;
	}
	serve(fd, access);
	close(fd);
}
