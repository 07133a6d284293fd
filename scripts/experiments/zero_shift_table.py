#!/usr/bin/env python3
"""Tabulates scripts/experiments/zero_shift_convergence.sh's CSV (docs/devices.md, "Zero-shifting convergence").

One markdown row per up_down, c2c and pulse pairs: the mean and sample std over the seeds of the fraction of
devices within one dw_min of their analytic symmetry point, the error's median, 95th percentile and maximum (in
dw_min), the fraction within one of the device's own step and the 95th percentile in own steps; then the total
wall time of the runs.
    scripts/experiments/zero_shift_table.py OUT/zero_shift.csv
"""
import csv
import statistics
import sys
from collections import defaultdict

COLUMNS = [("within_one_dw_min", "within 1 dw_min", 4), ("error_median_dw_min", "median", 2),
           ("error_p95_dw_min", "p95", 2), ("error_max_dw_min", "max", 1),
           ("within_one_own_step", "within 1 own step", 4), ("error_p95_own_steps", "p95 (own steps)", 2)]


def cell(values, digits):
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{statistics.mean(values):.{digits}f} ± {statistics.stdev(values):.{digits}f}"


def main(path):
    groups = defaultdict(list)
    with open(path) as f:
        for row in csv.DictReader(f):
            groups[(float(row["up_down"]), float(row["c2c"]), int(row["pulse_pairs"]))].append(row)
    print("| up_down | c2c | pulse pairs | seeds | " + " | ".join(title for _, title, _ in COLUMNS) + " |")
    print("|---|---|---|---|" + "---|" * len(COLUMNS))
    for key in sorted(groups):
        rows = groups[key]
        cells = [cell([float(r[field]) for r in rows], digits) for field, _, digits in COLUMNS]
        print(f"| {key[0]:g} | {key[1]:g} | {key[2]} | {len(rows)} | " + " | ".join(cells) + " |")
    wall_s = sum(float(r["wall_s"]) for rows in groups.values() for r in rows)
    print(f"\nwall time of the {sum(map(len, groups.values()))} runs: {wall_s:.0f} s")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: zero_shift_table.py OUT/zero_shift.csv")
    main(sys.argv[1])
