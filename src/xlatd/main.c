// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xlatd: the xlat464 daemon.  Reads the config, starts one instance per
 * section, serves the control socket, and on SIGTERM removes everything
 * it created.  Start-up is all or nothing: never a half-configured host.
 */
#include "control/rtnl.h"
#include "xlatd/clat_auto.h"
#include "xlatd/config.h"
#include "xlatd/ctl.h"
#include "xlatd/instance.h"
#include "xlatd/log.h"
#include "xlatd/recover.h"
#include "xlatd/privdrop.h"

#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <grp.h>
#include <net/if.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static char sig_marker, ctl_marker, auto_marker;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xlatd [-f] [-v] [-c FILE | -n] [-s SOCKET] [--state-dir DIR]\n"
		"             [-u USER]\n"
		"       xlatd --check-config FILE\n"
		"  -c FILE        configuration (default %s; a missing default is empty)\n"
		"  -n, --no-config  read no file: every setting is its default\n"
		"  --check-config FILE  parse and validate FILE, exit 0 or 1\n"
		"  -f             stay in the foreground (the default)\n"
		"  -s, --control-socket SOCKET  control socket (default %s)\n"
		"  --state-dir DIR  RFC 8925 state files (default /run/xlatd)\n"
		"  -u, --user USER  started as root: run as USER with CAP_NET_ADMIN,\n"
		"                 CAP_NET_RAW, CAP_BPF and CAP_PERFMON only\n"
		"  -v             debug logging\n",
		CONF_DEFAULT_FILE, CTL_DEFAULT_SOCKET);
}

/* systemd's notify protocol, by hand: one datagram to $NOTIFY_SOCKET. */
static void sd_notify_msg(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd;

	if (!path || !path[0] || strlen(path) >= sizeof(sa.sun_path))
		return;
	if (path[0] != '/' && path[0] != '@')
		return;
	memcpy(sa.sun_path, path, strlen(path));
	if (path[0] == '@')
		sa.sun_path[0] = '\0'; /* abstract namespace */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   len) < 0)
		log_warn(NULL, "sd_notify %s: %s", msg, strerror(errno));
	close(fd);
}

struct opts {
	const char *conf;
	bool conf_given;
	bool no_conf;
	const char *sock;
	const char *state_dir;
	const char *user;
};

/*
 * The configuration: the file, or with --no-config none at all (every
 * default, i.e. the automatic CLAT alone).  Paths given on the command
 * line win over the file's, at start and at every reload.
 */
static int load_conf(const struct opts *o, struct xlatd_conf *c, char *err,
		     size_t n)
{
	if (o->no_conf)
		conf_init(c);
	else if (conf_parse_file(o->conf, !o->conf_given, c, err, n))
		return -1;
	if (o->state_dir)
		snprintf(c->state_dir, sizeof(c->state_dir), "%s", o->state_dir);
	return 0;
}

static const char *conf_name(const struct opts *o)
{
	return o->no_conf ? "no configuration file" : o->conf;
}

static int check_config(const char *path)
{
	struct xlatd_conf c;
	char err[512];

	if (conf_parse_file(path, false, &c, err, sizeof(err))) {
		fprintf(stderr, "xlatd: %s\n", err);
		return 1;
	}
	printf("xlatd: %s: configuration OK, %u instance%s\n", path, c.n_inst,
	       c.n_inst == 1 ? "" : "s");
	for (const struct inst_conf *ic = c.inst; ic; ic = ic->next)
		printf("  [%s %s] (line %d)\n", ic->kind, ic->name, ic->line);
	conf_free(&c);
	return 0;
}

/*
 * The control group: control-group if set, else the daemon's own group
 * when it runs as an unprivileged user (xlatd.service), else none.
 * -1 for none, -2 for an unknown group.
 */
static int control_group(const char *name)
{
	const struct group *g;
	char *end;
	unsigned long v;

	if (!name[0])
		return geteuid() == 0 ? -1 : (int)getegid();
	v = strtoul(name, &end, 10);
	if (!*end && v < 0x7fffffff)
		return (int)v;
	g = getgrnam(name);
	return g ? (int)g->gr_gid : -2;
}

