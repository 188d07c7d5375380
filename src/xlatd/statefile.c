// SPDX-License-Identifier: GPL-2.0-or-later
/* RFC 8925 helper state files; see statefile.h. */
#include "xlatd/statefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char state_dir[128] = "/run/xlatd";

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
	char path[256], tmp[256], line[400];
	int fd, len, e = 0;

	if (path_of(path, sizeof(path), ifname, "") ||
	    path_of(tmp, sizeof(tmp), ifname, ".tmp"))
		return -ENAMETOOLONG;
	if (mkdir(state_dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	len = snprintf(line, sizeof(line), "clat=%s reason=%s\n",
		       running ? "running" : "stopped", reason ? reason : "");
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

void statefile_remove(const char *ifname)
{
	char path[256];

	if (!path_of(path, sizeof(path), ifname, ""))
		unlink(path);
}
