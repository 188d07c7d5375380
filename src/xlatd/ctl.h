/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Control socket of xlatd and the status output builder.
 *
 * struct ctl_out renders one status report either as indented text or as
 * JSON from the same calls, so a kind's status hook is written once:
 *
 *	ctl_kv_str(o, "uplink", "%s", c->uplink);
 *	ctl_kv_u64(o, "ra_seen", p->n_ra);
 *	ctl_kv_bool(o, "anycast_joined", p->joined);
 *	ctl_obj_begin(o, "prefix");  ... ctl_obj_end(o);
 *
 * Keys: lower case, words joined by '_'; values are printf-formatted
 * strings (JSON-escaped for you), unsigned integers or booleans.
 */
#ifndef XLATD_CTL_H
#define XLATD_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CTL_DEFAULT_SOCKET "/run/xlatd/xlatd.sock"
#define CTL_MAX_DEPTH 8

struct ctl_out {
	char *buf;
	size_t len, cap;
	bool json;
	bool oom;
	int depth;
	bool first[CTL_MAX_DEPTH + 1]; /* JSON: no comma before next member */
};

void ctl_out_init(struct ctl_out *o, bool json);
void ctl_out_free(struct ctl_out *o);

void ctl_kv_str(struct ctl_out *o, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ctl_kv_u64(struct ctl_out *o, const char *key, uint64_t v);
void ctl_kv_bool(struct ctl_out *o, const char *key, bool v);
void ctl_obj_begin(struct ctl_out *o, const char *key);
void ctl_obj_end(struct ctl_out *o);

/* Raw text into the buffer (text mode headers). */
void ctl_printf(struct ctl_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Server side, driven by xlatd's main loop: ctl_listen() binds path
 * (stale socket replaced), mode 0600, or 0660 with group group when
 * group >= 0 (the control group: may read status, see ctl_req.h), and
 * returns the listening fd or -errno; ctl_accept() serves one client on
 * it (one command line, reply, close).
 */
int ctl_listen(const char *path, int group);
void ctl_accept(int lfd);

/* Render the status of every running instance (used by ctl_accept). */
void ctl_status(struct ctl_out *o);

#endif
