#include "bench/replay_bench.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "chip/accuracy.h"
#include "chip/model_timing.h"
#include "firmware/model_compiler.h"
#include "firmware/model_mapping.h"
#include "traces/recorder.h"
#include "traces/replay.h"
#include "workloads/model_zoo.h"
#include "workloads/onnx_import.h"

namespace imcsim::bench {

nlohmann::ordered_json replay_benchmark(const chip::ChipConfig& config, std::size_t events) {
  const workloads::Graph graph = workloads::import_onnx(workloads::resolve_model("mlp"));
  const firmware::ModelMapping mapping =
      firmware::map_model(chip::layer_shapes(graph), chip::chip_geometry(config), firmware::Replication::none);
  const auto build_start = std::chrono::steady_clock::now();
  const std::size_t per_inference =
      firmware::compile_model(graph, mapping, chip::model_program_options(config, 1, false))
          .program.instructions.size();
  const int inferences = static_cast<int>(events / std::max<std::size_t>(1, per_inference) + 1);
  const traces::Trace trace = traces::record_trace(
      config, firmware::compile_model(graph, mapping, chip::model_program_options(config, inferences, false)), {});
  const double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - build_start).count();
  traces::ReplayOptions options;
  options.link_bookings = false;
  // replay_s: preparing the trace's streams and cost classes, re-timing every event, the latency and energy
  // totals; records_s: filling the per-instruction records of the result from the replayed events.
  std::vector<double> replay_s;
  std::vector<double> records_s;
  traces::ReplayResult r;
  for (int repetition = 0; repetition < 3; ++repetition) {
    r = traces::replay_trace(trace, config, options);
    replay_s.push_back(r.wall_s);
    records_s.push_back(r.records_s);
  }
  const std::size_t best =
      static_cast<std::size_t>(std::min_element(replay_s.begin(), replay_s.end()) - replay_s.begin());
  const double best_s = replay_s[best];
  nlohmann::ordered_json j;
  j["benchmark"] = "replay";
  j["model"] = "mlp";
  j["chip"] = config.name;
  j["inferences"] = inferences;
  j["events"] = r.events;
  j["build_s"] = build_s;
  j["replay_s"] = best_s;
  j["events_per_s"] = static_cast<double>(r.events) / best_s;
  j["replay_s_each"] = replay_s;
  j["events_per_s_first"] = static_cast<double>(r.events) / replay_s.front();
  j["records_s"] = records_s[best];
  j["events_per_s_with_records"] = static_cast<double>(r.events) / (best_s + records_s[best]);
  j["simulated_ns"] = r.run.latency_ns;
  return j;
}

}  // namespace imcsim::bench