/*
 * --user: the socket's directory and the state directory are made for
 * the user first (as systemd's RuntimeDirectory= does), then root goes.
 */
static int drop_privileges(const char *user, const char *sock,
			   const char *state_dir)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)], why[160];
	char *slash;
	uid_t uid;
	gid_t gid;
	int e;

	if (geteuid() != 0) {
		log_err(NULL, "--user %s: only root can change its user", user);
		return -1;
	}
	if (privdrop_lookup(user, &uid, &gid)) {
		log_err(NULL, "--user %s: no such user", user);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", sock);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if ((e = privdrop_prepare_dir(dir, uid, gid)) < 0)
			log_warn(NULL, "mkdir %s: %s", dir, strerror(-e));
	}
	if ((e = privdrop_prepare_dir(state_dir, uid, gid)) < 0)
		log_warn(NULL, "mkdir %s: %s", state_dir, strerror(-e));
	if (privdrop_to(uid, gid, why, sizeof(why)) < 0) {
		log_err(NULL, "--user %s: %s", user, why);
		return -1;
	}
	log_info(NULL, "running as uid %u gid %u with CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF, CAP_PERFMON",
		 (unsigned int)uid, (unsigned int)gid);
	return 0;
}

static int start_all(const struct xlatd_conf *c)
{
	for (const struct inst_conf *ic = c->inst; ic; ic = ic->next) {
		log_info(ic->name, "starting %s instance (config line %d)",
			 ic->kind, ic->line);
		if (!instance_create(ic))
			return -1;
	}
	return 0;
}

/*
 * A changed instance is stopped before its new configuration starts (they
 * share the device, routes and addresses), so its old configuration is
 * kept aside: if the new one cannot start, the old one runs again.
 */
struct prev_conf {
	struct inst_conf *ic;
	struct prev_conf *next;
};

static void keep_prev(struct prev_conf **list, const struct inst_conf *ic)
{
	struct prev_conf *p = calloc(1, sizeof(*p));

	if (!p)
		return;
	p->ic = inst_conf_dup(ic);
	if (!p->ic) {
		free(p);
		return;
	}
	p->next = *list;
	*list = p;
}

static const struct inst_conf *find_prev(const struct prev_conf *list,
					 const char *name)
{
	for (; list; list = list->next)
		if (strcmp(list->ic->name, name) == 0)
			return list->ic;
	return NULL;
}

static void free_prev(struct prev_conf *list)
{
	while (list) {
		struct prev_conf *n = list->next;

		inst_conf_free(list->ic);
		free(list);
		list = n;
	}
}

static void reload_start(const struct inst_conf *ic,
			 const struct prev_conf *prev)
{
	const struct inst_conf *old = find_prev(prev, ic->name);

	log_info(ic->name, "reload: starting %s instance (line %d)", ic->kind,
		 ic->line);
	if (instance_create(ic))
		return;
	if (!old) {
		log_err(ic->name, "reload: not started, see above; the others keep running");
		return;
	}
	if (instance_create(old))
		log_err(ic->name, "reload: the new configuration did not start, see above; the previous one is kept running");
	else
		log_err(ic->name, "reload: neither the new nor the previous configuration starts, see above");
}

