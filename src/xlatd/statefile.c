// SPDX-License-Identifier: GPL-2.0-or-later
/* RFC 8925 helper state files; see statefile.h. */
#include "xlatd/statefile.h"

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
 * 8925 answer alone (a V6ONLY_WAIT running out) can rewrite the file. */
#define SF_MAX 64
static struct {
	char ifname[IFNAMSIZ];
	bool running;
	char reason[256];
} last[SF_MAX];

static void remember(const char *ifname, bool running, const char *reason)
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

int statefile_write(const char *ifname, bool running, const char *reason)
{
	char path[256], tmp[256], line[800], why[400];
	int fd, len, e = 0;
	bool v6;

	if (path_of(path, sizeof(path), ifname, "") ||
	    path_of(tmp, sizeof(tmp), ifname, ".tmp"))
		return -ENAMETOOLONG;
	if (mkdir(state_dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	remember(ifname, running, reason);
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
