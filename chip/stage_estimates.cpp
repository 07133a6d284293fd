#include "chip/stage_estimates.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "chip/accuracy.h"
#include "chip/core_params.h"
#include "chip/model_timing.h"
#include "firmware/instruction_command.h"
#include "firmware/model_compiler.h"

namespace imcsim::chip {

namespace {

struct CoreTime {
  double mvm_ns = 0;
  double digital_ns = 0;
  double bytes = 0;  ///< received and sent over the network
};

}  // namespace

std::vector<firmware::LayerShape> estimated_layer_shapes(const workloads::Graph& graph, const ChipConfig& config) {
  std::vector<firmware::LayerShape> shapes = layer_shapes(graph);
  const firmware::ModelMapping mapping =
      firmware::map_model(shapes, chip_geometry(config), firmware::Replication::none);
  const firmware::Program program =
      firmware::compile_model(graph, mapping, model_program_options(config, 1, false)).program;
  const cores::CoreCosts costs(core_params(config));
  const double link_bytes_per_ns = config.interconnect.link_width_bits / 8.0 * config.interconnect.clock_mhz * 1e-3;

  std::map<std::tuple<int, int, std::string>, int> sent_bytes;  // (from, to, tag) -> bytes
  for (const auto& ins : program.instructions) {
    if (ins.op == firmware::Op::send) sent_bytes[{ins.core, ins.peer, ins.tag}] = ins.bytes;
  }
  std::vector<CoreTime> per_core(static_cast<std::size_t>(mapping.chip.cores()));
  for (const auto& ins : program.instructions) {
    if (ins.core < 0) continue;
    CoreTime& core = per_core[static_cast<std::size_t>(ins.core)];
    switch (ins.op) {
      case firmware::Op::recv:
        if (!ins.stream) core.bytes += sent_bytes.at({ins.peer, ins.core, ins.tag});
        break;
      case firmware::Op::send:
        if (ins.stream) break;
        core.bytes += ins.bytes;
        core.digital_ns += costs.cost(firmware::core_command_of(ins)).latency_ns;
        break;
      case firmware::Op::load:
      case firmware::Op::store:
        core.bytes += ins.bytes;
        core.digital_ns += costs.cost(firmware::core_command_of(ins)).latency_ns;
        break;
      case firmware::Op::mvm:
        core.mvm_ns += costs.cost(firmware::core_command_of(ins)).latency_ns;
        break;
      default:
        core.digital_ns += costs.cost(firmware::core_command_of(ins)).latency_ns;
        break;
    }
  }
  for (std::size_t k = 0; k < shapes.size(); ++k) {
    const auto total_ns = [&](const CoreTime& t) { return t.mvm_ns + t.digital_ns + t.bytes / link_bytes_per_ns; };
    CoreTime busiest;
    for (const firmware::Tile& tile : mapping.layers[k].tiles) {
      const CoreTime& t = per_core[static_cast<std::size_t>(tile.core)];
      if (total_ns(t) > total_ns(busiest)) busiest = t;
    }
    firmware::LayerShape& s = shapes[k];
    const double steps = static_cast<double>(std::max<std::int64_t>(1, s.mvms_per_inference));
    s.mvm_ns_per_step = busiest.mvm_ns / steps;
    s.digital_ns_per_step = busiest.digital_ns / steps;
    s.network_ns_per_step = busiest.bytes / link_bytes_per_ns / steps;
  }
  return shapes;
}

}  // namespace imcsim::chip
