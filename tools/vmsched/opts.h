/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command line options: one table of short and long names (opts.c), the
 * values in the global "opt" (main.h).
 */
#ifndef VMSCHED_OPTS_H
#define VMSCHED_OPTS_H

/*
 * Parse the options of argv[1..] (argv[0] is the program) wherever they
 * stand; leave the operands in order in argv[1..] and their number in
 * *argc. Returns 0, or prints the usage error and returns its exit code.
 */
int opts_parse(int *argc, char **argv);
/* how the option of @bit (OPT_*) was written last: "-i", "--interval" */
const char *opts_spelling(unsigned int bit);

#endif
