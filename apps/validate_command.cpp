// imcsim validate hermes: published figures of IBM's 64-core PCM chip next to the simulated ones.
//
// Sources: Le Gallo et al., Nat. Electron. 2023 (Table I and Methods; the ResNet-9 deep layer is the
// 2016 x 224 weight matrix split into 8 tiles of 252 x 224; the LSTM step is the image-captioning network with
// 504 inputs, 504 hidden units and 2016 gate outputs on 32 cores); Khaddam-Aljameh et al., JSSC 2022.

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "apps/chip_options.h"
#include "apps/commands.h"
#include "base/child_process.h"
#include "bench/worker.h"
#include "chip/peak_figures.h"

namespace imcsim::apps {

namespace {

struct Row {
  std::string figure;
  std::string unit;
  double published = 0;
  double simulated = 0;
  std::string note;
};

std::vector<std::string> chip_arguments(const ChipOptions& o) {
  std::vector<std::string> args{"--chip", o.chip};
  for (const auto& s : o.overrides) {
    args.push_back("--set");
    args.push_back(s);
  }
  return args;
}

/// A layer of the paper with one input, inputs already in the cores, outputs left in the last cores.
nlohmann::json paper_layer(const ChipOptions& o, const std::string& read_mode, std::vector<std::string> args) {
  args.insert(args.end(), {"--preloaded-inputs", "--keep-outputs"});
  const auto chip = chip_arguments(o);
  args.insert(args.end(), chip.begin(), chip.end());
  args.insert(args.end(), {"--set", "cores.read_mode=" + read_mode});
  return bench::run_worker(self_executable(), args);
}

std::vector<Row> hermes_rows(const ChipOptions& o) {
  const chip::ChipConfig config = o.load();
  const chip::PeakFigures f = chip::peak_figures(config);
  std::vector<Row> rows = {
      {"peak throughput, one-phase", "TOPS", 63.1, f.one_phase.peak_tops, ""},
      {"peak efficiency, one-phase", "TOPS/W", 9.76, f.one_phase.peak_tops_per_w, ""},
      {"peak area efficiency, one-phase", "TOPS/mm2", 1.55, f.one_phase.peak_tops_per_mm2, "MVM area"},
      {"peak throughput, four-phase", "TOPS", 16.1, f.four_phase.peak_tops, ""},
      {"peak efficiency, four-phase", "TOPS/W", 2.48, f.four_phase.peak_tops_per_w, ""},
      {"peak area efficiency, four-phase", "TOPS/mm2", 0.40, f.four_phase.peak_tops_per_mm2, "MVM area"},
      {"MVM latency, one-phase", "ns", 133, f.one_phase.mvm_latency_ns, ""},
      {"MVM latency, four-phase", "ns", 520, f.four_phase.mvm_latency_ns, ""},
      {"MVM energy per core, one-phase", "nJ", 0.86e3 / 64, f.one_phase.mvm_energy_nj, "0.86 uJ / 64 cores"},
      {"MVM energy per core, four-phase", "nJ", 3.38e3 / 64, f.four_phase.mvm_energy_nj, "3.38 uJ / 64 cores"},
      {"core area", "mm2", 1.392, f.core_area_mm2, ""},
      {"core MVM area", "mm2", 0.635, f.mvm_area_mm2, ""},
      {"weight capacity", "weights", 4194304, static_cast<double>(f.weights_capacity), "64 x 256 x 256"},
  };
  // The ResNet-9 deep layer: a 3 x 3 convolution of 224 channels, 2016 x 224 weights on 8 cores.
  const std::vector<std::string> resnet{"layer", "--in", "2016", "--out", "224"};
  const nlohmann::json one = paper_layer(o, "one_phase", resnet);
  const nlohmann::json four = paper_layer(o, "four_phase", resnet);
  // One time step of the image-captioning LSTM: input and hidden gates (504 + 504) x 2016 on 32 cores.
  const std::vector<std::string> lstm{"layer", "--in", "1008", "--out", "2016", "--lstm"};
  const nlohmann::json lstm_one = paper_layer(o, "one_phase", lstm);
  const nlohmann::json lstm_four = paper_layer(o, "four_phase", lstm);
  rows.push_back({"ResNet-9 layer latency, one-phase", "ns", 1131, one["latency_ns"].get<double>(),
                  "2016x224 on 8 cores, check only"});
  rows.push_back({"ResNet-9 layer energy, one-phase", "uJ", 0.97, one["energy_uj"].get<double>(), "check only"});
  rows.push_back({"ResNet-9 layer latency, four-phase", "ns", 1518, four["latency_ns"].get<double>(), "check only"});
  rows.push_back({"ResNet-9 layer energy, four-phase", "uJ", 1.51, four["energy_uj"].get<double>(), "check only"});
  rows.push_back({"ResNet-9 layer cores", "cores", 8, one["cores_used"].get<double>(), ""});
  rows.push_back({"ResNet-9 layer utilisation", "fraction", 0.86, one["cell_utilisation"].get<double>(), ""});
  rows.push_back({"LSTM step latency, one-phase", "ns", 1043, lstm_one["latency_ns"].get<double>(),
                  "1008x2016 on 32 cores, check only"});
  rows.push_back({"LSTM step energy, one-phase", "uJ", 3.46, lstm_one["energy_uj"].get<double>(), "check only"});
  rows.push_back({"LSTM step latency, four-phase", "ns", 1430, lstm_four["latency_ns"].get<double>(), "check only"});
  rows.push_back({"LSTM step energy, four-phase", "uJ", 5.24, lstm_four["energy_uj"].get<double>(), "check only"});
  rows.push_back({"LSTM step cores", "cores", 32, lstm_one["cores_used"].get<double>(), ""});
  rows.push_back({"LSTM step utilisation", "fraction", 0.97, lstm_one["cell_utilisation"].get<double>(), ""});
  return rows;
}

}  // namespace

void add_validate_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ChipOptions>();
  auto json = std::make_shared<bool>(false);
  auto target = std::make_shared<std::string>("hermes");
  CLI::App* cmd = app.add_subcommand("validate", "Published figures of a reference chip next to the simulated ones");
  cmd->add_option("reference", *target, "Reference chip")->check(CLI::IsMember({"hermes"}))->capture_default_str();
  add_chip_options(cmd, *options);
  cmd->add_flag("--json", *json, "Print JSON instead of a table");
  cmd->callback([options, json, target, &exit_code]() {
    const std::vector<Row> rows = hermes_rows(*options);
    if (*json) {
      nlohmann::ordered_json j = nlohmann::ordered_json::array();
      for (const auto& r : rows) {
        j.push_back({{"figure", r.figure},
                     {"unit", r.unit},
                     {"published", r.published},
                     {"simulated", r.simulated},
                     {"ratio", r.simulated / r.published},
                     {"note", r.note}});
      }
      std::cout << j.dump(2) << "\n";
    } else {
      std::printf("%-38s %-9s %12s %12s %7s  %s\n", "figure", "unit", "published", "simulated", "ratio", "note");
      for (const auto& r : rows) {
        std::printf("%-38s %-9s %12.4g %12.4g %7.3f  %s\n", r.figure.c_str(), r.unit.c_str(), r.published, r.simulated,
                    r.simulated / r.published, r.note.c_str());
      }
    }
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