/* SIGHUP: a bad file changes nothing; unchanged instances keep running. */
static void reload(const struct opts *o)
{
	struct xlatd_conf c;
	struct instance *i, *next;
	struct prev_conf *prev = NULL;
	char err[512];

	sd_notify_msg("RELOADING=1");
	if (load_conf(o, &c, err, sizeof(err))) {
		log_err(NULL, "reload refused, keeping the running configuration: %s",
			err);
		sd_notify_msg("READY=1");
		return;
	}
	for (i = instance_list(); i; i = next) {
		const struct inst_conf *ic = conf_find(&c, i->name);

		next = i->next;
		if (ic && inst_conf_equal(ic, i->conf))
			continue;
		if (ic && instance_reload(i, ic) == 0) {
			log_info(i->name, "reload: configuration applied, state kept");
			continue;
		}
		/* The CLAT manager's own instances are not in any file; it
		 * re-decides about them in clat_auto_reload(). */
		if (!ic && i->automatic)
			continue;
		log_info(i->name, "reload: %s", ic ? "configuration changed, restarting"
						   : "removed from the configuration");
		if (ic && !i->automatic)
			keep_prev(&prev, i->conf);
		instance_destroy(i);
	}
	for (const struct inst_conf *ic = c.inst; ic; ic = ic->next) {
		if (instance_find(ic->name))
			continue;
		reload_start(ic, prev);
	}
	free_prev(prev);
	clat_auto_reload(&c);
	conf_free(&c);
	if (c.log_level >= 0)
		log_level = (enum log_level)c.log_level;
	log_info(NULL, "reloaded (%s)", conf_name(o));
	sd_notify_msg("READY=1");
}

static void mkdir_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		log_warn(NULL, "mkdir %s: %s", dir, strerror(errno));
}

/* Routes tagged XLAT_RTPROT with no xlatd running are a crash's leftovers. */
static void flush_leftovers(void)
{
	struct rtnl r;
	int n;

	if (rtnl_open(&r) < 0)
		return;
	n = rtnl_route_flush_proto(&r, AF_UNSPEC, XLAT_RTPROT);
	if (n > 0)
		log_warn(NULL, "removed %d route%s left by an earlier xlatd (protocol %d)",
			 n, n == 1 ? "" : "s", XLAT_RTPROT);
	else if (n < 0)
		log_warn(NULL, "cannot look for leftover routes: %s", strerror(-n));
	n = rtnl_addr4_flush_proto(&r, XLAT_RTPROT);
	if (n > 0)
		log_warn(NULL, "removed %d IPv4 address%s left by an earlier xlatd (protocol %d)",
			 n, n == 1 ? "" : "es", XLAT_RTPROT);
	rtnl_close(&r);
}

static int add_fd(int ep, int fd, void *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static int run_loop(int ep, int sfd, int lfd, const struct opts *o)
{
	for (;;) {
		struct epoll_event ev;
		struct signalfd_siginfo si;
		int n;

		/* Once a second: instances whose TUN was deleted (recover.h);
		 * here, where no event of a watch it may free is held. */
		if (recover_due())
			recover_check();
		n = epoll_wait(ep, &ev, 1, 1000);
		if (n == 0 || (n < 0 && errno == EINTR))
			continue;
		if (n < 0) {
			log_err(NULL, "epoll_wait: %s", strerror(errno));
			return 1;
		}
		if (ev.data.ptr == &ctl_marker) {
			ctl_accept(lfd);
			continue;
		}
		if (ev.data.ptr == &auto_marker) {
			clat_auto_process();
			continue;
		}
		if (ev.data.ptr != &sig_marker) {
			instance_dispatch(ev.data.ptr, ev.events);
			continue;
		}
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGHUP) {
			log_info(NULL, "SIGHUP: reloading (%s)", conf_name(o));
			reload(o);
			continue;
		}
		log_info(NULL, "signal %d: stopping every instance", si.ssi_signo);
		return 0;
	}
}

/* Room for "/IFNAME.state.tmp" after the state dir, as the file's key. */
#define STATE_DIR_MAX (sizeof(((struct xlatd_conf *)0)->state_dir) - IFNAMSIZ - 12)

