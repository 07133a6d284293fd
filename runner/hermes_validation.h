#pragma once
// The published figures of IBM's 64-core PCM chip (HERMES) next to the simulated ones, each with its tolerance,
// and the fit of the unpublished parameters to the ResNet-9 layer figures (`imcsim validate hermes [--fit]`,
// docs/technology.md "Calibration to the published layers"). Plain C++: the timed layer runs come from the
// caller (a LayerRunner; the command runs `imcsim layer` in worker processes, since SystemC elaborates once per
// process).
//
// Sources: Le Gallo et al., Nat. Electron. 2023 (Table I and Methods: the ResNet-9 deep layer is the 2016 x 224
// weight matrix on 8 cores; the LSTM step is the image-captioning network's 504 inputs, 504 hidden units and 2016
// gate outputs on 32 cores); Khaddam-Aljameh et al., JSSC 2022.
//
// Contract: tolerances are relative (|simulated / published - 1| <= tolerance); the fit uses the ResNet-9 layer
// figures only and changes no file (it returns the values; docs/technology.md says where they go).

#include <functional>
#include <string>
#include <vector>

#include "chip/chip_config.h"

namespace imcsim::runner {

enum class PaperLayer { resnet9_layer, lstm_step };

/// One timed run of a published layer: inputs already in the cores, outputs left there.
struct LayerFigures {
  double latency_ns = 0;
  double energy_uj = 0;
  double static_uj = 0;  ///< the static part of energy_uj
  int cores_used = 0;     ///< mapped
  int cores_powered = 0;  ///< that ran commands: the static power is charged for these
  double cell_utilisation = 0;
};

/// Runs `layer` on the chip in `read_mode` ("one_phase", "four_phase") with extra `--set KEY=VALUE` overrides.
using LayerRunner = std::function<LayerFigures(PaperLayer layer, const std::string& read_mode,
                                               const std::vector<std::string>& overrides)>;

struct ValidationRow {
  std::string figure;
  std::string unit;
  double published = 0;
  double simulated = 0;
  double tolerance = 0.1;  ///< relative
  std::string note;
  double ratio() const { return simulated / published; }
  bool within() const;
};

/// Every figure of the chip: peaks, MVM, areas (10 %), the ResNet-9 layer (fitted, 10 %) and the held-out LSTM
/// step (15 % latency, 25 % energy) in both read modes.
std::vector<ValidationRow> hermes_validation(const chip::ChipConfig& config, const LayerRunner& run_layer);

/// One hypothesis of the fit: its parameter's least-squares value and the relative residuals it leaves on the
/// fitted figures (simulated / published - 1), one per figure.
struct FitHypothesis {
  std::string name;
  std::string key;  ///< where the value goes ("chip config KEY", "technology KEY"), or why it goes nowhere
  double value = 0;
  std::string unit;
  std::vector<std::string> figures;
  std::vector<double> residuals;
  bool chosen = false;
  std::string basis;  ///< why it is chosen or rejected
  double rms() const;
};

struct HermesFit {
  std::vector<FitHypothesis> latency;       ///< the partial-sum hop: digital.accumulate_pipeline_stages
  std::vector<FitHypothesis> static_power;  ///< per powered core (chosen) against a whole-chip constant
  double linearity_ns = 0;                  ///< largest |run at the fitted value - linear prediction|
};

/// Fits the hop latency to the two ResNet-9 latencies (runs at two depths; latency is linear in it), then the
/// static power to the two ResNet-9 energies at that depth, under both hypotheses. Throws ParameterError when the
/// chip leaves nothing to fit (a layer without a partial-sum chain) or the fitted depth would be negative (the
/// chip is already slower than published).
HermesFit fit_hermes(const LayerRunner& run_layer);

}  // namespace imcsim::runner
