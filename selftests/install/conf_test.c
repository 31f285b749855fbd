// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of tools/vmsched/conf.c, the /etc/vmsched.conf parser, with
 * descriptors of its own (those of sched_plugins/example): good files give
 * the expected values, each malformed line is reported as FILE:LINE with
 * the right message; the libvirt metadata parser (vm_meta.c) reads the
 * same entries from <sched KEY="VALUE".../>. KTAP output.
 *
 *   conf_test [FILE]...   also check that each FILE parses (shipped samples)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "ktap.h"
#include "vm_meta.h"

static struct vmsched_param_info ex[] = {
	{ .name = "slice", .scope = VMSCHED_SCOPE_GLOBAL, .unit = VMSCHED_UNIT_NS,
	  .min = 100000, .max = 1000000000, .def = 5000000 },
	{ .name = "weight", .scope = VMSCHED_SCOPE_VM, .unit = VMSCHED_UNIT_NONE,
	  .min = 1, .max = 10000, .def = 100 },
};
static const struct pdesc desc = { "example", ex, 2 };

/* what tools/vmsched/params.c does against the kernel's descriptors */
const struct vmsched_param_info *pdesc_find(const struct pdesc *d, const char *key)
{
	unsigned int i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->p[i].name, key))
			return &d->p[i];
	return NULL;
}

void key_list(const struct pdesc *d, unsigned int scope, char *out, size_t len)
{
	unsigned int i;

	out[0] = '\0';
	for (i = 0; i < d->n; i++)
		if (d->p[i].scope == scope)
			snprintf(out + strlen(out), len - strlen(out), "%s%s",
				 out[0] ? ", " : "", d->p[i].name);
}

const char *scope_name(unsigned int scope)
{
	return scope == VMSCHED_SCOPE_VM ? "per-VM" : "global";
}

static char errs[8192];

/* parse and validate @text as file "t.conf"; stderr lands in errs */
static int run(const char *text, struct conf *c)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	FILE *err = tmpfile();
	int saved = dup(2), n;
	size_t len;

	fflush(stderr);
	dup2(fileno(err), 2);
	n = conf_parse(c, "t.conf", in);
	if (!n)
		n = conf_validate(c, &desc);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(err);
	len = fread(errs, 1, sizeof(errs) - 1, err);
	errs[len] = '\0';
	fclose(err);
	fclose(in);
	return n;
}

static void t_good(void)
{
	struct conf c;
	int n = run("# boot policy\n\npolicy example slice=2.5ms   # comment\n"
		    "vm web1 weight=300\n\tvm db   weight=1  \n", &c);

	CHECK(n == 0, "%d errors: %s", n, errs);
	CHECK(!strcmp(c.policy.name, "example"), "policy %s", c.policy.name);
	CHECK(c.policy.line == 3, "policy line %u", c.policy.line);
	CHECK(c.policy.nr == 1 && c.policy.kv[0].value == 2500000, "slice %llu",
	      (unsigned long long)c.policy.kv[0].value);
	CHECK(c.nr_vms == 2, "%u vms", c.nr_vms);
	CHECK(conf_find_vm(&c, "web1") && conf_find_vm(&c, "web1")->kv[0].value == 300,
	      "web1 weight");
	CHECK(conf_find_vm(&c, "db") && conf_find_vm(&c, "db")->line == 5, "db line");
	CHECK(!conf_find_vm(&c, "web"), "no prefix match");
	conf_free(&c);
	ktap_case_done("good_file");
}

static void t_none(void)
{
	struct conf c;

	CHECK(run("policy none\n", &c) == 0, "policy none: %s", errs);
	conf_free(&c);
	CHECK(run("policy none slice=1ms\nvm a weight=2\n", &c) == 2, "%s", errs);
	CHECK(strstr(errs, "t.conf:1: policy none takes no parameters"), "%s", errs);
	CHECK(strstr(errs, "t.conf:2: vm a: per-VM parameters need a policy"), "%s", errs);
	conf_free(&c);
	ktap_case_done("policy_none");
}

/* one malformed file: every error with its line, all of them */
static const struct {
	const char *line;
	const char *msg;
} bad[] = {
	{ "vmm x weight=1", "unknown keyword \"vmm\", expected policy, pool, vm, "
	  "metrics-textfile or metrics-interval" },
	{ "vm", "vm: missing vm name" },
	{ "vm db", "vm db: missing KEY=VALUE" },
	{ "vm c weight", "expected KEY=VALUE, got \"weight\"" },
	{ "vm d =5", "expected KEY=VALUE, got \"=5\"" },
	{ "vm e weight=", "expected KEY=VALUE, got \"weight=\"" },
	{ "policy example", "a second policy line (the first is line 1)" },
	{ "vm web1 weight=2", "vm web1 is already configured at line 2" },
	{ "vm w1 weight=12x", "bad value \"12x\" for weight: expected a non-negative integer" },
	{ "vm w2 weight=0", "weight=0 is out of range for policy example: allowed 1..10000" },
	{ "vm w3 weight=10001", "weight=10001 is out of range" },
	{ "vm w4 slice=2ms", "policy example has no per-VM parameter \"slice\" (per-VM "
	  "parameters: weight); it is global: put it on the policy line" },
	{ "vm w5 warp=2ms", "policy example has no per-VM parameter \"warp\"" },
	{ "vm w6 weight=1 weight=2", "weight is given twice" },
	{ "vm w7 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1", "parameter name \"aaaa" },
};

