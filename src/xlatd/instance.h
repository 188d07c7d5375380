/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xlatd instances: one per [KIND NAME] config section (or created by
 * the code itself, e.g. an automatic CLAT), driven by xlatd's main thread.
 *
 * HOW A KIND PLUGS IN
 *
 * 1. Define, in your .c file, a strong global
 *	const struct instance_kind clat_kind = {
 *		.name = "clat", .start = ..., .stop = ..., .status = ...,
 *	};
 *    xlatd's main.c already registers clat_kind (a weak stand-in with
 *    .start == NULL, in instance_nokinds.c, takes its place until your
 *    file exists; the real one wins because main.o refers to it and
 *    clat.o sorts before instance_nokinds.o in libxlatd.a).  Nothing
 *    else to register.  Unit tests that need a kind call
 *    instance_register_kind(&clat_kind) themselves.  Config keys of
 *    [clat NAME] are parsed by config_clat.c into inst->conf->clat
 *    (struct clat_conf, config.h) and the engine keys (config_inst.c)
 *    into inst->conf->xlat.
 *
 * 2. start(inst) runs on the main thread and must not block for long:
 *    create what is needed now, start your threads, and return 0.  If the
 *    instance has to wait (no uplink yet, no prefix yet), set the state
 *    with instance_set_state(inst, "waiting", "no PREF64 on %s", ...) and
 *    return 0: waiting is not an error.  Return a negative errno only for
 *    a failure the operator must fix; log it with log_err(inst->name,..)
 *    saying why, and set the reason.  Keep your private data in
 *    inst->priv.
 *
 * 3. stop(inst) is called exactly once for every instance whose start()
 *    was called, also when start() failed, at any point of it: stop must
 *    cope with a half-started instance (test every resource before
 *    freeing it).  stop must signal and join every thread the instance
 *    started, and remove everything it created on the host (routes,
 *    addresses, devices, BPF programs, sockets), then free inst->priv.
 *    After stop returns nothing of the instance may run or remain.
 *
 * 4. Counters: call instance_stats_alloc(inst, n) in start() for n
 *    worker threads; thread i owns inst->stats[i] exclusively and passes
 *    it to xlat_account().  The framework sums them (relaxed atomic
 *    loads) for `xlatctl status` and frees them after stop().
 *
 * 5. status(inst, out) (optional, main thread) adds kind-specific
 *    key-values with ctl_kv_*() (ctl.h): uplink, prefix and where it came
 *    from, addresses, datapath...  The framework prints name, kind,
 *    state, reason and the counters itself.
 *
 * 6. Events: a kind may watch a file descriptor on the main loop with
 *    instance_watch_fd() (netlink socket, timerfd...); the callback runs
 *    on the main thread, so it may change state, routes, or restart the
 *    data path without locking against start/stop/status.  Unwatch (or
 *    let the framework unwatch after stop) before closing the fd.
 *
 * Threads: worker threads may call instance_set_state() (it locks) and
 * log_*(); everything else of this API is main-thread only.
 */
#ifndef XLATD_INSTANCE_H
#define XLATD_INSTANCE_H

#include "config.h"
#include "xlat.h"

#include <pthread.h>
#include <stdint.h>

struct ctl_out;
struct instance;

struct instance_kind {
	const char *name; /* the KIND of [KIND NAME] */
	int (*start)(struct instance *inst);
	void (*stop)(struct instance *inst);
	void (*status)(struct instance *inst, struct ctl_out *out);
	/* Optional: take a changed configuration without a restart (state
	 * kept); 0 if done, else the framework restarts the instance. */
	int (*reload)(struct instance *inst, const struct inst_conf *ic);
};

/* Per-thread counters, a cache line apart so threads do not share lines. */
struct instance_stats {
	struct xlat_stats st;
} __attribute__((aligned(64)));

struct instance {
	char name[CONF_NAME_MAX];
	const struct instance_kind *kind;
	struct inst_conf *conf; /* owned by the framework, read-only */
	void *priv;             /* the kind's */

	struct instance_stats *stats; /* n_stats entries */
	unsigned int n_stats;

	pthread_mutex_t lock; /* state and reason */
	char state[16];       /* "starting", "running", "waiting", "failed" */
	char reason[256];

	bool started;
	bool automatic; /* made by the CLAT manager, not by a config section */
	/* An automatic instance on a link that has not looked like an uplink
	 * yet: its state changes are logged at debug level (a container host
	 * has one per veth, stopped for good).  instance_loud() or the first
	 * state past waiting or stopped ends it. */
	bool quiet;
	struct instance *next;
};

/* The kinds (clat_kind may be the weak stand-in, see above). */
extern const struct instance_kind siit_kind;
extern const struct instance_kind clat_kind;
extern const struct instance_kind nat64_kind;

/* Make a kind known (xlatd main registers siit_kind and clat_kind). */
void instance_register_kind(const struct instance_kind *k);

/* The kind named name, or NULL (unknown, or not built in). */
const struct instance_kind *instance_kind_find(const char *name);

/* printf-style reason; state is copied.  Thread-safe; logs the change. */
void instance_set_state(struct instance *inst, const char *state,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Copy state and reason out under the lock. */
void instance_get_state(struct instance *inst, char *state, size_t slen,
			char *reason, size_t rlen);

/* n zeroed per-thread counter blocks in inst->stats; 0 or -ENOMEM. */
int instance_stats_alloc(struct instance *inst, unsigned int n);
/* Sum of every thread's counters, read with relaxed atomic loads. */
void instance_stats_sum(const struct instance *inst, struct xlat_stats *sum);
/* Thread-side: the block of thread i. */
static inline struct xlat_stats *instance_stats(struct instance *inst,
						unsigned int i)
{
	return &inst->stats[i].st;
}

/* Main loop file descriptor watches (see 6. above). */
typedef void (*instance_fd_cb)(struct instance *inst, int fd,
			       uint32_t events);
int instance_watch_fd(struct instance *inst, int fd, uint32_t events,
		      instance_fd_cb cb);
void instance_unwatch_fd(struct instance *inst, int fd);

/*
 * Framework side (xlatd main).  instance_create() takes ownership of a
 * copy of ic, calls the kind's start(); on failure it calls stop(),
 * frees everything and returns NULL with the reason logged.  The list of
 * running instances is instance_list().
 */
struct instance *instance_create(const struct inst_conf *ic);
/* The same for the CLAT manager's own instances (automatic, quiet). */
struct instance *instance_create_auto(const struct inst_conf *ic);
/* From now on its state changes are logged at their own level. */
void instance_loud(struct instance *inst);
void instance_destroy(struct instance *inst); /* stop + unlink + free */
/* The kind's reload() with a copy of ic, which becomes inst->conf; -1
 * when the kind has none or refuses (then restart it). */
int instance_reload(struct instance *inst, const struct inst_conf *ic);
struct instance *instance_list(void);
struct instance *instance_find(const char *name);
void instance_destroy_all(void);

/* Main loop: the epoll fd the watches go to (set by xlatd main). */
void instance_loop_init(int epfd);
/* Called by the main loop for an event whose data.ptr is a watch. */
void instance_dispatch(void *watch, uint32_t events);

#endif
