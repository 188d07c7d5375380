/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Control socket requests and who may make them (pure: no I/O, fuzzed).
 *
 * A client sends one line.  Commands that only read (status, status
 * json, sessions, bib, ipv6-only-preferred IF) are allowed to root, to
 * the daemon's own user and to members of the control group; commands
 * that change state (v6only-wait IF, reload) only to root and the
 * daemon's user.  The peer's identity comes
 * from SO_PEERCRED and SO_PEERGROUPS, which the kernel fills in: a client
 * cannot forge them.
 */
#ifndef XLATD_CTL_REQ_H
#define XLATD_CTL_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum ctl_cmd {
	CTL_CMD_UNKNOWN,
	CTL_CMD_STATUS,        /* "status", "counters" */
	CTL_CMD_STATUS_JSON,   /* "status json", "counters json" */
	CTL_CMD_V6ONLY,        /* "ipv6-only-preferred IF" (RFC 8925) */
	CTL_CMD_V6ONLY_WAIT,   /* "v6only-wait IF [SECONDS]": a DHCP client's */
	CTL_CMD_SESSIONS,      /* "sessions[...]" (" json" anywhere: JSON) */
	CTL_CMD_BIB,           /* "bib[...]", the same */
	CTL_CMD_RELOAD,        /* "reload": as SIGHUP */
};

struct ctl_req {
	enum ctl_cmd cmd;
	bool json;             /* SESSIONS, BIB: the line has " json" */
	const char *arg;       /* V6ONLY(_WAIT): what follows, inside buf */
	const char *line;      /* the line as read (for log messages) */
};

/*
 * Parse the len bytes the client sent in buf (which must have room for
 * one more byte: the line is cut at the first CR, LF or NUL and
 * terminated in place).  Returns r->cmd.
 */
enum ctl_cmd ctl_req_parse(char *buf, size_t len, struct ctl_req *r);

/* Whether cmd changes the daemon's state (needs CTL_ACCESS_ALL). */
bool ctl_cmd_writes(enum ctl_cmd cmd);

enum ctl_access {
	CTL_ACCESS_NONE,
	CTL_ACCESS_READ,       /* status only */
	CTL_ACCESS_ALL,
};

struct ctl_peer {
	uid_t uid;
	gid_t gid;             /* primary group */
	const gid_t *groups;   /* supplementary groups (SO_PEERGROUPS) */
	size_t n_groups;
};

/*
 * The access of peer to a daemon running as self_uid whose control group
 * is group (has_group false: there is none, status is for root and
 * self_uid only).
 */
enum ctl_access ctl_peer_access(const struct ctl_peer *peer, uid_t self_uid,
				bool has_group, gid_t group);

/* Whether the peer may make the request. */
bool ctl_allowed(enum ctl_access a, enum ctl_cmd cmd);

#endif