static void t_bad_lines(void)
{
	char text[8192], want[256];
	struct conf c;
	size_t i, len;
	int n;

	/* line 1 and 2 are good; bad[i] is line i + 3 */
	len = snprintf(text, sizeof(text), "policy example slice=10\nvm web1 weight=1\n");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		len += snprintf(text + len, sizeof(text) - len, "%s\n", bad[i].line);
	/* syntax first: validation only runs on a file that parses */
	n = run(text, &c);
	conf_free(&c);
	CHECK(n == 8, "%d syntax errors, want 8: %s", n, errs);
	for (i = 0; i < 8; i++) {
		snprintf(want, sizeof(want), "vmsched: t.conf:%zu: %s", i + 3, bad[i].msg);
		CHECK(strstr(errs, want), "missing \"%s\" in:\n%s", want, errs);
	}
	/* then the values: the syntax errors removed, each remaining line reported */
	len = snprintf(text, sizeof(text), "policy example slice=10\nvm web1 weight=1\n");
	for (i = 8; i < sizeof(bad) / sizeof(bad[0]); i++)
		len += snprintf(text + len, sizeof(text) - len, "%s\n", bad[i].line);
	n = run(text, &c);
	conf_free(&c);
	CHECK(n == 8, "%d errors, want 8 (slice and 7 lines): %s", n, errs);
	CHECK(strstr(errs, "t.conf:1: bad value \"10\" for slice: expected a time"), "%s", errs);
	for (i = 8; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want), "vmsched: t.conf:%zu: %s", i - 5, bad[i].msg);
		CHECK(strstr(errs, want), "missing \"%s\" in:\n%s", want, errs);
	}
	ktap_case_done("bad_lines");
}

static void t_no_policy(void)
{
	struct conf c;

	CHECK(run("# nothing\nvm a weight=1\n", &c) == 1, "%s", errs);
	CHECK(strstr(errs, "vmsched: t.conf: no policy line"), "%s", errs);
	conf_free(&c);
	CHECK(run("policy example weight=3\n", &c) == 1, "%s", errs);
	CHECK(strstr(errs, "t.conf:1: policy example has no global parameter \"weight\" "
		     "(global parameters: slice); it is per-VM: put it on a vm line"), "%s", errs);
	conf_free(&c);
	ktap_case_done("policy_line");
}

/* metrics-textfile and metrics-interval: values, defaults, errors */
static void t_metrics(void)
{
	const char *dflt = CONF_METRICS_DIR "/" CONF_METRICS_FILE;
	bool have_dir = !access(CONF_METRICS_DIR, F_OK);
	const char *p;
	struct conf c;

	CHECK(run("policy none\n", &c) == 0, "%s", errs);
	CHECK(c.metrics_interval_ns == 15000000000ULL, "default interval %llu",
	      (unsigned long long)c.metrics_interval_ns);
	p = conf_metrics_path(&c);
	CHECK(have_dir ? p && !strcmp(p, dflt) : !p, "default path %s (%s %s)", p ? p : "off",
	      CONF_METRICS_DIR, have_dir ? "exists" : "does not exist");
	conf_free(&c);
	CHECK(run("metrics-textfile /run/m/vmsched.prom\npolicy none\nmetrics-interval 60s\n",
		  &c) == 0, "%s", errs);
	p = conf_metrics_path(&c);
	CHECK(p && !strcmp(p, "/run/m/vmsched.prom"), "path %s", p ? p : "off");
	CHECK(c.metrics_interval_ns == 60000000000ULL, "interval %llu",
	      (unsigned long long)c.metrics_interval_ns);
	conf_free(&c);
	CHECK(run("policy none\nmetrics-textfile off # here\nmetrics-interval 20\n", &c) == 0,
	      "%s", errs);
	CHECK(!conf_metrics_path(&c), "off: %s", conf_metrics_path(&c));
	CHECK(c.metrics_interval_ns == 20000000000ULL, "a plain number counts seconds");
	conf_free(&c);
	CHECK(run("policy none\nmetrics-textfile vmsched.prom\nmetrics-textfile /a/b.txt\n"
		  "metrics-interval 500ms\nmetrics-interval 5x\nmetrics-textfile\n"
		  "metrics-interval 1s 2s\nmetrics-textfile /a/.prom\n", &c) == 7, "%s", errs);
	CHECK(strstr(errs, "t.conf:2: metrics-textfile vmsched.prom: an absolute path, or off"),
	      "%s", errs);
	CHECK(strstr(errs, "t.conf:3: a second metrics-textfile line (the first is line 2)"),
	      "%s", errs);
	CHECK(strstr(errs, "t.conf:4: metrics-interval 500ms: at least 1s"), "%s", errs);
	CHECK(strstr(errs, "t.conf:5: a second metrics-interval line"), "%s", errs);
	CHECK(strstr(errs, "t.conf:6: metrics-textfile takes one value (a path ending in .prom, "
		     "or off)"), "%s", errs);
	CHECK(strstr(errs, "t.conf:7: metrics-interval takes one value"), "%s", errs);
	CHECK(strstr(errs, "t.conf:8: a second metrics-textfile"), "%s", errs);
	conf_free(&c);
	CHECK(run("policy none\nmetrics-textfile /a/b.txt\nmetrics-interval 5x\n", &c) == 2,
	      "%s", errs);
	CHECK(strstr(errs, "t.conf:2: metrics-textfile /a/b.txt: the name must end in .prom"),
	      "%s", errs);
	CHECK(strstr(errs, "t.conf:3: metrics-interval 5x: expected a time"), "%s", errs);
	conf_free(&c);
	ktap_case_done("metrics");
}

