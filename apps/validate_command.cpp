// imcsim validate hermes [--fit]: published figures of IBM's 64-core PCM chip next to the simulated ones, each with
// its tolerance (exit 1 when one is outside), or the fit of the unpublished parameters to the ResNet-9 layer
// (runner/hermes_validation.h). The layer runs are `imcsim layer` worker processes.

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "apps/chip_options.h"
#include "apps/commands.h"
#include "base/child_process.h"
#include "bench/worker.h"
#include "runner/hermes_validation.h"

namespace imcsim::apps {

namespace {

/// One published layer in an `imcsim layer` worker with the chip options and the extra overrides.
runner::LayerRunner worker_layer_runner(const ChipOptions& o) {
  return [o](runner::PaperLayer layer, const std::string& read_mode, const std::vector<std::string>& overrides) {
    std::vector<std::string> args = layer == runner::PaperLayer::resnet9_layer
                                        ? std::vector<std::string>{"layer", "--in", "2016", "--out", "224"}
                                        : std::vector<std::string>{"layer", "--in", "1008", "--out", "2016", "--lstm"};
    args.insert(args.end(), {"--preloaded-inputs", "--keep-outputs", "--chip", o.chip});
    for (const auto& s : o.overrides) args.insert(args.end(), {"--set", s});
    args.insert(args.end(), {"--set", "cores.read_mode=" + read_mode});
    for (const auto& s : overrides) args.insert(args.end(), {"--set", s});
    const nlohmann::json j = bench::run_worker(self_executable(), args);
    runner::LayerFigures f;
    f.latency_ns = j["latency_ns"].get<double>();
    f.energy_uj = j["energy_uj"].get<double>();
    f.static_uj = j["energy_breakdown_uj"]["static"].get<double>();
    f.cores_used = j["cores_used"].get<int>();
    f.cores_powered = j["cores_powered"].get<int>();
    f.cell_utilisation = j["cell_utilisation"].get<double>();
    return f;
  };
}

int print_validation(const std::vector<runner::ValidationRow>& rows, bool json) {
  int outside = 0;
  for (const auto& r : rows) outside += r.within() ? 0 : 1;
  if (json) {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const auto& r : rows) {
      j.push_back({{"figure", r.figure},
                   {"unit", r.unit},
                   {"published", r.published},
                   {"simulated", r.simulated},
                   {"ratio", r.ratio()},
                   {"tolerance", r.tolerance},
                   {"within", r.within()},
                   {"note", r.note}});
    }
    std::cout << j.dump(2) << "\n";
  } else {
    std::printf("%-38s %-9s %12s %12s %7s %6s %-7s %s\n", "figure", "unit", "published", "simulated", "ratio", "tol",
                "status", "note");
    for (const auto& r : rows) {
      std::printf("%-38s %-9s %12.4g %12.4g %7.3f %5.0f%% %-7s %s\n", r.figure.c_str(), r.unit.c_str(), r.published,
                  r.simulated, r.ratio(), r.tolerance * 100, r.within() ? "ok" : "OUTSIDE", r.note.c_str());
    }
    if (outside > 0) std::printf("%d figure(s) outside their tolerance\n", outside);
  }
  return outside > 0 ? 1 : 0;
}

nlohmann::ordered_json hypothesis_json(const runner::FitHypothesis& h) {
  nlohmann::ordered_json residuals;
  for (std::size_t i = 0; i < h.figures.size(); ++i) residuals[h.figures[i]] = h.residuals[i];
  return {{"hypothesis", h.name}, {"key", h.key},          {"value", h.value},
          {"unit", h.unit},       {"chosen", h.chosen},    {"basis", h.basis},
          {"residuals", residuals}, {"rms_residual", h.rms()}};
}

void print_fit(const runner::HermesFit& fit, bool json) {
  if (json) {
    nlohmann::ordered_json j;
    for (const auto& h : fit.latency) j["latency"].push_back(hypothesis_json(h));
    for (const auto& h : fit.static_power) j["static_power"].push_back(hypothesis_json(h));
    j["linearity_ns"] = fit.linearity_ns;
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::printf("Fit to the ResNet-9 layer figures (Le Gallo et al. 2023); nothing is written.\n\n");
  std::printf("%-30s %-50s %10s %-6s %-6s %s\n", "hypothesis", "goes to", "value", "unit", "chosen", "residuals");
  for (const auto* group : {&fit.latency, &fit.static_power}) {
    for (const auto& h : *group) {
      std::string residuals;
      for (std::size_t i = 0; i < h.figures.size(); ++i) {
        char part[96];
        std::snprintf(part, sizeof part, "%s%+.2f%% (%s)", i ? ", " : "", h.residuals[i] * 100, h.figures[i].c_str());
        residuals += part;
      }
      std::printf("%-30s %-50s %10.4g %-6s %-6s %s\n      basis: %s\n", h.name.c_str(), h.key.c_str(), h.value,
                  h.unit.c_str(), h.chosen ? "yes" : "no", residuals.c_str(), h.basis.c_str());
    }
  }
  std::printf("\nlatency is linear in the hop depth to within %.3g ns\n", fit.linearity_ns);
}

}  // namespace

void add_validate_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ChipOptions>();
  auto json = std::make_shared<bool>(false);
  auto fit = std::make_shared<bool>(false);
  auto target = std::make_shared<std::string>("hermes");
  CLI::App* cmd = app.add_subcommand(
      "validate", "Published figures of a reference chip next to the simulated ones (exit 1 if one is off)");
  cmd->add_option("reference", *target, "Reference chip")->check(CLI::IsMember({"hermes"}))->capture_default_str();
  add_chip_options(cmd, *options);
  cmd->add_flag("--json", *json, "Print JSON instead of a table");
  cmd->add_flag("--fit", *fit,
                "Fit the unpublished parameters to the ResNet-9 layer figures and print them with their residuals");
  cmd->callback([options, json, fit, &exit_code]() {
    const runner::LayerRunner run_layer = worker_layer_runner(*options);
    if (*fit) {
      options->load();  // the chip options are checked before any worker starts
      print_fit(runner::fit_hermes(run_layer), *json);
      exit_code = 0;
      return;
    }
    exit_code = print_validation(runner::hermes_validation(options->load(), run_layer), *json);
  });
}

}  // namespace imcsim::apps
