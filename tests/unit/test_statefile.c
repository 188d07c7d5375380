// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: RFC 8925 state files that cannot be written
 * (src/xlatd/statefile.c, docs/faults.md): the daemon goes on, the error
 * is logged once and shown, the file is written again once it can be.
 */
#define TAP_MAIN
#include "tap.h"

#include "xlatd/statefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[64], dir[128], log_path[160];

static void setup(void)
{
	if (base[0])
		return;
	snprintf(base, sizeof(base), "/tmp/xlat-sf.XXXXXX");
	if (!mkdtemp(base))
		abort();
	snprintf(dir, sizeof(dir), "%s/state", base);
	snprintf(log_path, sizeof(log_path), "%s/log", base);
	statefile_set_dir(dir);
	/* xlatd logs to stderr: count its lines in a file. */
	if (!freopen(log_path, "w", stderr))
		abort();
	setvbuf(stderr, NULL, _IONBF, 0);
}

static int log_lines(const char *what)
{
	char line[1024];
	int n = 0;
	FILE *f = fopen(log_path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, what) != NULL;
	fclose(f);
	return n;
}

static int first_line(const char *ifname, char *buf, size_t n)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.state", dir, ifname);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, (int)n, f))
		buf[0] = '\0';
	fclose(f);
	return 0;
}

TEST(written_and_no_error)
{
	char b[512];

	setup();
	CHECK_EQ(statefile_write("eth0", true, "NAT64 prefix from RA"), 0);
	CHECK_EQ(first_line("eth0", b, sizeof(b)), 0);
	CHECK(!strncmp(b, "clat=running ", 13));
	CHECK(statefile_error("eth0", b, sizeof(b)) == NULL);
}

TEST(a_file_in_place_of_the_directory)
{
	char b[512], path[256];
	int fd;

	setup();
	snprintf(path, sizeof(path), "%s/eth0.state", dir);
	unlink(path);
	CHECK_EQ(rmdir(dir), 0);
	fd = open(dir, O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK(statefile_write("eth0", false, "native IPv4 default route") < 0);
	CHECK(statefile_write("eth0", true, "NAT64 prefix again") < 0);
	CHECK(statefile_write("eth1", true, "another uplink") < 0);
	statefile_retry();
	CHECK(statefile_error("eth0", b, sizeof(b)) != NULL);
	CHECK(strstr(b, "eth0.state could not be written") != NULL);
	CHECK(statefile_error("eth1", b, sizeof(b)) != NULL);
	CHECK(statefile_error("eth2", b, sizeof(b)) == NULL);
	/* Four failed writes, one line. */
	CHECK_EQ(log_lines("(logged once)"), 1);
}

TEST(written_again_once_it_can)
{
	char b[512];

	setup();
	CHECK_EQ(unlink(dir), 0);
	statefile_retry();
	CHECK_EQ(first_line("eth0", b, sizeof(b)), 0);
	/* The last state, not the first one that failed. */
	CHECK(strstr(b, "clat=running ") == b);
	CHECK(strstr(b, "reason=NAT64 prefix again") != NULL);
	CHECK_EQ(first_line("eth1", b, sizeof(b)), 0);
	CHECK(strstr(b, "reason=another uplink") != NULL);
	CHECK(statefile_error("eth0", b, sizeof(b)) == NULL);
	CHECK(statefile_error("eth1", b, sizeof(b)) == NULL);
	CHECK_EQ(log_lines("state files are written again"), 1);
	/* A new failure is logged again, once. */
	statefile_set_dir("/proc/xlat-no-such-dir");
	CHECK(statefile_write("eth0", true, "x") < 0);
	CHECK(statefile_write("eth0", true, "y") < 0);
	CHECK_EQ(log_lines("(logged once)"), 2);
	statefile_set_dir(dir);
	statefile_retry();
	CHECK(statefile_error("eth0", b, sizeof(b)) == NULL);
	unlink(log_path);
	snprintf(b, sizeof(b), "rm -rf '%s'", base);
	CHECK_EQ(system(b), 0);
}

int main(void)
{
	return tap_run();
}
