// SPDX-License-Identifier: GPL-2.0
/*
 * vmsched: load, swap and tune vCPU scheduling policies of kvm_schedswap,
 * and watch what they do. Command dispatch, options and help.
 */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "main.h"
#include "opts.h"
#include "output.h"

/* the commands; those that change the host are never abbreviated */
static const struct cmd commands[] = {
	{ "list", do_list, OPT_COMMON | OPT_VERBOSE, false,
	  "list [-v]", "loaded policies, * = the active one" },
	{ "activate", do_activate, OPT_COMMON | OPT_POOL, true,
	  "activate POLICY [KEY=VALUE]...", "switch live to POLICY (global params)" },
	{ "deactivate", do_deactivate, OPT_COMMON | OPT_POOL, true,
	  "deactivate", "back to the host scheduler" },
	{ "status", do_status, OPT_COMMON | OPT_POOL, false,
	  "status", "active policy, parameters, VMs, swaps" },
	{ "set", do_set, OPT_COMMON | OPT_POOL, true,
	  "set vm VM KEY=VALUE...\nset vcpu VM:N KEY=VALUE...",
	  "set per-VM parameters\nset per-vCPU parameters" },
	{ "get", do_get, OPT_COMMON | OPT_POOL, false,
	  "get vm VM\nget vcpu VM:N", "show per-VM parameters\nshow per-vCPU parameters" },
	{ "stats", do_stats, OPT_COMMON | OPT_INTERVAL | OPT_SINCE | OPT_POOL, false,
	  "stats [VM] [-i TIME | -s]", "run/wait time, CPU share, latency" },
	{ "top", do_top, OPT_COMMON | OPT_DELAY | OPT_BATCH | OPT_ITER | OPT_POOL, false,
	  "top [-d SECONDS] [-b] [-n N]", "live view of VMs sorted by CPU share" },
	{ "pool", do_pool, OPT_COMMON, true,
	  "pool add NAME CPULIST [POLICY [KEY=VALUE]...]\npool del NAME\npool list\n"
	  "pool move VM POOL",
	  "a pool of pCPUs, optionally with a policy\nits CPUs and VMs back to default\n"
	  "pools: CPUs, policy, VMs\nmove a VM live to POOL" },
	{ "apply", do_apply, OPT_COMMON | OPT_CHECK | OPT_FOLLOW | OPT_INTERVAL, true,
	  "apply [FILE] [-c|-f [-i TIME]]",
	  "make the host match FILE (/etc/vmsched.conf)" },
	{ "metrics", do_metrics, OPT_HELP | OPT_TEXTFILE, false,
	  "metrics [-t PATH]", "Prometheus metrics, on stdout or into PATH" },
	{ "version", do_version, OPT_COMMON, false,
	  "version", "vmsched, kvm_schedswap, uapi versions" },
	{ "help", do_help, OPT_COMMON, false,
	  "help", "this text" },
	{ NULL, NULL, 0, false, NULL, NULL },
};

static const char grammar[] =
	"  VM      := { PID | NAME }     the VMM's pid, or the VM's -name/--name\n"
	"  POLICY  := NAME               a loaded policy, e.g. { bvt | rr | fair }\n"
	"  VALUE   := { TIME | INTEGER | PERCENT }   as the key's unit says (list -v)\n"
	"  TIME    := NUMBER{ ns | us | ms | s }     e.g. 500us, 2ms, 1.5s\n"
	"  PERCENT := INTEGER[%]         percent of one CPU (150 = one and a half)\n"
	"  CPULIST := { CPU | CPU-CPU },...   pCPUs, e.g. 2-3 or 4,6,8-11\n"
	"  POOL    := NAME               a pool of pCPUs (pool list); -P POOL: activate,\n"
	"                                deactivate, status, set, get, stats, top act on it\n"
	"  OPTIONS := { -j|--json | -p|--pretty | -h|--help | -V|--version | -P|--pool POOL }\n";

/* print the usage lines of @only (all commands if NULL) */
static void print_usage(FILE *f, const struct cmd *only)
{
	const struct cmd *c;

	for (c = commands; c->name; c++) {
		const char *u = c->usage, *s = c->summary;

		if (only && only != c)
			continue;
		while (*u) {
			size_t ul = strcspn(u, "\n"), sl = strcspn(s, "\n");

			fprintf(f, "  vmsched %-*.*s %.*s\n", 31, (int)ul, u, (int)sl, s);
			u += ul + !!u[ul];
			s += sl + !!s[sl];
		}
	}
}

