// SPDX-License-Identifier: GPL-2.0-or-later
/* Instance framework: kind registry, lifecycle, counters, fd watches. */
#include "xlatd/instance.h"

#include "xlatd/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#define MAX_KINDS 8

static const struct instance_kind *kinds[MAX_KINDS];
static unsigned int n_kinds;

static struct instance *instances;
static int loop_epfd = -1;

struct watch {
	struct instance *inst;
	int fd;
	instance_fd_cb cb;
	struct watch *next;
};

static struct watch *watches;

const struct instance_kind *instance_kind_find(const char *name)
{
	for (unsigned int i = 0; i < n_kinds; i++)
		if (kinds[i]->name && kinds[i]->start &&
		    strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	return NULL;
}

void instance_register_kind(const struct instance_kind *k)
{
	if (n_kinds < MAX_KINDS)
		kinds[n_kinds++] = k;
}

void instance_set_state(struct instance *inst, const char *state,
			const char *fmt, ...)
{
	char reason[sizeof(inst->reason)];
	bool changed, quiet;
	int lvl = strcmp(state, "failed") ? LOG_LVL_INFO : LOG_LVL_ERR;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&inst->lock);
	changed = strcmp(inst->state, state) || strcmp(inst->reason, reason);
	snprintf(inst->state, sizeof(inst->state), "%s", state);
	memcpy(inst->reason, reason, sizeof(reason));
	if (strcmp(state, "waiting") && strcmp(state, "stopped"))
		inst->quiet = false;
	quiet = inst->quiet;
	pthread_mutex_unlock(&inst->lock);
	/* The one log line of a state change: callers do not log it again. */
	if (changed)
		log_msg(quiet ? LOG_LVL_DEBUG : lvl, inst->name, "state %s%s%s",
			state, reason[0] ? ": " : "", reason);
}

void instance_get_state(struct instance *inst, char *state, size_t slen,
			char *reason, size_t rlen)
{
	pthread_mutex_lock(&inst->lock);
	snprintf(state, slen, "%s", inst->state);
	snprintf(reason, rlen, "%s", inst->reason);
	pthread_mutex_unlock(&inst->lock);
}

int instance_stats_alloc(struct instance *inst, unsigned int n)
{
	void *p;

	if (n == 0)
		n = 1;
	p = aligned_alloc(64, n * sizeof(*inst->stats));
	if (!p)
		return -ENOMEM;
	memset(p, 0, n * sizeof(*inst->stats));
	free(inst->stats);
	inst->stats = p;
	inst->n_stats = n;
	return 0;
}

static void dir_sum(struct xlat_dir_stats *s, const struct xlat_dir_stats *d)
{
#define LD(f) __atomic_load_n(&d->f, __ATOMIC_RELAXED)
	s->in_pkts += LD(in_pkts);
	s->in_bytes += LD(in_bytes);
	s->out_pkts += LD(out_pkts);
	s->out_bytes += LD(out_bytes);
	s->replies += LD(replies);
	s->hairpinned += LD(hairpinned);
	s->drops += LD(drops);
	for (int i = 0; i < XLAT_DROP__COUNT; i++)
		s->drop[i] += LD(drop[i]);
#undef LD
}

void instance_stats_sum(const struct instance *inst, struct xlat_stats *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned int t = 0; t < inst->n_stats; t++)
		for (int d = 0; d < XLAT_DIR__COUNT; d++)
			dir_sum(&sum->dir[d], &inst->stats[t].st.dir[d]);
}

void instance_loop_init(int epfd)
{
	loop_epfd = epfd;
}

