#!/usr/bin/env python3
"""Markdown tables of issue 19's experiments (docs/rla.md) from the JSON files `imcsim rla` wrote.

Usage: rla_tables.py svd DIR           the rank-k errors of every variant (DIR/rla-svd.json)
       rla_tables.py stress DIR        the stress sweep (DIR/NAME/{omega,a}/rla-svd.json)
       rla_tables.py cost DIR          the cost of every variant of DIR/rla-svd.json
       rla_tables.py pca DIR / lstsq DIR
"""
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(__file__))
from table_stats import mean_std  # noqa: E402


def load(path):
    with open(path) as f:
        return json.load(f)


def results(j):
    return {(r["variant"], r["rank"], r["power_iterations"]): r for r in j["results"]}


def svd_table(d):
    j = load(os.path.join(d, "rla-svd.json"))
    r = results(j)
    ranks, qs = j["options"]["ranks"], j["options"]["power_iterations"]
    variants = [v for v in ("digital", "omega", "a") if any(k[0] == v for k in r)]
    print("| k | exact | " + " | ".join(f"{v} q={q}" for v in variants for q in qs) + " |")
    print("|---|---|" + "---|" * (len(variants) * len(qs)))
    for k in ranks:
        cells = [f"{r[('exact', k, None)]['error_mean']:.4f}" if ("exact", k, None) in r else "-"]
        for v in variants:
            for q in qs:
                x = r[(v, k, q)]
                cell = mean_std(x["errors"])
                if v != "digital":
                    cell += f" ({100 * statistics.mean(x['relative_to_digital']):+.2f} %)"
                cells.append(cell)
        print(f"| {k} | " + " | ".join(cells) + " |")


def stress_table(d):
    print("| stressor | omega: max over k, q of mean rel. diff. to digital | omega: worst seed | "
          "a (4,096 rows): rel. excess error k=10/20/50/100, q=0 | q=2 |")
    print("|---|---|---|---|---|")
    for name in sorted(os.listdir(d)):
        row = [name]
        omega = os.path.join(d, name, "omega", "rla-svd.json")
        if os.path.exists(omega):
            r = [x for x in load(omega)["results"] if x["variant"] == "omega"]
            row.append(f"{100 * max(abs(statistics.mean(x['relative_to_digital'])) for x in r):.2f} %")
            row.append(f"{100 * max(max(abs(v) for v in x['relative_to_digital']) for x in r):.2f} %")
        else:
            row += ["-", "-"]
        a = os.path.join(d, name, "a", "rla-svd.json")
        if os.path.exists(a):
            r = {(x["rank"], x["power_iterations"]): x for x in load(a)["results"] if x["variant"] == "a"}
            for q in (0, 2):
                row.append(" / ".join(f"{100 * statistics.mean(r[(k, q)]['relative_to_digital']):+.1f} %"
                                      for k in (10, 20, 50, 100)))
        else:
            row += ["-", "-"]
        print("| " + " | ".join(row) + " |")


def cost_table(d):
    j = load(os.path.join(d, "rla-svd.json"))
    print("| variant | k | q | chip time ms | energy mJ (static) | programming ms, mJ | digital baseline ms, mJ |"
          " time ratio | energy ratio | dynamic energy ratio | with programming |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for x in j["results"]:
        if x["variant"] in ("digital",) or "baseline" not in x:
            continue
        c, b = x["cost"], x["baseline"]
        static = c["reads"]["energy_breakdown_uj"].get("static", 0.0)
        e, be = c["total"]["energy_uj"], b["total"]["energy_uj"]
        print(f"| {x['variant']} | {x['rank']} | {x['power_iterations'] if x['power_iterations'] is not None else '-'} | "
              f"{c['total']['time_ns'] * 1e-6:.3f} | {e * 1e-3:.3f} ({static * 1e-3:.3f}) | "
              f"{c['programming']['time_ns'] * 1e-6:.2f}, {c['programming']['energy_uj'] * 1e-3:.2f} | "
              f"{b['total']['time_ns'] * 1e-6:.3f}, {be * 1e-3:.3f} | {c['total']['time_ns'] / b['total']['time_ns']:.2f} | "
              f"{e / be:.2f} | {(e - static) / be:.2f} | "
              f"{c['total']['energy_with_programming_uj'] / be:.2f} |")


def generic_table(path, name):
    j = load(path)
    for t in j["tables"]:
        if t["name"] != name:
            continue
        print("| " + " | ".join(t["columns"]) + " |")
        print("|" + "---|" * len(t["columns"]))
        for row in t["rows"]:
            print("| " + " | ".join("-" if v is None else (f"{v:.4g}" if isinstance(v, float) else str(v)) for v in row) + " |")


if __name__ == "__main__":
    kind, d = sys.argv[1], sys.argv[2]
    if kind == "svd":
        svd_table(d)
    elif kind == "stress":
        stress_table(d)
    elif kind == "cost":
        cost_table(d)
    else:
        for t in ("accuracy", "residuals", "cost"):
            generic_table(os.path.join(d, f"rla-{kind}.json"), t)
            print()