static void help_to(FILE *f)
{
	fprintf(f, "Usage: vmsched [OPTIONS] COMMAND [ARGS]\n\n");
	print_usage(f, NULL);
	fprintf(f, "\n%s\n", grammar);
	fprintf(f, "Commands that change nothing, get's vm and vcpu and pool's list may be\n"
	       "abbreviated when unambiguous (l, vers, g vm 42, pool l);\n"
	       "activate, deactivate, set, pool and apply may not.\n"
	       "Exit status: 0 success, 1 the operation failed, 2 usage error.\n"
	       "See vmsched(8).\n");
}

int do_help(int argc, char **argv)
{
	(void)argv;
	if (argc)
		return usage_err("help takes no arguments, try vmsched COMMAND -h");
	help_to(stdout);
	return EXIT_OK;
}

static int help_for(const char *name)
{
	const struct cmd *c;

	for (c = commands; c->name && strcmp(c->name, name); c++)
		;
	printf("Usage:\n");
	print_usage(stdout, c);
	printf("\n%s", grammar);
	return EXIT_OK;
}

int help_set(void) { return help_for("set"); }
int help_get(void) { return help_for("get"); }
int help_pool(void) { return help_for("pool"); }

void p_done(void)
{
	if (opt.json)
		jw_null(NULL);
}

bool is_prefix(const char *pfx, const char *str)
{
	return *pfx && !strncmp(pfx, str, strlen(pfx));
}

/*
 * The entry of @cmds that @word names: its name, or an unambiguous prefix
 * of one that changes nothing. NULL after a usage error; @group is NULL
 * for commands, else the command whose objects @cmds are.
 */
static const struct cmd *cmd_find(const struct cmd *cmds, const char *word, const char *group)
{
	const struct cmd *found = NULL, *c;
	char cands[256], what[64];
	size_t len = 0;
	int matches = 0;

	cands[0] = '\0';
	for (c = cmds; c->name; c++) {
		if (!strcmp(word, c->name))
			return c;
		if (is_prefix(word, c->name)) {
			found = c;
			matches++;
			len += snprintf(cands + len, sizeof(cands) - len, "%s%s",
					len ? ", " : "", c->name);
		}
	}
	if (group)
		snprintf(what, sizeof(what), "%s: object \"%s\"", group, word);
	else
		snprintf(what, sizeof(what), "command \"%s\"", word);
	if (matches == 1 && !found->changes)
		return found;
	if (matches > 1)
		usage_err("%s is ambiguous: %s", what, cands);
	else if (matches)
		usage_err("%s is unknown: commands that change the host are spelled out "
			  "(%s%s%s?)", what, group ? group : "", group ? " " : "", found->name);
	else
		usage_err("%s is unknown, try vmsched %s%shelp", what, group ? group : "",
			  group ? " " : "");
	return NULL;
}

int cmd_select(const struct cmd *cmds, int argc, char **argv, const char *group,
	       const char *objects, int (*help)(void))
{
	const struct cmd *c;

	if (argc < 1) {
		if (opt.help)
			return help();
		return usage_err("%s: missing object (%s), try vmsched %s help", group,
				 objects, group);
	}
	if (opt.help || is_prefix(argv[0], "help"))
		return help();
	c = cmd_find(cmds, argv[0], group);
	return c ? c->func(argc - 1, argv + 1) : EXIT_USAGE;
}

static int check_options(const struct cmd *c)
{
	unsigned int bad = opt.given & ~c->opts;

	if (bad)
		return usage_err("option %s does not apply to \"%s\", try vmsched %s -h",
				 opts_spelling(bad & -bad), c->name, c->name);
	return 0;
}

static int run(int argc, char **argv)
{
	const struct cmd *c;
	int ret;

	ret = opts_parse(&argc, argv);
	out_init(opt.json, opt.pretty);
	if (ret)
		return ret;
	argv++;		/* the command and its operands */
	if (opt.version && (argc || (opt.given & ~(OPT_VERSION | OPT_JSON | OPT_PRETTY))))
		return usage_err("%s prints the versions: it takes no command or other option",
				 opts_spelling(OPT_VERSION));
	if (opt.version)
		return do_version(0, NULL);
	if (!argc && opt.json && !opt.help)
		return usage_err("missing COMMAND, try vmsched help");
	if (!argc) {
		help_to(opt.help ? stdout : stderr);
		return opt.help ? EXIT_OK : EXIT_USAGE;
	}
	c = cmd_find(commands, argv[0], NULL);
	if (!c)
		return EXIT_USAGE;
	ret = check_options(c);
	if (ret)
		return ret;
	/* set/get take "help" and -h at their own level */
	if (c->func != do_set && c->func != do_get && c->func != do_pool &&
	    (opt.help || (argc > 1 && !strcmp(argv[1], "help"))))
		return help_for(c->name);
	return c->func(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	int ret = run(argc, argv);

	err_flush();	/* with -j, errors no command's object took */
	return ret;
}
