#!/bin/bash
# Issue 18's asymmetry experiment (docs/analog-training.md, "The LSTM on pulsed arrays"): the zoo LSTM (Fashion-MNIST
# rows) and, next to it, the MLP of the analog-training experiment, trained on hermes64's soft-bounds training
# devices with up/down asymmetry UP_DOWN, without and with zero-shifting, over seeds. Each run's JSON summary goes
# to OUT/MODEL-up-down-U-zs-Z-seed-S.json and its progress to .log; resumable: a finished run is skipped, an
# unfinished one resumes from its checkpoint (written after every epoch).
# scripts/experiments/lstm_asymmetry_table.py OUT tabulates the results.
#   scripts/experiments/lstm_asymmetry.sh OUT
#   environment: IMCSIM (build/apps/imcsim), MODELS (lstm mlp), UP_DOWN (0 0.01 0.02 0.05 0.1 0.2),
#                ZERO_SHIFT (off on), SEEDS (1 2 3), EPOCHS (2), BATCH (10), LR (0.01), BL (31), THREADS (2),
#                TRAIN_IMAGES (0: all)
set -euo pipefail
# shellcheck source=scripts/experiments/lstm_defaults.sh
source "$(dirname "$0")/lstm_defaults.sh"
OUT=${1:?OUT directory}
MODELS=${MODELS:-lstm mlp}
UP_DOWN=${UP_DOWN:-0 0.01 0.02 0.05 0.1 0.2}
ZERO_SHIFT=${ZERO_SHIFT:-off on}
mkdir -p "$OUT"
for seed in $SEEDS; do
  for model in $MODELS; do
    for up_down in $UP_DOWN; do
      for zs in $ZERO_SHIFT; do
        run=$OUT/$model-up-down-$up_down-zs-$zs-seed-$seed
        [ -f "$run.json" ] && continue
        flags=()
        [ "$zs" = on ] && flags+=(--zero-shift)
        "$IMCSIM" train --analog --chip hermes64 --model "$model" --epochs "$EPOCHS" --batch "$BATCH" --lr "$LR" \
          --threads "$THREADS" --train-images "$TRAIN_IMAGES" --pulse-length "$BL" --update-management \
          --bl-management --set training_device.up_down="$up_down" "${flags[@]}" --seed "$seed" \
          --checkpoint "$run.ckpt" --out "$run.onnx" > "$run.json.partial" 2> "$run.log"
        mv "$run.json.partial" "$run.json"
      done
    done
  done
done
