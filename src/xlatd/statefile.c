// SPDX-License-Identifier: GPL-2.0-or-later
/* RFC 8925 helper state files; see statefile.h. */
#include "xlatd/statefile.h"

#include "xlatd/log.h"
#include "xlatd/v6only.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char state_dir[128] = "/run/xlatd";

/* The last CLAT state of each interface, so that a change of the RFC
 * 8925 answer alone (a V6ONLY_WAIT running out) can rewrite the file.
 * err: the file could not be written (the directory read-only, a file in
 * its place, the disk full); statefile_retry() tries again.  The daemon
 * goes on without it; the error is logged once, not at every write, and
 * status shows it. */
#define SF_MAX 64
static struct {
	char ifname[IFNAMSIZ];
	bool running;
	char reason[256];
	int err;
} last[SF_MAX];
static bool logged;

static int remember(const char *ifname, bool running, const char *reason)
{
	int slot = -1;

	for (int i = 0; i < SF_MAX; i++) {
		if (!strcmp(last[i].ifname, ifname)) {
			slot = i;
			break;
		}
		if (slot < 0 && !last[i].ifname[0])
			slot = i;
	}
	if (slot < 0) {
		/* Full (interfaces come and go): reuse slots in turn. */
		static int next;

		slot = next;
		next = (next + 1) % SF_MAX;
	}
	snprintf(last[slot].ifname, sizeof(last[slot].ifname), "%s", ifname);
	last[slot].running = running;
	snprintf(last[slot].reason, sizeof(last[slot].reason), "%s",
		 reason ? reason : "");
	return slot;
}

static bool any_failed(void)
{
	for (int i = 0; i < SF_MAX; i++)
		if (last[i].ifname[0] && last[i].err)
			return true;
	return false;
}

static void note_result(int slot, int e)
{
	last[slot].err = e;
	if (!e) {
		if (logged && !any_failed()) {
			log_info(NULL, "state files are written again in %s", state_dir);
			logged = false;
		}
		return;
	}
	if (!logged)
		log_err(NULL, "state file %s/%s.state: %s; xlatd goes on without it and tries again (logged once)",
			state_dir, last[slot].ifname, strerror(-e));
	logged = true;
}

void statefile_set_dir(const char *dir)
{
	snprintf(state_dir, sizeof(state_dir), "%s", dir);
}

static int path_of(char *buf, size_t n, const char *ifname, const char *ext)
{
	int r = snprintf(buf, n, "%s/%s.state%s", state_dir, ifname, ext);

	return r < 0 || (size_t)r >= n ? -ENAMETOOLONG : 0;
}

static int write_file(const char *ifname, bool running, const char *reason)
{
	char path[256], tmp[256], line[800], why[400];
	int fd, len, e = 0;
	bool v6;

	if (path_of(path, sizeof(path), ifname, "") ||
	    path_of(tmp, sizeof(tmp), ifname, ".tmp"))
		return -ENAMETOOLONG;
	if (mkdir(state_dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	/* The reason stays last: it is the rest of the line. */
	v6 = v6only_answer(ifname, why, sizeof(why));
	len = snprintf(line, sizeof(line), "clat=%s v6only=%s reason=%s%s%s%s\n",
		       running ? "running" : "stopped", v6 ? "yes" : "no",
		       reason ? reason : "", v6 ? "" : " [v6only=no: ",
		       v6 ? "" : why, v6 ? "" : "]");
	if (len < 0)
		return -EINVAL;
	/* One line, whatever the reason holds or however long it is. */
	len = (int)strcspn(line, "\n");
	line[len++] = '\n';
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, line, (size_t)len) != len)
		e = errno ? -errno : -EIO;
	close(fd);
	if (!e && rename(tmp, path) < 0)
		e = -errno;
	if (e)
		unlink(tmp);
	return e;
}

int statefile_write(const char *ifname, bool running, const char *reason)
{
	int slot = remember(ifname, running, reason);
	int e = write_file(ifname, running, reason);

	note_result(slot, e);
	return e;
}

void statefile_retry(void)
{
	for (int i = 0; i < SF_MAX; i++) {
		char ifname[IFNAMSIZ];

		if (!last[i].ifname[0] || !last[i].err)
			continue;
		/* A copy: the write copies the name into last[] again. */
		memcpy(ifname, last[i].ifname, sizeof(ifname));
		statefile_refresh(ifname);
	}
}

const char *statefile_error(const char *ifname, char *buf, size_t n)
{
	for (int i = 0; i < SF_MAX; i++)
		if (last[i].err && !strcmp(last[i].ifname, ifname)) {
			snprintf(buf, n, "%s/%s.state could not be written: %s",
				 state_dir, ifname, strerror(-last[i].err));
			return buf;
		}
	return NULL;
}

void statefile_refresh(const char *ifname)
{
	for (int i = 0; i < SF_MAX; i++)
		if (!strcmp(last[i].ifname, ifname)) {
			char reason[256];

			/* statefile_write() remembers it again. */
			snprintf(reason, sizeof(reason), "%s", last[i].reason);
			statefile_write(ifname, last[i].running, reason);
			return;
		}
}

void statefile_remove(const char *ifname)
{
	char path[256];

	if (!path_of(path, sizeof(path), ifname, ""))
		unlink(path);
}
