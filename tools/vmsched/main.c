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

/* command table: name, handler, options, usage lines, one-line summary */
static const struct cmd_help {
	struct cmd cmd;
	const char *usage;
	const char *summary;
} commands[] = {
	{ { "list", do_list, OPT_COMMON | OPT_VERBOSE },
	  "list [-v]", "loaded policies, * = the active one" },
	{ { "activate", do_activate, OPT_COMMON },
	  "activate POLICY [KEY=VALUE]...", "switch live to POLICY (global params)" },
	{ { "deactivate", do_deactivate, OPT_COMMON },
	  "deactivate", "back to the host scheduler" },
	{ { "status", do_status, OPT_COMMON },
	  "status", "active policy, parameters, VMs, swaps" },
	{ { "set", do_set, OPT_COMMON },
	  "set vm VM KEY=VALUE...\nset vcpu VM:N KEY=VALUE...",
	  "set per-VM parameters\nset per-vCPU parameters" },
	{ { "get", do_get, OPT_COMMON },
	  "get vm VM\nget vcpu VM:N", "show per-VM parameters\nshow per-vCPU parameters" },
	{ { "stats", do_stats, OPT_COMMON | OPT_INTERVAL | OPT_SINCE },
	  "stats [VM] [-i TIME | -s]", "run/wait time, CPU share, latency" },
	{ { "top", do_top, OPT_COMMON | OPT_DELAY | OPT_BATCH | OPT_ITER },
	  "top [-d SECONDS] [-b] [-n N]", "live view of VMs sorted by CPU share" },
	{ { "apply", do_apply, OPT_COMMON | OPT_CHECK | OPT_FOLLOW | OPT_INTERVAL },
	  "apply [FILE] [-c|-f [-i TIME]]",
	  "make the host match FILE (/etc/vmsched.conf)" },
	{ { "version", do_version, OPT_COMMON },
	  "version", "vmsched, kvm_schedswap, uapi versions" },
	{ { "help", do_help, OPT_COMMON },
	  "help", "this text" },
};
#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char grammar[] =
	"  VM      := { PID | NAME }     the VMM's pid, or the VM's -name/--name\n"
	"  POLICY  := NAME               a loaded policy, e.g. { bvt | rr | fair }\n"
	"  VALUE   := { TIME | INTEGER | PERCENT }   as the key's unit says (list -v)\n"
	"  TIME    := NUMBER{ ns | us | ms | s }     e.g. 500us, 2ms, 1.5s\n"
	"  PERCENT := INTEGER[%]         percent of one CPU (150 = one and a half)\n"
	"  OPTIONS := { -j|--json | -p|--pretty | -h|--help | -V|--version }\n";

/* print the usage lines of @c (all commands if NULL) */
static void print_usage(FILE *f, const struct cmd_help *c)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++) {
		const char *u = commands[i].usage, *s = commands[i].summary;

		if (c && c != &commands[i])
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
	fprintf(f, "Commands and keywords may be abbreviated when unambiguous (e.g. act, dea).\n"
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
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].cmd.name, name)) {
			printf("Usage:\n");
			print_usage(stdout, &commands[i]);
			printf("\n%s", grammar);
			break;
		}
	return EXIT_OK;
}

int help_set(void) { return help_for("set"); }
int help_get(void) { return help_for("get"); }

void p_done(void)
{
	if (opt.json)
		jw_null(NULL);
}

bool is_prefix(const char *pfx, const char *str)
{
	return *pfx && !strncmp(pfx, str, strlen(pfx));
}

int cmd_select(const struct cmd *cmds, int argc, char **argv, const char *group,
	       int (*help)(void))
{
	const struct cmd *found = NULL, *c;
	char cands[256];
	size_t len = 0;
	int matches = 0;

	if (argc < 1) {
		if (help && opt.help)
			return help();
		return usage_err("%s: missing %s, try vmsched %s help", group,
				 group ? "object (vm or vcpu)" : "command", group);
	}
	if (help && (opt.help || is_prefix(argv[0], "help")))
		return help();
	cands[0] = '\0';
	for (c = cmds; c->name; c++) {
		if (!strcmp(argv[0], c->name)) {
			found = c;
			matches = 1;
			break;
		}
		if (is_prefix(argv[0], c->name)) {
			found = c;
			matches++;
			len += snprintf(cands + len, sizeof(cands) - len, "%s%s",
					len ? ", " : "", c->name);
		}
	}
	if (!matches)
		return usage_err("%s%s\"%s\" is unknown, try vmsched %s%shelp",
				 group ? group : "command", group ? ": object " : " ", argv[0],
				 group ? group : "", group ? " " : "");
	if (matches > 1)
		return usage_err("\"%s\" is ambiguous: %s", argv[0], cands);
	return found->func(argc - 1, argv + 1);
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
	const struct cmd_help *found = NULL;
	char cands[256];
	size_t i, len = 0;
	int matches = 0, ret;

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
	cands[0] = '\0';
	for (i = 0; i < NR_COMMANDS; i++) {
		if (!strcmp(argv[0], commands[i].cmd.name)) {
			found = &commands[i];
			matches = 1;
			break;
		}
		if (is_prefix(argv[0], commands[i].cmd.name)) {
			found = &commands[i];
			matches++;
			len += snprintf(cands + len, sizeof(cands) - len, "%s%s", len ? ", " : "",
					commands[i].cmd.name);
		}
	}
	if (!matches)
		return usage_err("command \"%s\" is unknown, try vmsched help", argv[0]);
	if (matches > 1)
		return usage_err("command \"%s\" is ambiguous: %s", argv[0], cands);
	ret = check_options(&found->cmd);
	if (ret)
		return ret;
	/* set/get take "help" and -h at their own level */
	if (found->cmd.func != do_set && found->cmd.func != do_get &&
	    (opt.help || (argc > 1 && !strcmp(argv[1], "help"))))
		return help_for(found->cmd.name);
	return found->cmd.func(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	int ret = run(argc, argv);

	err_flush();	/* with -j, errors no command's object took */
	return ret;
}
