#!/bin/bash
# Issue 18's dropout experiment (docs/analog-training.md, "The LSTM on pulsed arrays"): does device noise replace
# dropout? The zoo LSTM (Fashion-MNIST rows) trained digitally (FP32 SGD, the analog runs' schedule) and on
# hermes64's pulsed arrays, each with dropout DROPOUT after the LSTM, over seeds. Each run's JSON summary goes to
# OUT/KIND-dropout-P-seed-S.json (KIND: digital | analog) and its progress to .log; resumable: a finished run is
# skipped, an unfinished analog one resumes from its checkpoint (written after every epoch).
# scripts/experiments/lstm_dropout_table.py OUT tabulates the results.
#   scripts/experiments/lstm_dropout.sh OUT
#   environment: IMCSIM (build/apps/imcsim), KINDS (digital analog), DROPOUT (0 0.3), SEEDS (1 2 3), EPOCHS (2),
#                BATCH (10), LR (0.01), BL (31), THREADS (2), TRAIN_IMAGES (0: all)
set -euo pipefail
# shellcheck source=scripts/experiments/lstm_defaults.sh
source "$(dirname "$0")/lstm_defaults.sh"
OUT=${1:?OUT directory}
KINDS=${KINDS:-digital analog}
DROPOUT=${DROPOUT:-0 0.3}
mkdir -p "$OUT"
for seed in $SEEDS; do
  for kind in $KINDS; do
    for p in $DROPOUT; do
      run=$OUT/$kind-dropout-$p-seed-$seed
      [ -f "$run.json" ] && continue
      if [ "$kind" = analog ]; then
        flags=(--analog --chip hermes64 --pulse-length "$BL" --update-management --bl-management --checkpoint "$run.ckpt")
      else
        flags=(--optimizer sgd --momentum 0 --schedule constant)
      fi
      "$IMCSIM" train --model lstm --epochs "$EPOCHS" --batch "$BATCH" --lr "$LR" --threads "$THREADS" \
        --train-images "$TRAIN_IMAGES" --dropout "$p" "${flags[@]}" --seed "$seed" --out "$run.onnx" \
        > "$run.json.partial" 2> "$run.log"
      mv "$run.json.partial" "$run.json"
    done
  done
done
