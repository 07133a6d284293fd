#!/usr/bin/env python3
"""Tabulates scripts/experiments/lstm_asymmetry.sh OUT as markdown: per model and up_down, the final test top-1
without and with zero-shifting (mean and std over the seeds that finished, their number in brackets), and each
model's loss against its own symmetric (up_down 0) run.

  scripts/experiments/lstm_asymmetry_table.py OUT
"""
import glob
import json
import os
import re
import statistics
import sys

from table_stats import mean_std_count as cell


def main(out):
    runs = {}
    pattern = r"(\w+)-up-down-([\d.]+)-zs-(on|off)-seed-(\d+)\.json$"
    for path in sorted(glob.glob(os.path.join(out, "*-up-down-*-zs-*-seed-*.json"))):
        model, up_down, zs, seed = re.match(pattern, os.path.basename(path)).groups()
        top1 = json.load(open(path))["curve"][-1]["test_top1"]
        runs.setdefault((model, float(up_down)), {}).setdefault(zs, []).append(top1)
    print("| model | up_down | top-1, no zero-shift | top-1, zero-shift | loss against up_down 0 (no zero-shift) |")
    print("|---|---|---|---|---|")
    for (model, up_down), by_zs in sorted(runs.items()):
        base = runs.get((model, 0.0), {}).get("off", [])
        off = by_zs.get("off", [])
        loss = f"{statistics.mean(base) - statistics.mean(off):+.4f}" if base and off else "-"
        print(f"| {model} | {up_down:g} | {cell(off)} | {cell(by_zs.get('on', []))} | {loss} |")


if __name__ == "__main__":
    main(sys.argv[1])
