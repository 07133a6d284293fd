#!/usr/bin/env python3
"""Tabulates scripts/experiments/calibration.sh's results (docs/calibration.md, "Results").

Reads OUT/NAME/results.csv for every sweep NAME = MODEL-BITS-METHOD-OBJECTIVE-MODE-at-T[-seed-S] and prints one
markdown row per MODEL-BITS-METHOD-OBJECTIVE-MODE-at-T: the top-1 mean and sample std over the chip seeds at each
drift time, and the latency and energy per inference of the timed run (the mean over the seeds).
    scripts/experiments/calibration_table.py OUT
"""
import csv
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path

NAME = re.compile(r"^(?P<model>.+)-(?P<bits>\d+)-(?P<method>dac|columns|both)-(?P<objective>mse|loss)-"
                  r"(?P<mode>offline|on-chip)-at-(?P<at>\w+?)(-seed-\d+)?$")
TIMES = ["1h", "1d", "1y"]


def main(out):
    groups = defaultdict(list)
    for results in sorted(Path(out).glob("*/results.csv")):
        m = NAME.match(results.parent.name)
        if not m:
            continue
        key = (m["model"], int(m["bits"]), m["method"], m["objective"], m["mode"], m["at"])
        with open(results) as f:
            groups[key] += [row for row in csv.DictReader(f) if row["status"] == "ok"]
    print("| model | DAC/ADC bits | method | objective | mode | calibrated at | seeds | top-1 1 h | top-1 1 day |"
          " top-1 1 year | latency ns | energy uJ |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for key in sorted(groups, key=lambda k: (k[0], -k[1], k[4], k[5], k[3], ["dac", "columns", "both"].index(k[2]))):
        rows = groups[key]
        cells = []
        for t in TIMES:
            values = [float(r[f"accuracy_{t}"]) for r in rows if r.get(f"accuracy_{t}")]
            if not values:
                cells.append("")
            elif len(values) == 1:
                cells.append(f"{values[0]:.4f}")
            else:
                cells.append(f"{statistics.mean(values):.4f} ± {statistics.stdev(values):.4f}")
        latency = statistics.mean(float(r["latency_ns"]) for r in rows)
        energy = statistics.mean(float(r["energy_uj"]) for r in rows)
        model, bits, method, objective, mode, at = key
        print(f"| {model} | {bits} | {method} | {objective} | {mode} | {at} | {len(rows)} | " + " | ".join(cells) +
              f" | {latency:.0f} | {energy:.2f} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: calibration_table.py OUT")
    main(sys.argv[1])
