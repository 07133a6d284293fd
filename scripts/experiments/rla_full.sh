#!/usr/bin/env bash
# Issue 19, acceptance 1-3 and 5 on hermes64 as configured, seeds 1-3, the whole Fashion-MNIST training set
# (pixels / 255): the randomized SVD (k = 10, 20, 50, 100; q = 0, 1, 2; every variant, A on the arrays in 15
# reprogrammed blocks of 4,096 rows), PCA features (k = 50) scored on the 10,000 test images, and sketched least
# squares (s = 2,000, Gaussian and CountSketch, digital and on the arrays, 0-10 refinement steps), and the
# streaming sketch (l = 20, 50, 100; then l = 50 at W = 300, BL = 255 on hermes64 and on the ideal chip). A finished
# experiment is skipped, so the script resumes after a stop (an interrupted one starts again).
# Usage: scripts/experiments/rla_full.sh [IMCSIM] [OUT]
set -euo pipefail
imcsim=${1:-build/apps/imcsim}
out=${2:-docs/results/rla}
mkdir -p "$out"
run() {  # NAME SUBCOMMAND ARGS...
  local name=$1 sub=$2
  shift 2
  [[ -f "$out/$name/rla-$sub.json" ]] && return 0
  mkdir -p "$(dirname "$out/$name")"
  echo "$(date +%T) $name"
  "$imcsim" rla "$sub" --seeds 1,2,3 --threads 2 --out "$out/$name" "$@" > "$out/$name.log" 2>&1
}
run svd svd
run pca pca --rank 50 --power 0,1,2
run lstsq lstsq --sketch-rows 2000 --refine 0,1,2,5,10
run stream/default stream
run stream/bl255 stream --sketch-rows 50 --window-rows 300 --pulse-length 255
run stream/ideal-bl255 stream --chip ideal --sketch-rows 50 --window-rows 300 --pulse-length 255
echo "$(date +%T) done"
