#!/bin/bash
# Issue 17's experiment (docs/analog-training.md, "Results"): the zoo MLP (784-256-128-10) trained on hermes64's
# soft-bounds training devices with the RPU scheme, against FP32 SGD on the same schedule, over seeds 1, 2, 3.
# Each run's JSON summary (learning curve, final accuracy, symmetry-point errors, pulse counts) goes to
# OUT/NAME-seed-S.json and its progress to OUT/NAME-seed-S.log. Resumable: a finished run is skipped and an
# unfinished one resumes from its checkpoint OUT/NAME-seed-S.ckpt (written after every epoch).
# scripts/experiments/analog_training_table.py OUT tabulates the results.
#   scripts/experiments/analog_training.sh OUT [NAME...]
#   NAME: fp32 | balanced | imbalanced | imbalanced-zs | imbalanced-zs-formula | strong | strong-zs (default: all)
#   environment: IMCSIM (build/apps/imcsim), EPOCHS (10), BATCH (10), LR (0.01), BL (31), SEEDS (1 2 3),
#                THREADS (2), UP_DOWN (0.176: a- = 0.7 a+), STRONG_UP_DOWN (0.4: a- = 0.43 a+), TRAIN_IMAGES (0: all)
set -euo pipefail
IMCSIM=${IMCSIM:-build/apps/imcsim}
OUT=${1:?OUT directory}
shift
NAMES=${*:-fp32 balanced imbalanced imbalanced-zs imbalanced-zs-formula strong strong-zs}
EPOCHS=${EPOCHS:-10}
BATCH=${BATCH:-10}
LR=${LR:-0.01}
BL=${BL:-31}
SEEDS=${SEEDS:-1 2 3}
THREADS=${THREADS:-2}
UP_DOWN=${UP_DOWN:-0.176}
STRONG_UP_DOWN=${STRONG_UP_DOWN:-0.4}
TRAIN_IMAGES=${TRAIN_IMAGES:-0}
mkdir -p "$OUT"
COMMON="--model mlp --epochs $EPOCHS --batch $BATCH --lr $LR --threads $THREADS --train-images $TRAIN_IMAGES"
ANALOG="--analog --chip hermes64 --pulse-length $BL --update-management --bl-management"
for name in $NAMES; do
  case $name in
    fp32) FLAGS="--optimizer sgd --momentum 0 --schedule constant" ;;
    balanced) FLAGS="$ANALOG --set training_device.up_down=0" ;;
    imbalanced) FLAGS="$ANALOG --set training_device.up_down=$UP_DOWN" ;;
    imbalanced-zs) FLAGS="$ANALOG --set training_device.up_down=$UP_DOWN --zero-shift" ;;
    imbalanced-zs-formula) FLAGS="$ANALOG --set training_device.up_down=$UP_DOWN --zero-shift --zero-shift-by-formula" ;;
    strong) FLAGS="$ANALOG --set training_device.up_down=$STRONG_UP_DOWN" ;;
    strong-zs) FLAGS="$ANALOG --set training_device.up_down=$STRONG_UP_DOWN --zero-shift" ;;
    *) echo "analog_training.sh: unknown NAME '$name'" >&2; exit 2 ;;
  esac
  for seed in $SEEDS; do
    run=$OUT/$name-seed-$seed
    [ -f "$run.json" ] && continue
    checkpoint=""
    [ "$name" = fp32 ] || checkpoint="--checkpoint $run.ckpt"
    # shellcheck disable=SC2086
    "$IMCSIM" train $COMMON $FLAGS --seed "$seed" $checkpoint --out "$run.onnx" > "$run.json.partial" 2> "$run.log"
    mv "$run.json.partial" "$run.json"
  done
done