static void t_files(int argc, char **argv)
{
	struct conf c;
	int i, n;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "r");

		CHECK(f, "cannot open %s", argv[i]);
		if (!f)
			continue;
		n = conf_parse(&c, argv[i], f);
		CHECK(n == 0, "%s: %d errors", argv[i], n);
		conf_free(&c);
		fclose(f);
	}
	ktap_case_done("shipped_files_parse");
}

/* libvirt metadata: <sched KEY="VALUE".../> as a vm line, merged with the file's */
static void t_metadata(void)
{
	static const struct {
		const char *xml, *args, *why;	/* args: space-separated, or why it fails */
	} cases[] = {
		{ "<sched weight=\"300\"/>", "weight=300", NULL },
		{ " <vmsched:sched xmlns:vmsched=\"urn:vmsched:sched:1\" weight='7' cap=\"5%\" />",
		  "weight=7 cap=5%", NULL },
		{ "<sched a=\"x&amp;y&lt;\"></sched>", "a=x&y<", NULL },
		{ "<sched/>", "", NULL },
		{ "<other weight=\"1\"/>", NULL, "element <other>, expected <sched" },
		{ "<sched weight=1/>", NULL, "the value of weight is not quoted" },
		{ "<sched weight=\"\"/>", NULL, "bad value \"\" for weight" },
		{ "<sched weight=\"&nbsp;\"/>", NULL, "bad value \"&nbsp;\" for weight" },
		{ "<sched weight=\"1\" junk/>", NULL, "expected KEY=\"VALUE\" at \"junk/>\"" },
		{ "weight=1", NULL, "not an XML element" },
	};
	struct conf_entry m, merged, file;
	char why[256], args[512];
	struct conf c = { .path = "t" };
	size_t i;
	int ret;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why[0] = '\0';
		ret = meta_parse(cases[i].xml, &m, why, sizeof(why));
		conf_args_str(&m, args, sizeof(args));
		if (cases[i].args)
			CHECK(!ret && !strcmp(args, cases[i].args), "%s: %d \"%s\" %s",
			      cases[i].xml, ret, args, why);
		else
			CHECK(ret == -EINVAL && strstr(why, cases[i].why), "%s: %d, \"%s\"",
			      cases[i].xml, ret, why);
		meta_free(&m);
	}
	/* checked as a vm line; the file's line wins key by key */
	CHECK(!meta_parse("<sched weight=\"300\"/>", &m, why, sizeof(why)) &&
	      !conf_check_entry(&c, &m, &desc) && m.kv[0].value == 300, "weight=300: %s", why);
	meta_merge(NULL, &m, &merged);
	CHECK(merged.nr == 1 && merged.kv[0].value == 300, "metadata alone");
	CHECK(run("policy example\nvm web weight=5\n", &c) == 0, "%s", errs);
	file = *conf_find_vm(&c, "web");
	meta_merge(&file, &m, &merged);
	CHECK(merged.nr == 1 && merged.kv[0].value == 5 && merged.line == 2, "the file wins");
	meta_merge(&file, NULL, &merged);
	CHECK(merged.nr == 1 && merged.kv[0].value == 5, "the file alone");
	conf_free(&c);
	meta_free(&m);
	ktap_case_done("libvirt_metadata");
}

int main(int argc, char **argv)
{
	ktap_plan(7);
	t_good();
	t_none();
	t_bad_lines();
	t_no_policy();
	t_metrics();
	t_metadata();
	t_files(argc, argv);
	return ktap_finish();
}