int instance_watch_fd(struct instance *inst, int fd, uint32_t events,
		      instance_fd_cb cb)
{
	struct epoll_event ev = { .events = events };
	struct watch *w;

	if (loop_epfd < 0)
		return -ENOTCONN;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->inst = inst;
	w->fd = fd;
	w->cb = cb;
	ev.data.ptr = w;
	if (epoll_ctl(loop_epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int e = -errno;

		free(w);
		return e;
	}
	w->next = watches;
	watches = w;
	return 0;
}

static void unwatch(struct instance *inst, int fd, bool all)
{
	for (struct watch **pp = &watches; *pp;) {
		struct watch *w = *pp;

		if (w->inst != inst || (!all && w->fd != fd)) {
			pp = &w->next;
			continue;
		}
		epoll_ctl(loop_epfd, EPOLL_CTL_DEL, w->fd, NULL);
		*pp = w->next;
		free(w);
	}
}

void instance_unwatch_fd(struct instance *inst, int fd)
{
	unwatch(inst, fd, false);
}

void instance_dispatch(void *watch, uint32_t events)
{
	struct watch *w = watch;

	/* The main loop takes one event per epoll_wait(), so a watch
	 * removed by an earlier callback is never seen here. */
	w->cb(w->inst, w->fd, events);
}

static void instance_free(struct instance *inst)
{
	pthread_mutex_destroy(&inst->lock);
	inst_conf_free(inst->conf);
	free(inst->stats);
	free(inst);
}

int instance_reload(struct instance *inst, const struct inst_conf *ic)
{
	struct inst_conf *c;

	if (!inst->kind->reload || strcmp(ic->kind, inst->kind->name))
		return -1;
	c = inst_conf_dup(ic);
	if (!c)
		return -1;
	if (inst->kind->reload(inst, c)) {
		inst_conf_free(c);
		return -1;
	}
	inst_conf_free(inst->conf);
	inst->conf = c;
	return 0;
}

static struct instance *create(const struct inst_conf *ic, bool automatic)
{
	const struct instance_kind *k = instance_kind_find(ic->kind);
	struct instance *inst;
	int ret;

	if (!k) {
		log_err(ic->name, "cannot start: kind \"%s\" is not built in",
			ic->kind);
		return NULL;
	}
	inst = calloc(1, sizeof(*inst));
	if (!inst)
		return NULL;
	inst->conf = inst_conf_dup(ic);
	if (!inst->conf) {
		free(inst);
		return NULL;
	}
	snprintf(inst->name, sizeof(inst->name), "%s", ic->name);
	inst->kind = k;
	pthread_mutex_init(&inst->lock, NULL);
	snprintf(inst->state, sizeof(inst->state), "starting");
	inst->started = true;
	inst->automatic = inst->quiet = automatic;
	ret = k->start(inst);
	if (ret < 0) {
		/* A "failed" state has been logged with its reason. */
		if (strcmp(inst->state, "failed"))
			log_err(inst->name, "start failed: %s%s%s", strerror(-ret),
				inst->reason[0] ? ": " : "", inst->reason);
		else
			log_err(inst->name, "start failed (%s): not started",
				strerror(-ret));
		k->stop(inst);
		unwatch(inst, -1, true);
		instance_free(inst);
		return NULL;
	}
	if (strcmp(inst->state, "starting") == 0)
		instance_set_state(inst, "running", "%s", "");
	/* Append: status lists instances in config order. */
	struct instance **pp = &instances;

	while (*pp)
		pp = &(*pp)->next;
	*pp = inst;
	return inst;
}

struct instance *instance_create(const struct inst_conf *ic)
{
	return create(ic, false);
}

struct instance *instance_create_auto(const struct inst_conf *ic)
{
	return create(ic, true);
}

void instance_loud(struct instance *inst)
{
	pthread_mutex_lock(&inst->lock);
	inst->quiet = false;
	pthread_mutex_unlock(&inst->lock);
}

void instance_destroy(struct instance *inst)
{
	for (struct instance **pp = &instances; *pp; pp = &(*pp)->next)
		if (*pp == inst) {
			*pp = inst->next;
			break;
		}
	log_info(inst->name, "stopping");
	inst->kind->stop(inst);
	unwatch(inst, -1, true);
	log_info(inst->name, "stopped, everything it created removed");
	instance_free(inst);
}

struct instance *instance_list(void)
{
	return instances;
}

struct instance *instance_find(const char *name)
{
	for (struct instance *i = instances; i; i = i->next)
		if (strcmp(i->name, name) == 0)
			return i;
	return NULL;
}

void instance_destroy_all(void)
{
	/* Reverse order of creation would be nicer for dependencies; the
	 * kinds are independent today, so the head goes first. */
	while (instances)
		instance_destroy(instances);
}
