// imcsim calibrate: post-training range calibration of a model on a chip (calibrate/model_calibration.h): per tile
// the DAC input range and the ADC range, per column the conductance-range factor, searched on the first N training
// images (objective mse or loss; offline against the noise model, or --on-chip on the programmed instance), written
// as a calibration file (chip/range_calibration.h) that `imcsim run --calibration FILE` reads. Prints per layer its
// tiles, the ranges chosen and the objective before and after (the layer's mean over its tiles, and the range of
// the tiles' after/before ratios).

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "apps/chip_options.h"
#include "apps/commands.h"
#include "base/durations.h"
#include "base/errors.h"
#include "base/output_file.h"
#include "calibrate/calibration_cost.h"
#include "calibrate/model_calibration.h"
#include "chip/range_calibration.h"
#include "runner/run.h"
#include "workloads/weight_layers.h"

namespace imcsim::apps {

namespace {

struct CalibrateOptions {
  ChipOptions chip;
  std::string model;
  std::string method = "both";
  std::string objective = "mse";
  std::string drift_time = "1h";
  int calibration_images = 256;
  int noise_seeds = 3;
  bool on_chip = false;
  int threads = 2;
  std::string out;
};

void print_summary(const calibrate::ModelCalibration& c, const calibrate::CalibrationOptions& o) {
  const bool offline = o.mode == calibrate::Mode::offline;
  std::printf("imcsim calibrate: %s on %s, method %s, objective %s, %s, %s\n", c.ranges.model.c_str(),
              c.ranges.chip.c_str(), c.ranges.method.c_str(), c.ranges.objective.c_str(), c.ranges.mode.c_str(),
              offline ? (std::to_string(o.noise_seeds) + " noise seed" + (o.noise_seeds > 1 ? "s" : "")).c_str()
                      : ("the instance of sim.seed " + std::to_string(c.ranges.seed)).c_str());
  const std::string before_header = c.ranges.objective + " before", after_header = c.ranges.objective + " after";
  std::printf("  %-20s %5s %19s %15s %13s %13s %17s %s\n", "layer", "tiles", "beta range", "kappa range",
              before_header.c_str(), after_header.c_str(), "tile after/before", "columns (estimate/search/none)");
  for (const calibrate::LayerCalibration& l : c.layers) {
    float beta_lo = 0, beta_hi = 0, kappa_lo = 1, kappa_hi = 0;
    double before = 0, after = 0, ratio_lo = 1, ratio_hi = 0;
    int wins[3] = {0, 0, 0};
    for (std::size_t i = 0; i < l.results.size(); ++i) {
      const calibrate::TileSearchResult& r = l.results[i];
      beta_lo = i == 0 ? r.input_range : std::min(beta_lo, r.input_range);
      beta_hi = std::max(beta_hi, r.input_range);
      for (const float k : r.kappa) {
        kappa_lo = std::min(kappa_lo, k);
        kappa_hi = std::max(kappa_hi, k);
      }
      const double ratio = r.objective_before > 0 ? r.objective_after / r.objective_before : 1.0;
      ratio_lo = std::min(ratio_lo, ratio);
      ratio_hi = std::max(ratio_hi, ratio);
      before += r.objective_before / double(l.results.size());
      after += r.objective_after / double(l.results.size());
      ++wins[static_cast<int>(r.columns)];
    }
    char beta[48], kappa[48], ratios[48];
    std::snprintf(beta, sizeof beta, "%.4g..%.4g", beta_lo, beta_hi);
    std::snprintf(kappa, sizeof kappa, "%.3g..%.3g", kappa_lo, kappa_hi);
    std::snprintf(ratios, sizeof ratios, "%.3f..%.3f", ratio_lo, ratio_hi);
    std::printf("  %-20s %5zu %19s %15s %13.5g %13.5g %17s %d/%d/%d\n", l.name.c_str(), l.results.size(), beta,
                kappa, before, after, ratios,
                wins[static_cast<int>(calibrate::ColumnChoice::estimate)],
                wins[static_cast<int>(calibrate::ColumnChoice::search)],
                wins[static_cast<int>(calibrate::ColumnChoice::none)]);
  }
}

}  // namespace

void add_calibrate_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<CalibrateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "calibrate", "Post-training range calibration: per tile DAC and ADC ranges, per column conductance ranges");
  add_chip_options(cmd, o->chip);
  cmd->add_option("--model", o->model, "A zoo model's name or an .onnx file (default: the zoo's default model)");
  cmd->add_option("--method", o->method, "What to calibrate: columns, dac or both")
      ->check(CLI::IsMember(calibrate::method_names().names()))
      ->capture_default_str();
  cmd->add_option("--objective", o->objective,
                  "mse: each tile's output error against FP32; loss: the network's cross-entropy, layer by layer")
      ->check(CLI::IsMember(calibrate::objective_names().names()))
      ->capture_default_str();
  cmd->add_option("--drift-time", o->drift_time, "Time after programming the ranges are chosen for (s, m, h, d, y)")
      ->capture_default_str();
  cmd->add_option("--calib-images", o->calibration_images, "The first N training images calibrate")
      ->check(CLI::Range(1, 60000))
      ->capture_default_str();
  cmd->add_option("--noise-seeds", o->noise_seeds,
                  "Offline: noise seeds the objective averages over (none is sim.seed); on chip: 1")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_flag("--on-chip", o->on_chip,
                "Calibrate the programmed instance (sim.seed) itself, every replica on its own core (default: offline)");
  cmd->add_option("--threads", o->threads, "Worker threads (the result does not depend on them)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("-o,--out", o->out, "The calibration file to write (YAML, chip/range_calibration.h)")->required();
  cmd->callback([o, cmd, &exit_code]() {
    runner::RunRequest request;
    request.chip = o->chip.load();
    request.model = o->model;
    calibrate::CalibrationOptions options;
    options.method = calibrate::method_names().parse(o->method, "--method", "method");
    options.drift_time_s = parse_duration_s(o->drift_time, "--drift-time");
    options.objective = calibrate::objective_names().parse(o->objective, "--objective", "objective");
    options.mode = o->on_chip ? calibrate::Mode::on_chip : calibrate::Mode::offline;
    if (o->on_chip && cmd->count("--noise-seeds") > 0) {
      throw ParameterError("--noise-seeds", "--on-chip reads the one programmed instance: leave it out");
    }
    options.noise_seeds = o->on_chip ? 1 : o->noise_seeds;
    options.threads = o->threads;
    request.drift_times_s = {options.drift_time_s};
    request.calibration_images = o->calibration_images;
    const runner::PreparedRun prepared = runner::prepare(request);
    const calibrate::ModelCalibration c = calibrate::calibrate_on_training_images(
        prepared.chip, prepared.model_name, prepared.model_file, *prepared.graph, prepared.mapping,
        o->calibration_images, options);
    write_file_atomically(o->out, chip::to_yaml(c.ranges));
    print_summary(c, options);
    if (options.mode == calibrate::Mode::on_chip) {
      const calibrate::CalibrationCost cost =
          calibrate::on_chip_cost(prepared.chip, c, prepared.mapping, workloads::weight_layers(*prepared.graph),
                                  options, o->calibration_images);
      std::printf("  on-chip cost (MVM and programming commands only): %.4g vectors read by tiles, %.0f tile "
                  "programmings, %.4g inferences; %.4g ms, %.4g uJ\n",
                  cost.vectors_read, cost.tiles_programmed, cost.inferences, cost.time_ns * 1e-6, cost.energy_uj);
    }
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
