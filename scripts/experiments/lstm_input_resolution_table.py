#!/usr/bin/env python3
"""Tabulates scripts/experiments/lstm_input_resolution.sh OUT as markdown: per chip, DAC bits and stochastic
rounding, the final test top-1 (mean and std over the seeds that finished), the seeds, and the wall time per run.

  scripts/experiments/lstm_input_resolution_table.py OUT
"""
import glob
import json
import os
import re
import statistics
import sys

from table_stats import mean_std


def main(out):
    runs = {}
    for path in sorted(glob.glob(os.path.join(out, "*bits-*-sr-*-seed-*.json"))):
        chip, bits, rounding, seed = re.match(r"(?:(\w+)-)?bits-(\d+)-sr-(\w+)-seed-(\d+)\.json$",
                                              os.path.basename(path)).groups()
        runs.setdefault((chip or "hermes64", int(bits), rounding), {})[int(seed)] = json.load(open(path))
    print("| chip | DAC bits | stochastic rounding | seeds | test top-1 (last epoch) | s per run |")
    print("|---|---|---|---|---|---|")
    for (chip, bits, rounding), by_seed in sorted(runs.items()):
        seeds = sorted(by_seed)
        top1 = [by_seed[s]["curve"][-1]["test_top1"] for s in seeds]
        seconds = statistics.mean(by_seed[s]["seconds"] for s in seeds)
        print(f"| {chip} | {bits} | {rounding} | {','.join(map(str, seeds))} | {mean_std(top1)} | {seconds:.0f} |")


if __name__ == "__main__":
    main(sys.argv[1])
