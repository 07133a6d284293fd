#!/bin/bash
# Issue 16's experiment (docs/calibration.md, "Results"): range calibration of the zoo's plain-trained models on
# hermes64 and its 6-bit DAC/ADC variant. For each model, variant and method (dac, columns, both) it calibrates at
# time T (imcsim calibrate, 256 training images, objective mse unless OBJECTIVE is set) and evaluates the file on
# all 10,000 test images over chip seeds 1, 2, 3 (an imcsim sweep per file): at 1 h, 1 day and 1 year when T is 1h,
# else at T only.
#   offline: one file per point, against the noise model over 3 noise seeds, evaluated on the 3 chip seeds;
#   on-chip: one file per chip seed, on that programmed instance (--on-chip --set sim.seed=S), evaluated on it.
# Resumable: files that exist are kept and sweeps resume from their journals, so a stopped run loses at most the
# point in flight. scripts/experiments/calibration_table.py OUT tabulates the results.
#   scripts/experiments/calibration.sh OUT MODE T [MODEL...]   (MODE offline | on-chip; T 1h | 1d; MODEL cnn resnet)
#   environment: IMCSIM (build/apps/imcsim), METHODS (dac columns both), BITS (8 6), OBJECTIVE (mse), JOBS (2)
set -euo pipefail
IMCSIM=${IMCSIM:-build/apps/imcsim}
OUT=${1:?OUT directory}
MODE=${2:?MODE: offline or on-chip}
AT=${3:?T: the calibration time, 1h or 1d}
shift 3
MODELS=${*:-cnn resnet}
METHODS=${METHODS:-dac columns both}
BITS=${BITS:-8 6}
OBJECTIVE=${OBJECTIVE:-mse}
JOBS=${JOBS:-2}
case $MODE in
  offline) FLAGS="--noise-seeds 3"; GROUPS_OF_SEEDS="1,2,3" ;;
  on-chip) FLAGS="--on-chip"; GROUPS_OF_SEEDS="1 2 3" ;;
  *) echo "calibration.sh: MODE must be offline or on-chip, not '$MODE'" >&2; exit 2 ;;
esac
if [ "$AT" = 1h ]; then DRIFT="[1h, 1d, 1y]"; else DRIFT="[$AT]"; fi
mkdir -p "$OUT"
for model in $MODELS; do
  for bits in $BITS; do
    for method in $METHODS; do
      for seeds in $GROUPS_OF_SEEDS; do
        name=$model-$bits-$method-$OBJECTIVE-$MODE-at-$AT
        [ "$MODE" = on-chip ] && name=$name-seed-$seeds
        file=$OUT/$name.yaml
        seed_flag=""
        [ "$MODE" = on-chip ] && seed_flag="--set sim.seed=$seeds"
        [ -f "$file" ] || "$IMCSIM" calibrate --model "$model" --set dac.bits=$bits --set adc.bits=$bits $seed_flag \
          --method $method --objective $OBJECTIVE --drift-time $AT --calib-images 256 $FLAGS -o "$file" \
          > "$OUT/$name.calibrate.log"
        cat > "$OUT/$name.sweep.yaml" <<SWEEP
name: $name
base:
  chip: hermes64
  model: $model
  images: 0
  drift_times: $DRIFT
  calibration: $(realpath "$file")
parameters:
  dac.bits+adc.bits: [$bits]
  sim.seed: [$seeds]
SWEEP
        "$IMCSIM" sweep "$OUT/$name.sweep.yaml" --jobs "$JOBS" --out "$OUT/$name" > "$OUT/$name.sweep.log"
      done
    done
  done
done
