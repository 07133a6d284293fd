#!/usr/bin/env python3
"""Tabulates scripts/experiments/analog_training.sh OUT as markdown: per run kind, the final test top-1 (mean and
std over seeds), the best epoch's, the wall time per epoch, and the learning curves (mean test top-1 per epoch).

  scripts/experiments/analog_training_table.py OUT
"""
import glob
import json
import os
import re
import statistics
import sys

from table_stats import mean_std

ORDER = ["fp32", "balanced", "imbalanced", "imbalanced-zs", "imbalanced-zs-formula", "strong", "strong-zs"]


def main(out):
    runs = {}
    for path in sorted(glob.glob(os.path.join(out, "*-seed-*.json"))):
        name, seed = re.match(r"(.*)-seed-(\d+)\.json$", os.path.basename(path)).groups()
        runs.setdefault(name, {})[int(seed)] = json.load(open(path))
    names = [n for n in ORDER if n in runs] + sorted(n for n in runs if n not in ORDER)
    print("| run | up_down | zero-shift | seeds | test top-1 (last epoch) | best epoch's | s per epoch |")
    print("|---|---|---|---|---|---|---|")
    for name in names:
        seeds = sorted(runs[name])
        r0 = runs[name][seeds[0]]
        last = [runs[name][s]["curve"][-1]["test_top1"] for s in seeds]
        best = [max(e["test_top1"] for e in runs[name][s]["curve"]) for s in seeds]
        per_epoch = [runs[name][s].get("seconds", runs[name][s].get("train_seconds", 0)) / len(runs[name][s]["curve"])
                     for s in seeds]
        up_down = r0.get("device", {}).get("up_down", "-")
        up_down = f"{up_down:.3g}" if isinstance(up_down, float) else up_down
        print(f"| {name} | {up_down} | {r0.get('zero_shift', '-')} | {','.join(map(str, seeds))} | "
              f"{mean_std(last)} | {mean_std(best)} | {statistics.mean(per_epoch):.0f} |")
    print()
    epochs = max(len(r["curve"]) for n in names for r in runs[n].values())
    print("| run | " + " | ".join(f"epoch {e + 1}" for e in range(epochs)) + " |")
    print("|---|" + "---|" * epochs)
    for name in names:
        cells = []
        for e in range(epochs):
            values = [r["curve"][e]["test_top1"] for r in runs[name].values() if len(r["curve"]) > e]
            cells.append(f"{statistics.mean(values):.4f}" if values else "")
        print(f"| {name} | " + " | ".join(cells) + " |")
    errors = [(n, r["symmetry_point_error"]) for n in names for r in runs[n].values() if r.get("symmetry_point_error")]
    if errors:
        print()
        print("| run | devices | median error (dw_min) | 95th percentile (dw_min) |")
        print("|---|---|---|---|")
        for name, e in errors:
            print(f"| {name} | {e['devices']} | {e['median_dw_min']:.3f} | {e['p95_dw_min']:.3f} |")


if __name__ == "__main__":
    main(sys.argv[1])
