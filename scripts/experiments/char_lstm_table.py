#!/usr/bin/env python3
"""Tabulates scripts/experiments/char_lstm.sh OUT as markdown: per configuration (FP32, or chip, DAC bits and
stochastic rounding) the final test bits per character (mean and std over the seeds that finished), the seeds,
the epochs, and the wall time per run.

  scripts/experiments/char_lstm_table.py OUT
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
    for path in sorted(glob.glob(os.path.join(out, "*seed-*.json"))):
        name = os.path.basename(path)
        fp32 = re.match(r"fp32-seed-(\d+)\.json$", name)
        if fp32:
            key, seed = ("FP32 (SGD)", "-", "-"), fp32.group(1)
        else:
            chip, bits, rounding, seed = re.match(r"(\w+)-bits-(\d+)-sr-(\w+)-seed-(\d+)\.json$", name).groups()
            key = (chip, int(bits), rounding)
        runs.setdefault(key, {})[int(seed)] = json.load(open(path))
    print("| chip | DAC bits | stochastic rounding | seeds | epochs | test bits/char (last epoch) | s per run |")
    print("|---|---|---|---|---|---|---|")
    for key, by_seed in sorted(runs.items(), key=lambda kv: tuple(map(str, kv[0]))):
        seeds = sorted(by_seed)
        bits = [by_seed[s]["curve"][-1]["test_bits_per_char"] for s in seeds]
        seconds = statistics.mean(by_seed[s].get("seconds", by_seed[s].get("train_seconds", 0)) for s in seeds)
        epochs = by_seed[seeds[0]]["epochs"]
        print(f"| {key[0]} | {key[1]} | {key[2]} | {','.join(map(str, seeds))} | {epochs} | "
              f"{mean_std(bits, 3)} | {seconds:.0f} |")


if __name__ == "__main__":
    main(sys.argv[1])