static int check_opts(const struct opts *o, int check)
{
	if (o->no_conf && (o->conf_given || check)) {
		fprintf(stderr, "xlatd: --no-config excludes -c and --check-config\n");
		return -1;
	}
	if (o->state_dir && (o->state_dir[0] != '/' ||
			     strlen(o->state_dir) >= STATE_DIR_MAX)) {
		fprintf(stderr, "xlatd: invalid --state-dir \"%s\": an absolute path shorter than %zu bytes\n",
			o->state_dir, STATE_DIR_MAX);
		return -1;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o, int *check)
{
	static const struct option lo[] = {
		{ "check-config", required_argument, NULL, 'C' },
		{ "control-socket", required_argument, NULL, 's' },
		{ "no-config", no_argument, NULL, 'n' },
		{ "state-dir", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "user", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:fns:u:vh", lo, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->conf = optarg;
			o->conf_given = true;
			break;
		case 'C':
			*check = 1;
			o->conf = optarg;
			break;
		case 'f':
			break;
		case 'n':
			o->no_conf = true;
			break;
		case 'S':
			o->state_dir = optarg;
			break;
		case 's':
			o->sock = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'v':
			log_level = LOG_LVL_DEBUG;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	return check_opts(o, *check);
}

int main(int argc, char **argv)
{
	struct opts o = { .conf = CONF_DEFAULT_FILE };
	struct xlatd_conf c;
	int check = 0, ep, sfd, lfd, ret, group;
	bool verbose;
	char err[512];
	sigset_t ss;

	/* A fixed threshold: glibc would otherwise raise it to the largest
	 * block freed so far, and the kernel's BTF libbpf reads at every
	 * CLAT start (two 5 MiB buffers) would then be carved from a heap
	 * that keeps up to twice that resident after the free. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	instance_register_kind(&siit_kind);
	instance_register_kind(&clat_kind);
	instance_register_kind(&nat64_kind);
	clat_set_observer(&clat_auto_observer);
	if (parse_opts(argc, argv, &o, &check))
		return 2;
	if (check)
		return check_config(o.conf);
	verbose = log_level == LOG_LVL_DEBUG;
	if (load_conf(&o, &c, err, sizeof(err))) {
		fprintf(stderr, "xlatd: %s\n", err);
		return 1;
	}
	if (c.log_level >= 0 && !verbose)
		log_level = (enum log_level)c.log_level;
	if (!o.sock)
		o.sock = c.control_socket;
	/* Before any thread: capabilities are per thread. */
	if (o.user && drop_privileges(o.user, o.sock, c.state_dir) < 0) {
		conf_free(&c);
		return 1;
	}

	/* Blocked before any thread exists, so workers inherit the mask. */
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGHUP);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &ss, SFD_CLOEXEC | SFD_NONBLOCK);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || ep < 0 || add_fd(ep, sfd, &sig_marker) < 0) {
		log_err(NULL, "signalfd/epoll: %s", strerror(errno));
		return 1;
	}
	instance_loop_init(ep);
	mkdir_parent(o.sock);
	group = control_group(c.control_group);
	if (group == -2) {
		log_err(NULL, "control-group %s: no such group", c.control_group);
		conf_free(&c);
		return 1;
	}
	lfd = ctl_listen(o.sock, group);
	if (lfd < 0) {
		log_err(NULL, "control socket %s: %s%s", o.sock, strerror(-lfd),
			lfd == -EADDRINUSE ? " (another xlatd is running)" : "");
		conf_free(&c);
		return 1;
	}
	add_fd(ep, lfd, &ctl_marker);
	flush_leftovers();
	if (start_all(&c) < 0 || clat_auto_init(&c) < 0 ||
	    add_fd(ep, clat_auto_fd(), &auto_marker) < 0) {
		log_err(NULL, "start-up failed: removing what was created, exiting");
		instance_destroy_all();
		clat_auto_shutdown();
		unlink(o.sock);
		conf_free(&c);
		return 1;
	}
	/* o.sock may point into c.control_socket, which conf_free() keeps. */
	conf_free(&c);
	log_info(NULL, "ready: %s, control socket %s, state dir %s",
		 conf_name(&o), o.sock, c.state_dir);
	sd_notify_msg("READY=1");
	ret = run_loop(ep, sfd, lfd, &o);
	sd_notify_msg("STOPPING=1");
	instance_destroy_all();
	clat_auto_shutdown();
	close(lfd);
	unlink(o.sock);
	log_info(NULL, "stopped");
	return ret;
}
