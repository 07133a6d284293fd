#!/usr/bin/env python3
"""Tabulates scripts/experiments/lstm_dropout.sh OUT as markdown: per kind (digital, analog) and dropout, the final
test top-1, the best epoch's test top-1 and the final training accuracy (mean and std over the seeds that
finished, their number in brackets); the gap between training accuracy and test top-1 is what dropout is meant to
close.

  scripts/experiments/lstm_dropout_table.py OUT
"""
import glob
import json
import os
import re
import sys

from table_stats import mean_std_count as cell


def main(out):
    runs = {}
    for path in sorted(glob.glob(os.path.join(out, "*-dropout-*-seed-*.json"))):
        kind, p, seed = re.match(r"(\w+)-dropout-([\d.]+)-seed-(\d+)\.json$", os.path.basename(path)).groups()
        curve = json.load(open(path))["curve"]
        entry = runs.setdefault((kind, float(p)), {"test": [], "best": [], "train": []})
        entry["test"].append(curve[-1]["test_top1"])
        entry["best"].append(max(c["test_top1"] for c in curve))
        entry["train"].append(curve[-1]["train_accuracy"])
    print("| kind | dropout | test top-1 (last epoch) | test top-1 (best epoch) | training accuracy (last epoch) |")
    print("|---|---|---|---|---|")
    for (kind, p), entry in sorted(runs.items()):
        print(f"| {kind} | {p:g} | {cell(entry['test'])} | {cell(entry['best'])} | {cell(entry['train'])} |")


if __name__ == "__main__":
    main(sys.argv[1])
