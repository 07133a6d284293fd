#!/usr/bin/env bash
# Issue 19, acceptance 1: the randomized SVD's rank-k error against the read-side stressors (read noise and output
# noise x2 and x5, ADC bits 4..8, drift 1 s to 1 y) for Omega on the arrays (the whole training set) and A on the
# arrays (the first 4,096 training images, the most one programming of hermes64 holds), and against programming
# noise for A on the arrays; seeds 1-3, k = 10, 20, 50, 100, q = 0, 1, 2. Each point is one `imcsim rla svd` run
# whose files land in OUT/NAME/{omega,a}; a finished point is skipped, so the script resumes after a stop.
# Usage: scripts/experiments/rla_svd_stress.sh [IMCSIM] [OUT]
set -euo pipefail
imcsim=${1:-build/apps/imcsim}
out=${2:-docs/results/rla/svd-stress}
mkdir -p "$out"
point() {  # NAME VARIANT ROWS ARGS...
  local name=$1 variant=$2 rows=$3
  shift 3
  local dir="$out/$name/$variant"
  [[ -f "$dir/rla-svd.json" ]] && return 0
  mkdir -p "$out/$name"
  echo "$(date +%T) $name $variant"
  "$imcsim" rla svd --variants "digital,$variant" --rows "$rows" --seeds 1,2,3 --threads 2 --out "$dir" "$@" \
    > "$dir.log" 2>&1 || { echo "failed: $name $variant (see $dir.log)"; return 1; }
}
both() {  # NAME ARGS...
  local name=$1
  shift
  point "$name" omega 0 "$@"
  point "$name" a 4096 "$@"
}
both baseline
both read-noise-x2 --set device.read_noise_scale=2
both read-noise-x5 --set device.read_noise_scale=5
both output-noise-x2 --set noise.output_noise_std=0.08
both output-noise-x5 --set noise.output_noise_std=0.2
for bits in 4 5 6 7; do both "adc-$bits-bits" --set adc.bits=$bits; done
for t in 1s 1d 1y; do both "drift-$t" --drift-time $t; done
point programming-noise-x0 a 4096 --set device.prog_noise_scale=0
point programming-noise-x2 a 4096 --set device.prog_noise_scale=2
point programming-noise-x5 a 4096 --set device.prog_noise_scale=5
echo "$(date +%T) done"
