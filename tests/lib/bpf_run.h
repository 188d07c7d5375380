/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running a TC program under BPF_PROG_TEST_RUN, for the differential
 * tests of the eBPF fast paths.  The kernel frames a test packet as
 * Ethernet, so the packet gets a 14-byte header (the ethertype by its IP
 * version) on the way in and loses it on the way out.  Needs libbpf: a
 * test program that calls these links -lbpf (tools and fuzz targets do
 * not, and never pull this file in).
 */
#ifndef XLAT_TEST_BPF_RUN_H
#define XLAT_TEST_BPF_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BPF_RUN_ACT_OK 0
#define BPF_RUN_ACT_REDIRECT 7

struct bpf_run {
	int ret;		/* the program's verdict */
	uint8_t out[4096];	/* what came back, Ethernet header stripped */
	uint32_t len;
	uint16_t ethertype;	/* of the header that came back */
};

/* 0, or -1 (errno set) when the run failed or gave back too little. */
int bpf_run_eth(int prog_fd, const uint8_t *pkt, size_t len,
		struct bpf_run *r);

/* Whether got is want byte for byte; bpf_run_print_diff() says where
 * they differ ("# " lines: the lengths, or the bytes). */
bool bpf_run_same(const uint8_t *got, size_t glen, const uint8_t *want,
		  size_t wlen);
void bpf_run_print_diff(const uint8_t *got, size_t glen, const uint8_t *want,
			size_t wlen);

/* "# counted NAME" for every counter of n that moved. */
void bpf_run_print_counted(const uint64_t *delta, unsigned int n,
			   const char *(*name)(unsigned int));

/* A test that cannot run here: TAP's whole output is one "ok # SKIP". */
void bpf_run_skip_all(const char *test, const char *why, int err);

/* Fill d with the bytes the differential tests' payloads are made of. */
void bpf_run_fill(uint8_t *d, size_t n);

#endif
