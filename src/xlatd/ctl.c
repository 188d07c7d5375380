// SPDX-License-Identifier: GPL-2.0-or-later
/* Control socket server and the text/JSON status builder; see ctl.h. */
#include "xlatd/ctl.h"

#include "xlatd/clat_auto.h"
#include "xlatd/instance.h"
#include "xlatd/log.h"
#include "xlatd/nat64.h"
#include "xlatd/v6only.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
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

void ctl_status(struct ctl_out *o)
{
	struct instance *i = instance_list();

	if (o->json) {
		puts_(o, "{\"daemon\":\"xlatd\",\"instances\":[");
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

int ctl_listen(const char *path)
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
	if (e < 0 || chmod(path, 0600) < 0 || listen(fd, 8) < 0) {
		e = -errno;
		close(fd);
		return e;
	}
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

/* Read one command line, waiting at most a second for a slow client. */
static int read_cmd(int fd, char *buf, size_t n)
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
	buf[len] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
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

static void serve(int fd)
{
	struct ctl_out o;
	char cmd[256];

	if (read_cmd(fd, cmd, sizeof(cmd)) < 0)
		return;
	if (!strncmp(cmd, "ipv6-only-preferred ", 20)) {
		ipv6_only_preferred(fd, cmd + 20);
		return;
	}
	if (!strncmp(cmd, "v6only-wait ", 12)) {
		v6only_wait(fd, cmd + 12);
		return;
	}
	if (!strcmp(cmd, "status") || !strcmp(cmd, "counters")) {
		ctl_out_init(&o, false);
		ctl_status(&o);
	} else if (!strcmp(cmd, "status json") || !strcmp(cmd, "counters json")) {
		ctl_out_init(&o, true);
		ctl_status(&o);
	} else if (!strncmp(cmd, "sessions", 8) || !strncmp(cmd, "bib", 3)) {
		ctl_out_init(&o, strstr(cmd, " json") != NULL);
		nat64_ctl_tables(&o, cmd[0] == 's');
	} else {
		static const char msg[] = "error: unknown command (status, status json, sessions [json], bib [json], ipv6-only-preferred IF, v6only-wait IF [SECONDS])\n";

		log_debug(NULL, "control: unknown command \"%.64s\"", cmd);
		reply(fd, msg, sizeof(msg) - 1);
		return;
	}
	if (o.oom) {
		static const char msg[] = "error: out of memory\n";

		reply(fd, msg, sizeof(msg) - 1);
	} else {
		reply(fd, o.buf ? o.buf : "", o.len);
	}
	ctl_out_free(&o);
}

void ctl_accept(int lfd)
{
	struct ucred cred;
	socklen_t cl = sizeof(cred);
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0 ||
	    cred.uid != 0) {
		static const char msg[] = "error: permission denied: only root may use the xlatd control socket\n";

		static uid_t last = (uid_t)-1;

		/* Once per user, not at every poll of a monitoring script. */
		if (cred.uid != last)
			log_info(NULL, "control: refused client uid %u pid %d: not root",
				 (unsigned int)cred.uid, (int)cred.pid);
		last = cred.uid;
		reply(fd, msg, sizeof(msg) - 1);
		close(fd);
		return;
	}
	serve(fd);
	close(fd);
}
