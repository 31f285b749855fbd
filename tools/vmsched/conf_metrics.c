// SPDX-License-Identifier: GPL-2.0
/*
 * The metrics lines of /etc/vmsched.conf, for apply --follow:
 *
 *   metrics-textfile PATH|off    where to write "vmsched metrics"
 *   metrics-interval TIME        how often (default 15s, at least 1s)
 *
 * Without a metrics-textfile line the metrics go to the Debian node
 * exporter's textfile directory if it exists, and nowhere otherwise.
 */
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"
#include "main.h"
#include "units.h"

void conf_metrics_init(struct conf *c)
{
	c->metrics_interval_ns = CONF_METRICS_INTERVAL;
}

static int set_textfile(struct conf *c, unsigned int line, const char *v)
{
	size_t len = strlen(v);

	if (!strcmp(v, "off"))
		return 0;
	if (v[0] != '/') {
		conf_err(c, line, "metrics-textfile %s: an absolute path, or off", v);
		return 1;
	}
	if (len < 6 || strcmp(v + len - 5, ".prom")) {
		conf_err(c, line, "metrics-textfile %s: the name must end in .prom (the node "
			 "exporter's textfile collector reads only those)", v);
		return 1;
	}
	if (len + sizeof(".XXXXXX") > sizeof(c->metrics_path)) {
		conf_err(c, line, "metrics-textfile: the path is too long");
		return 1;
	}
	memcpy(c->metrics_path, v, len + 1);
	return 0;
}

static int set_interval(struct conf *c, unsigned int line, const char *v)
{
	if (parse_time_default(v, NSEC_PER_SEC, &c->metrics_interval_ns)) {
		conf_err(c, line, "metrics-interval %s: expected a time (15s; a plain number counts seconds)", v);
		return 1;
	}
	if (c->metrics_interval_ns < NSEC_PER_SEC) {
		conf_err(c, line, "metrics-interval %s: at least 1s", v);
		return 1;
	}
	return 0;
}

int conf_metrics_line(struct conf *c, unsigned int line, char **w, int n)
{
	bool file = !strcmp(w[0], "metrics-textfile");
	unsigned int *seen = file ? &c->metrics_line : &c->interval_line;

	if (n != 2) {
		conf_err(c, line, "%s takes one value (%s)", w[0],
			 file ? "a path ending in .prom, or off" : "a time, e.g. 15s");
		return 1;
	}
	if (*seen) {
		conf_err(c, line, "a second %s line (the first is line %u)", w[0], *seen);
		return 1;
	}
	*seen = line;
	return file ? set_textfile(c, line, w[1]) : set_interval(c, line, w[1]);
}

const char *conf_metrics_path(const struct conf *c)
{
	struct stat st;

	if (c->metrics_line)
		return c->metrics_path[0] ? c->metrics_path : NULL;
	if (!stat(CONF_METRICS_DIR, &st) && S_ISDIR(st.st_mode))
		return CONF_METRICS_DIR "/" CONF_METRICS_FILE;
	return NULL;
}
