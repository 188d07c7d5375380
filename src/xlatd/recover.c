// SPDX-License-Identifier: GPL-2.0-or-later
/* Restart of a [siit] instance whose TUN is gone; see recover.h. */
#include "xlatd/recover.h"

#include "xlatd/instance.h"
#include "xlatd/log.h"

#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define WINDOW_MS 60000
#define MAX_TRACKED 16

static struct tries {
	char name[CONF_NAME_MAX];
	uint64_t since;
	unsigned int n;
} tries[MAX_TRACKED];

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Whether name may be restarted once more now (and count it). */
static bool allowed(const char *name)
{
	struct tries *t = NULL, *oldest = &tries[0];
	uint64_t now = now_ms();

	for (int i = 0; i < MAX_TRACKED && !t; i++) {
		if (!strcmp(tries[i].name, name))
			t = &tries[i];
		else if (tries[i].since < oldest->since)
			oldest = &tries[i];
	}
	if (!t) {
		t = oldest;
		snprintf(t->name, sizeof(t->name), "%s", name);
		t->n = 0;
		t->since = now;
	}
	if (now - t->since > WINDOW_MS) {
		t->since = now;
		t->n = 0;
	}
	if (t->n >= RECOVER_MAX)
		return false;
	if (++t->n == RECOVER_MAX)
		log_warn(name, "restarted %d times within %d s: the next failure stays",
			 RECOVER_MAX, WINDOW_MS / 1000);
	return true;
}

/* A siit instance that failed while running and whose TUN is gone. */
static bool lost_tun(struct instance *i)
{
	char state[16];

	if (i->kind != &siit_kind || !i->conf->siit.tun[0])
		return false;
	instance_get_state(i, state, sizeof(state), NULL, 0);
	return !strcmp(state, "failed") && if_nametoindex(i->conf->siit.tun) == 0;
}

static void restart(struct instance *i)
{
	char reason[sizeof(i->reason)];
	struct inst_conf *ic = inst_conf_dup(i->conf);

	if (!ic)
		return;
	instance_get_state(i, NULL, 0, reason, sizeof(reason));
	log_warn(i->name, "TUN %s was deleted from outside (%s): starting the instance again",
		 ic->siit.tun, reason);
	instance_destroy(i);
	if (!instance_create(ic))
		log_err(ic->name, "did not start again, see above");
	inst_conf_free(ic);
}

static uint64_t last_check;

bool recover_due(void)
{
	return now_ms() - last_check >= 1000;
}

void recover_check(void)
{
	struct instance *i, *next;

	last_check = now_ms();
	for (i = instance_list(); i; i = next) {
		next = i->next;
		if (lost_tun(i) && allowed(i->name))
			restart(i);
	}
}
