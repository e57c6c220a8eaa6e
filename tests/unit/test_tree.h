/* SPDX-License-Identifier: MIT */
/*
 * Compare a volume, as the VFS reads it, with a directory tree the real
 * tools (mtools, tar) extracted from the same image.
 */
#ifndef TEST_TREE_H
#define TEST_TREE_H

/*
 * Every file under hostRoot must load through the VFS at prefix + its path
 * (prefix like "(vol0)") with the same bytes, also when read in pieces; every
 * directory must list exactly the host's entries, with their types and
 * sizes. Fails the test on the first difference; returns the files compared.
 */
int test_compare_tree(const char *hostRoot, const char *prefix);

#endif
