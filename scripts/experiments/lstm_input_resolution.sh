#!/bin/bash
# Issue 18's input-resolution experiment (docs/analog-training.md, "The LSTM on pulsed arrays"): the zoo LSTM
# (Fashion-MNIST rows, 28 steps of 28 pixels, 128 hidden) trained with the RPU scheme against the DAC's bits (every
# training read's inputs, forward and transposed), with and without the DAC's stochastic rounding, over seeds, on
# CHIP: hermes64 (its symmetric soft-bounds training devices and periphery) or ideal (a constant-step device
# without spread and ideal periphery, but with the DAC quantising). Each run's JSON summary goes to
# OUT/bits-B-sr-R-seed-S.json (hermes64) or OUT/CHIP-bits-B-sr-R-seed-S.json and its progress to .log; resumable:
# a finished run is skipped, an unfinished one resumes from its checkpoint (written after every epoch).
# scripts/experiments/lstm_input_resolution_table.py OUT tabulates the results.
#   scripts/experiments/lstm_input_resolution.sh OUT
#   environment: IMCSIM (build/apps/imcsim), CHIP (hermes64), BITS (3 4 5 6 7 8), ROUNDING (false true),
#                SEEDS (1 2 3), EPOCHS (2), BATCH (10), LR (0.01), BL (31), THREADS (2), TRAIN_IMAGES (0: all)
set -euo pipefail
# shellcheck source=scripts/experiments/lstm_defaults.sh
source "$(dirname "$0")/lstm_defaults.sh"
OUT=${1:?OUT directory}
CHIP=${CHIP:-hermes64}
BITS=${BITS:-3 4 5 6 7 8}
ROUNDING=${ROUNDING:-false true}
mkdir -p "$OUT"
prefix=""
chip_flags=(--chip "$CHIP")
if [ "$CHIP" != hermes64 ]; then
  prefix="$CHIP-"
  chip_flags+=(--set dac.quantise=true)
fi
for seed in $SEEDS; do
  for bits in $BITS; do
    for rounding in $ROUNDING; do
      run=$OUT/${prefix}bits-$bits-sr-$rounding-seed-$seed
      [ -f "$run.json" ] && continue
      "$IMCSIM" train --analog "${chip_flags[@]}" --model lstm --epochs "$EPOCHS" --batch "$BATCH" --lr "$LR" \
        --threads "$THREADS" --train-images "$TRAIN_IMAGES" --pulse-length "$BL" --update-management --bl-management \
        --set dac.bits="$bits" --set dac.stochastic_rounding="$rounding" --seed "$seed" \
        --checkpoint "$run.ckpt" --out "$run.onnx" > "$run.json.partial" 2> "$run.log"
      mv "$run.json.partial" "$run.json"
    done
  done
done
