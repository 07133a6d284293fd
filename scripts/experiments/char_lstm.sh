#!/bin/bash
# Issue 18's language-model experiment (docs/analog-training.md, "The char-LSTM on pulsed arrays"): the char-lstm
# (two stacked LSTMs of 64 units, a per-step dense layer; sequences of 100 characters of the fortunes corpus,
# docs/text-corpus.md) trained in FP32 (SGD at the analog runs' constant learning rate) and on CHIP's pulsed arrays
# (the RPU scheme, UM + BLM) against the DAC's bits, with and without the DAC's stochastic rounding, over seeds.
# CHIP: ideal (a constant-step device without spread and ideal periphery, the DAC quantising) or hermes64 (its
# soft-bounds training devices and periphery). Scored in bits per character on the whole test split. Each run's
# JSON summary goes to OUT/fp32-seed-S.json or OUT/CHIP-bits-B-sr-R-seed-S.json and its progress to .log;
# resumable: a finished run is skipped, an unfinished analog one resumes from its checkpoint (written after every
# epoch). scripts/experiments/char_lstm_table.py OUT tabulates the results.
#   scripts/experiments/char_lstm.sh OUT
#   environment: IMCSIM (build/apps/imcsim), CHIP (ideal), BITS (5 7), ROUNDING (false true), FP32 (yes),
#                SEEDS (1 2), EPOCHS (1), BATCH (10), LR (0.01), BL (31), THREADS (2), TRAIN_SEQUENCES (0: all)
set -euo pipefail
SEEDS=${SEEDS:-1 2}
EPOCHS=${EPOCHS:-1}
# shellcheck source=scripts/experiments/lstm_defaults.sh
source "$(dirname "$0")/lstm_defaults.sh"
OUT=${1:?OUT directory}
CHIP=${CHIP:-ideal}
BITS=${BITS:-5 7}
ROUNDING=${ROUNDING:-false true}
FP32=${FP32:-yes}
TRAIN_SEQUENCES=${TRAIN_SEQUENCES:-0}
mkdir -p "$OUT"
chip_flags=(--chip "$CHIP")
[ "$CHIP" != hermes64 ] && chip_flags+=(--set dac.quantise=true)
common=(--model char-lstm --epochs "$EPOCHS" --batch "$BATCH" --lr "$LR" --threads "$THREADS"
        --train-sequences "$TRAIN_SEQUENCES")
for seed in $SEEDS; do
  run=$OUT/fp32-seed-$seed
  if [ "$FP32" = yes ] && [ ! -f "$run.json" ]; then
    "$IMCSIM" train "${common[@]}" --optimizer sgd --momentum 0 --schedule constant --seed "$seed" \
      --out "$run.onnx" > "$run.json.partial" 2> "$run.log"
    mv "$run.json.partial" "$run.json"
  fi
  for bits in $BITS; do
    for rounding in $ROUNDING; do
      run=$OUT/$CHIP-bits-$bits-sr-$rounding-seed-$seed
      [ -f "$run.json" ] && continue
      "$IMCSIM" train --analog "${chip_flags[@]}" "${common[@]}" --pulse-length "$BL" --update-management \
        --bl-management --set dac.bits="$bits" --set dac.stochastic_rounding="$rounding" --seed "$seed" \
        --checkpoint "$run.ckpt" --out "$run.onnx" > "$run.json.partial" 2> "$run.log"
      mv "$run.json.partial" "$run.json"
    done
  done
done
