// SPDX-License-Identifier: GPL-2.0
/*
 * Command line options, parsed with getopt_long(3). Options may stand
 * before the command and before, between and after its operands (up to
 * "--"); each command accepts those of its mask (main.c).
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "main.h"
#include "opts.h"
#include "pools.h"
#include "units.h"

struct options opt = { .interval_ns = NSEC_PER_SEC };

static const struct {
	char s;			/* short name */
	const char *l;		/* long name */
	unsigned int bit;
	bool arg;
} optdefs[] = {
	{ 'j', "json", OPT_JSON, false },
	{ 'p', "pretty", OPT_PRETTY, false },
	{ 'h', "help", OPT_HELP, false },
	{ 'V', "version", OPT_VERSION, false },
	{ 'v', "verbose", OPT_VERBOSE, false },
	{ 'i', "interval", OPT_INTERVAL, true },
	{ 's', "since-start", OPT_SINCE, false },
	{ 'd', "delay", OPT_DELAY, true },
	{ 'b', "batch", OPT_BATCH, false },
	{ 'n', "iterations", OPT_ITER, true },
	{ 'c', "check", OPT_CHECK, false },
	{ 'f', "follow", OPT_FOLLOW, false },
	{ 't', "textfile", OPT_TEXTFILE, true },
	{ 'P', "pool", OPT_POOL, true },
};
#define NR_OPTDEFS (sizeof(optdefs) / sizeof(optdefs[0]))

static struct option longopts[NR_OPTDEFS + 1];
/* '-': operands in order, whatever the environment; ':': missing values */
static char shortopts[2 + 2 * NR_OPTDEFS + 1] = "-:";
/* how each option was last spelled, for "does not apply" messages */
static char spelling[NR_OPTDEFS][32];
/* the first usage error, reported once every option is known (-j may come later) */
static char first_err[256];

static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bad(const char *fmt, ...)
{
	va_list ap;

	if (first_err[0])
		return;
	va_start(ap, fmt);
	vsnprintf(first_err, sizeof(first_err), fmt, ap);
	va_end(ap);
}

static void tables_init(void)
{
	size_t k, n = 2;

	if (longopts[0].name)
		return;
	for (k = 0; k < NR_OPTDEFS; k++) {
		longopts[k] = (struct option){ optdefs[k].l, optdefs[k].arg ? required_argument :
					       no_argument, NULL, optdefs[k].s };
		shortopts[n++] = optdefs[k].s;
		if (optdefs[k].arg)
			shortopts[n++] = ':';
	}
	shortopts[n] = '\0';
}

static size_t optdef_of(int c)
{
	size_t k;

	for (k = 0; k < NR_OPTDEFS && optdefs[k].s != c; k++)
		;
	return k;
}

static void set_opt(size_t k, const char *val, const char *spelled)
{
	int ret = 0;

	opt.given |= optdefs[k].bit;
	snprintf(spelling[k], sizeof(spelling[k]), "%s", spelled);
	switch (optdefs[k].bit) {
	case OPT_JSON: opt.json = true; break;
	case OPT_PRETTY: opt.json = opt.pretty = true; break;
	case OPT_HELP: opt.help = true; break;
	case OPT_VERSION: opt.version = true; break;
	case OPT_VERBOSE: opt.verbose = true; break;
	case OPT_SINCE: opt.since_start = true; break;
	case OPT_BATCH: opt.batch = true; break;
	case OPT_CHECK: opt.check = true; break;
	case OPT_FOLLOW: opt.follow = true; break;
	case OPT_TEXTFILE:
		opt.textfile = val;
		if (!*val)
			bad("%s needs a file name", spelled);
		break;
	case OPT_POOL:
		opt.pool = val;
		if (!pool_name_ok(val))
			bad("bad pool name \"%s\" for %s: 1 to %d characters of a-z, 0-9, _ and -",
			    val, spelled, VMSCHED_NAME_MAX - 1);
		break;
	case OPT_INTERVAL:
	case OPT_DELAY:
		ret = parse_time_default(val, NSEC_PER_SEC, &opt.interval_ns);
		break;
	case OPT_ITER: {
		uint64_t n;

		ret = parse_uint(val, &n);
		if (!ret && n > INT32_MAX)
			ret = -1;
		opt.iterations = n;
		break;
	}
	}
	if (ret)
		bad("bad value \"%s\" for %s: expected %s", val, spelled,
		    optdefs[k].bit == OPT_ITER ? "a count" :
		    "a time (seconds, or with a unit: 500ms, 2s)");
	else if ((optdefs[k].bit & (OPT_INTERVAL | OPT_DELAY)) && !opt.interval_ns)
		bad("%s must be more than 0", spelled);
}

/* "--name" of a long option as written (without "=value") */
static const char *long_spelled(const char *arg, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", (int)strcspn(arg, "="), arg);
	return buf;
}

/*
 * getopt_long said '?' (@c) or ':' about an option. optopt is 0 for a long
 * option it does not know (or one of several that a prefix names), a known
 * option's letter for a long one given a value it does not take, else the
 * short option's letter. Only a long option moved optind past itself for
 * sure: argv[optind - 1] is its word then.
 */
static void opt_error(int c, char **argv)
{
	const char *arg = argv[optind - 1];
	char buf[64];

	if (c == ':' && !strncmp(arg, "--", 2))
		bad("option %s needs a value", long_spelled(arg, buf, sizeof(buf)));
	else if (c == ':')
		bad("option -%c needs a value", optopt);
	else if (!optopt)
		bad("unknown or ambiguous option %s, try vmsched help",
		    long_spelled(arg, buf, sizeof(buf)));
	else if (optdef_of(optopt) < NR_OPTDEFS)	/* --json=1 */
		bad("option %s takes no value", long_spelled(arg, buf, sizeof(buf)));
	else
		bad("unknown option -%c, try vmsched help", optopt);
}

int opts_parse(int *argc, char **argv)
{
	int c, li, n = 0;
	char spelled[32];

	tables_init();
	optind = 0;		/* start afresh (glibc) */
	opterr = 0;
	for (;;) {
		li = -1;
		c = getopt_long(*argc, argv, shortopts, longopts, &li);
		if (c == -1)
			break;
		if (c == 1) {		/* an operand */
			argv[++n] = optarg;
			continue;
		}
		if (c == '?' || c == ':') {
			opt_error(c, argv);
			continue;
		}
		if (li >= 0)
			snprintf(spelled, sizeof(spelled), "--%s", longopts[li].name);
		else
			snprintf(spelled, sizeof(spelled), "-%c", c);
		set_opt(optdef_of(c), optarg, spelled);
	}
	err_init(opt.json);
	if (first_err[0])
		return usage_err("%s", first_err);
	while (optind < *argc)		/* after "--" */
		argv[++n] = argv[optind++];
	*argc = n;
	argv[n + 1] = NULL;
	return 0;
}

const char *opts_spelling(unsigned int bit)
{
	size_t k;

	for (k = 0; k < NR_OPTDEFS; k++)
		if (optdefs[k].bit == bit)
			return spelling[k];
	return "";
}
