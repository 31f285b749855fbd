#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Checks of "vmsched metrics" output beyond what promtool's lint does:
#   - each family's samples follow its HELP and TYPE lines, in one block,
#     and no family is declared twice
#   - counters end in _total; seconds are never negative
#   - a summary's quantiles rise with the quantile (NaN only all together)
#     and each label set has its _count
#   - a histogram's buckets of a label set are cumulative: their counts do
#     not fall as le rises, the last is le="+Inf" and equals _count, and
#     _sum is there
#   - with PREV (an earlier output): no counter, no _count, no histogram's
#     _bucket or _sum went back for a series present in both
#
#   metrics_check.py FILE [PREV]      exit 1 and one line per problem
import math
import re
import sys

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')


def labels(text):
    out, pos = [], 0
    while pos < len(text):
        m = LABEL.match(text, pos)
        if not m:
            raise ValueError('bad labels: ' + text)
        out.append((m.group(1), m.group(2)))
        pos = m.end()
    return tuple(out)


def parse(path, errs):
    """{(name, labels): value}, {family: type}"""
    series, types, done, cur = {}, {}, set(), None
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if line.startswith('# TYPE '):
                _, _, fam, typ = line.split(' ', 3)
                if fam in types:
                    errs.append(f'{path}:{n}: {fam} declared twice')
                types[fam] = typ
                if cur:
                    done.add(cur)
                cur = fam
                continue
            if line.startswith('#') or not line:
                continue
            m = SAMPLE.match(line)
            if not m:
                errs.append(f'{path}:{n}: not a sample: {line}')
                continue
            name, lab, val = m.group(1), labels(m.group(2) or ''), float(m.group(3))
            fam = name
            if types.get(cur) in ('summary', 'histogram'):
                for suf in ('_count', '_sum', '_bucket'):
                    if name == cur + suf:
                        fam = cur
            if fam != cur:
                errs.append(f'{path}:{n}: {name} outside its family block ({cur})')
            if types.get(cur) == 'counter' and not cur.endswith('_total'):
                errs.append(f'{path}:{n}: counter {cur} does not end in _total')
            if '_seconds' in name and val < 0:
                errs.append(f'{path}:{n}: negative seconds')
            if (name, lab) in series:
                errs.append(f'{path}:{n}: {name}{dict(lab)} twice')
            series[(name, lab)] = val
    return series, types


def check_summaries(series, types, errs):
    groups = {}
    for (name, lab), val in series.items():
        if types.get(name) != 'summary':
            continue
        q = dict(lab).pop('quantile')
        rest = tuple(kv for kv in lab if kv[0] != 'quantile')
        groups.setdefault((name, rest), []).append((float(q), val))
    for (name, rest), qs in groups.items():
        qs.sort()
        vals = [v for _, v in qs]
        nans = [math.isnan(v) for v in vals]
        if any(nans) and not all(nans):
            errs.append(f'{name}{dict(rest)}: some quantiles NaN, not all')
        elif not any(nans) and vals != sorted(vals):
            errs.append(f'{name}{dict(rest)}: quantiles {qs} do not rise')
        if (name + '_count', rest) not in series:
            errs.append(f'{name}{dict(rest)}: no _count')


def check_histograms(series, types, errs):
    groups = {}
    for (name, lab), val in series.items():
        fam = name[:-len('_bucket')]
        if not name.endswith('_bucket') or types.get(fam) != 'histogram':
            continue
        le = dict(lab).get('le')
        if le is None:
            errs.append(f'{name}{dict(lab)}: no le')
            continue
        rest = tuple(kv for kv in lab if kv[0] != 'le')
        groups.setdefault((fam, rest), []).append((float(le), val))
    for (fam, rest), bs in groups.items():
        bs.sort()
        falls = [(a, b) for a, b in zip(bs, bs[1:]) if b[1] < a[1]]
        if falls:
            (le0, n0), (le1, n1) = falls[0]
            errs.append(f'{fam}{dict(rest)}: not cumulative: le={le0} has {n0}, '
                        f'le={le1} {n1}')
        if not math.isinf(bs[-1][0]):
            errs.append(f'{fam}{dict(rest)}: no le="+Inf" bucket')
        elif series.get((fam + '_count', rest)) != bs[-1][1]:
            errs.append(f'{fam}{dict(rest)}: +Inf bucket {bs[-1][1]} is not _count '
                        f'{series.get((fam + "_count", rest))}')
        if (fam + '_sum', rest) not in series:
            errs.append(f'{fam}{dict(rest)}: no _sum')


def monotonic(name, types):
    if types.get(name) == 'counter' or name.endswith('_count'):
        return True
    for suf in ('_bucket', '_sum'):
        if name.endswith(suf) and types.get(name[:-len(suf)]) == 'histogram':
            return True
    return False


def main():
    errs = []
    cur, types = parse(sys.argv[1], errs)
    check_summaries(cur, types, errs)
    check_histograms(cur, types, errs)
    if len(sys.argv) > 2:
        prev, _ = parse(sys.argv[2], errs)
        for key, val in cur.items():
            name = key[0]
            if monotonic(name, types) and key in prev and val < prev[key]:
                errs.append(f'{name}{dict(key[1])}: {prev[key]} then {val}: went back')
    for e in errs:
        print(e)
    print(f'# {len(cur)} series, {len(types)} families, {len(errs)} problems')
    return 1 if errs else 0


if __name__ == '__main__':
    sys.exit(main())
