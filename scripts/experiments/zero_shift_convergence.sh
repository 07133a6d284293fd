#!/bin/bash
# Issue 17's zero-shifting measurement (docs/devices.md, "Zero-shifting convergence"): how close zero-shifting by
# pulsing gets to the analytic symmetry points, for hermes64's training device (aihwkit's soft bounds: dw_min
# 0.001, bounds +-0.6, d2d 0.3 of the step and the bounds, 0.01 of up_down) at two imbalances, with and without
# its 30 % c2c spread, over the pulse pairs of PAIRS and seeds 1 2 3, 65,536 devices each (imcsim device
# --zero-shift-pairs). Each run's JSON is kept in OUT/runs (a run whose file exists is not repeated), and
# OUT/zero_shift.csv has one row a run with its wall time; scripts/experiments/zero_shift_table.py OUT/zero_shift.csv
# tabulates it.
#   scripts/experiments/zero_shift_convergence.sh OUT
#   environment: IMCSIM (build/apps/imcsim), PAIRS (500 1000 2000 5000 10000 20000 50000), C2C (0 0.3),
#                UP_DOWN (0.176 0.4), SEEDS (1 2 3), SAMPLES (65536), THREADS (nproc)
set -euo pipefail
IMCSIM=${IMCSIM:-build/apps/imcsim}
OUT=${1:?OUT directory}
PAIRS=${PAIRS:-500 1000 2000 5000 10000 20000 50000}
C2C=${C2C:-0 0.3}
UP_DOWN=${UP_DOWN:-0.176 0.4}
SEEDS=${SEEDS:-1 2 3}
SAMPLES=${SAMPLES:-65536}
THREADS=${THREADS:-$(nproc)}
DEVICE=(--model soft-bounds --dw-min 0.001 --w-max 0.6 --w-min -0.6 --dw-min-dtod 0.3 --up-down-dtod 0.01
        --w-bounds-dtod 0.3)
FIELDS=(pulse_pairs seed devices immobile_devices within_one_dw_min error_median_dw_min error_p95_dw_min
        error_max_dw_min within_one_own_step error_median_own_steps error_p95_own_steps analytic_abs_mean)
# csv_row JSON C2C UP_DOWN WALL_S: the CSV row of one run (a JSON null, a statistic of no devices, as nan).
csv_row() {
  python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(",".join(sys.argv[2:5] + ["nan" if j[f] is None else str(j[f]) for f in sys.argv[5:]]))' "$@" "${FIELDS[@]}"
}
mkdir -p "$OUT/runs"
csv=$OUT/zero_shift.csv
(IFS=,; echo "c2c,up_down,wall_s,${FIELDS[*]}") > "$csv"
for up_down in $UP_DOWN; do
  for c2c in $C2C; do
    for pairs in $PAIRS; do
      for seed in $SEEDS; do
        run=$OUT/runs/pairs-$pairs-c2c-$c2c-up-down-$up_down-seed-$seed
        if [ ! -f "$run.json" ]; then
          start=$(date +%s.%N)
          "$IMCSIM" device "${DEVICE[@]}" --up-down "$up_down" --dw-min-std "$c2c" --samples "$SAMPLES" --seed "$seed" \
            --zero-shift-pairs "$pairs" --threads "$THREADS" > "$run.json.part"
          echo "$start $(date +%s.%N)" | awk '{printf "%.2f\n", $2 - $1}' > "$run.wall_s"
          mv "$run.json.part" "$run.json"
        fi
        csv_row "$run.json" "$c2c" "$up_down" "$(cat "$run.wall_s")" >> "$csv"
      done
    done
  done
done
