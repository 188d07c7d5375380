// SPDX-License-Identifier: GPL-2.0-or-later
/* xlatctl (stub, being written). */
int main(void)
{
	return 0;
}
