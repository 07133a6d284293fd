#!/bin/bash
# Issue 16's experiment (docs/calibration.md, "Results"): range calibration of the zoo's plain-trained models on
# hermes64 and its 6-bit DAC/ADC variant. For each model, variant and method (dac, columns, both) it calibrates
# offline at 1 h (imcsim calibrate, 256 training images, 3 noise seeds) and evaluates the file on all 10,000 test
# images at 1 h, 1 day and 1 year over chip seeds 1, 2, 3 (an imcsim sweep per file). Resumable: files that exist
# are kept and sweeps resume from their journals, so a stopped run loses at most the point in flight.
#   scripts/experiments/calibration.sh [OUT] [MODEL...]      (defaults: experiments/calibration, cnn resnet)
# Wall time on a 2-core machine (--jobs 2, sharing it with a build): 12.6 minutes for cnn, 14.4 for resnet.
set -euo pipefail
IMCSIM=${IMCSIM:-build/apps/imcsim}
OUT=${1:-experiments/calibration}
shift || true
MODELS=${*:-cnn resnet}
mkdir -p "$OUT"
for model in $MODELS; do
  for bits in 8 6; do
    for method in dac columns both; do
      name=$model-$bits-$method
      file=$OUT/$name.yaml
      [ -f "$file" ] || "$IMCSIM" calibrate --model "$model" --set dac.bits=$bits --set adc.bits=$bits \
        --method $method --drift-time 1h --calib-images 256 --noise-seeds 3 -o "$file" > "$OUT/$name.calibrate.log"
      cat > "$OUT/$name.sweep.yaml" <<SWEEP
name: $name
base:
  chip: hermes64
  model: $model
  images: 0
  drift_times: [1h, 1d, 1y]
  calibration: $(realpath "$file")
parameters:
  dac.bits+adc.bits: [$bits]
  sim.seed: [1, 2, 3]
objectives:
  - maximise: accuracy_1h
SWEEP
      "$IMCSIM" sweep "$OUT/$name.sweep.yaml" --jobs 2 --out "$OUT/$name" > "$OUT/$name.sweep.log"
    done
  done
done
