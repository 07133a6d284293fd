#include "runner/hermes_validation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>

#include "base/errors.h"
#include "chip/peak_figures.h"

namespace imcsim::runner {

namespace {

constexpr double fitted_tolerance = 0.10;
constexpr double held_out_latency_tolerance = 0.15;
constexpr double held_out_energy_tolerance = 0.25;

/// The published ResNet-9 layer (Le Gallo et al. 2023): latency and energy per read mode.
struct PublishedLayer {
  const char* read_mode;
  double latency_ns;
  double energy_uj;
};
constexpr PublishedLayer resnet9[] = {{"one_phase", 1131, 0.97}, {"four_phase", 1518, 1.51}};
constexpr PublishedLayer lstm[] = {{"one_phase", 1043, 3.46}, {"four_phase", 1430, 5.24}};

std::string set(const std::string& key, double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%s=%.9g", key.c_str(), value);
  return text;
}

std::string mode_label(const std::string& read_mode) { return read_mode == "one_phase" ? "one-phase" : "four-phase"; }

/// The least-squares value of p in published_i ~ base_i + slope_i p, residuals relative to the published figures.
double relative_least_squares(const std::vector<double>& published, const std::vector<double>& base,
                              const std::vector<double>& slope) {
  double num = 0, den = 0;
  for (std::size_t i = 0; i < published.size(); ++i) {
    const double w = 1.0 / (published[i] * published[i]);
    num += w * slope[i] * (published[i] - base[i]);
    den += w * slope[i] * slope[i];
  }
  return num / den;
}

}  // namespace

bool ValidationRow::within() const { return std::abs(ratio() - 1.0) <= tolerance + 1e-12; }

double FitHypothesis::rms() const {
  double s = 0;
  for (const double r : residuals) s += r * r;
  return residuals.empty() ? 0.0 : std::sqrt(s / static_cast<double>(residuals.size()));
}

std::vector<ValidationRow> hermes_validation(const chip::ChipConfig& config, const LayerRunner& run_layer) {
  const chip::PeakFigures f = chip::peak_figures(config);
  std::vector<ValidationRow> rows = {
      {"peak throughput, one-phase", "TOPS", 63.1, f.one_phase.peak_tops, 0.1, ""},
      {"peak efficiency, one-phase", "TOPS/W", 9.76, f.one_phase.peak_tops_per_w, 0.1, ""},
      {"peak area efficiency, one-phase", "TOPS/mm2", 1.55, f.one_phase.peak_tops_per_mm2, 0.1, "MVM area"},
      {"peak throughput, four-phase", "TOPS", 16.1, f.four_phase.peak_tops, 0.1, ""},
      {"peak efficiency, four-phase", "TOPS/W", 2.48, f.four_phase.peak_tops_per_w, 0.1, ""},
      {"peak area efficiency, four-phase", "TOPS/mm2", 0.40, f.four_phase.peak_tops_per_mm2, 0.1, "MVM area"},
      {"MVM latency, one-phase", "ns", 133, f.one_phase.mvm_latency_ns, 0.1, ""},
      {"MVM latency, four-phase", "ns", 520, f.four_phase.mvm_latency_ns, 0.1, ""},
      {"MVM energy per core, one-phase", "nJ", 0.86e3 / 64, f.one_phase.mvm_energy_nj, 0.1, "0.86 uJ / 64 cores"},
      {"MVM energy per core, four-phase", "nJ", 3.38e3 / 64, f.four_phase.mvm_energy_nj, 0.1, "3.38 uJ / 64 cores"},
      {"core area", "mm2", 1.392, f.core_area_mm2, 0.1, ""},
      {"core MVM area", "mm2", 0.635, f.mvm_area_mm2, 0.1, ""},
      {"weight capacity", "weights", 4194304, static_cast<double>(f.weights_capacity), 0.1, "64 x 256 x 256"},
  };
  for (const PublishedLayer& p : resnet9) {
    const LayerFigures s = run_layer(PaperLayer::resnet9_layer, p.read_mode, {});
    const std::string mode = mode_label(p.read_mode);
    rows.push_back({"ResNet-9 layer latency, " + mode, "ns", p.latency_ns, s.latency_ns, fitted_tolerance,
                    "2016x224 on 8 cores, fitted"});
    rows.push_back({"ResNet-9 layer energy, " + mode, "uJ", p.energy_uj, s.energy_uj, fitted_tolerance, "fitted"});
    if (p.read_mode == resnet9[0].read_mode) {
      rows.push_back({"ResNet-9 layer cores", "cores", 8, static_cast<double>(s.cores_used), 0.1, ""});
      rows.push_back({"ResNet-9 layer utilisation", "fraction", 0.86, s.cell_utilisation, 0.1, ""});
    }
  }
  for (const PublishedLayer& p : lstm) {
    const LayerFigures s = run_layer(PaperLayer::lstm_step, p.read_mode, {});
    const std::string mode = mode_label(p.read_mode);
    rows.push_back({"LSTM step latency, " + mode, "ns", p.latency_ns, s.latency_ns, held_out_latency_tolerance,
                    "1008x2016 on 32 cores, held out"});
    rows.push_back(
        {"LSTM step energy, " + mode, "uJ", p.energy_uj, s.energy_uj, held_out_energy_tolerance, "held out"});
    if (p.read_mode == lstm[0].read_mode) {
      rows.push_back({"LSTM step cores", "cores", 32, static_cast<double>(s.cores_used), 0.1, ""});
      rows.push_back({"LSTM step utilisation", "fraction", 0.97, s.cell_utilisation, 0.1, ""});
    }
  }
  return rows;
}

HermesFit fit_hermes(const LayerRunner& run_layer) {
  const std::string depth_key = "digital.accumulate_pipeline_stages";
  const double probe = 20;  // a second depth; the hop latency is linear in it
  HermesFit fit;
  std::vector<double> published, base, slope;
  std::vector<std::string> figures;
  for (const PublishedLayer& p : resnet9) {
    const double at_zero = run_layer(PaperLayer::resnet9_layer, p.read_mode, {set(depth_key, 0)}).latency_ns;
    const double at_probe = run_layer(PaperLayer::resnet9_layer, p.read_mode, {set(depth_key, probe)}).latency_ns;
    published.push_back(p.latency_ns);
    base.push_back(at_zero);
    slope.push_back((at_probe - at_zero) / probe);
    figures.push_back("ResNet-9 layer latency, " + mode_label(p.read_mode));
  }
  if (*std::min_element(slope.begin(), slope.end()) <= 0) {
    throw ParameterError(depth_key, "the ResNet-9 layer has no partial-sum chain on this chip: nothing to fit");
  }
  FitHypothesis hop{"partial-sum hop (acc pipeline)",
                    "chip config " + depth_key,
                    relative_least_squares(published, base, slope),
                    "clocks",
                    figures,
                    {},
                    true,
                    "residuals and physics (docs/technology.md)"};
  if (hop.value < 0) {
    throw ParameterError(depth_key, "the ResNet-9 layer is slower than published even without a hop latency");
  }
  // Energies at the fitted depth; the static part is replaced by each hypothesis's.
  std::vector<double> energy, dynamic, core_time, chip_time;
  std::vector<std::string> energy_figures;
  for (std::size_t i = 0; i < std::size(resnet9); ++i) {
    const PublishedLayer& p = resnet9[i];
    const LayerFigures s = run_layer(PaperLayer::resnet9_layer, p.read_mode, {set(depth_key, hop.value)});
    const double predicted = base[i] + slope[i] * hop.value;
    fit.linearity_ns = std::max(fit.linearity_ns, std::abs(s.latency_ns - predicted));
    hop.residuals.push_back(s.latency_ns / p.latency_ns - 1.0);
    energy.push_back(p.energy_uj);
    dynamic.push_back(s.energy_uj - s.static_uj);
    core_time.push_back(s.cores_powered * s.latency_ns * 1e-3);  // core-us: uJ per W
    chip_time.push_back(s.latency_ns * 1e-3);
    energy_figures.push_back("ResNet-9 layer energy, " + mode_label(p.read_mode));
  }
  fit.latency.push_back(hop);
  const auto hypothesis = [&](const std::string& name, const std::string& key, const std::vector<double>& time,
                              bool chosen, const std::string& basis) {
    FitHypothesis h{name, key,    relative_least_squares(energy, dynamic, time) * 1e3, "mW", energy_figures, {},
                    chosen, basis};
    for (std::size_t i = 0; i < energy.size(); ++i)
      h.residuals.push_back((dynamic[i] + h.value * 1e-3 * time[i]) / energy[i] - 1.0);
    return h;
  };
  // The ResNet-9 layer always powers 8 cores: both hypotheses leave the same residuals there, so physics chooses
  // (docs/technology.md, "Energy: static power per powered core").
  fit.static_power.push_back(hypothesis("per powered core", "technology static.core_power_mw", core_time, true,
                                        "physics: a powered core's active power; residuals tie"));
  fit.static_power.push_back(hypothesis("whole chip, all cores powered", "(rejected: not used)", chip_time, false,
                                        "physics: idle cores power-gated; residuals tie"));
  return fit;
}

}  // namespace imcsim::runner
