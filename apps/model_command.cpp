// imcsim model show FILE.onnx: the imported graph, layer by layer (JSON).

#include <iostream>
#include <nlohmann/json.hpp>

#include "apps/commands.h"
#include "workloads/onnx_import.h"
#include "workloads/shape_inference.h"

namespace imcsim::apps {

void add_model_command(CLI::App& app, int& exit_code) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("model", "Neural network models");
  cmd->require_subcommand(1);
  CLI::App* show = cmd->add_subcommand("show", "Layers, shapes, parameters and MACs of an ONNX model (JSON)");
  show->add_option("file", *path, "The .onnx file")->required();
  show->callback([path, &exit_code]() {
    const workloads::Graph g = workloads::import_onnx(*path);
    nlohmann::ordered_json j;
    j["model"] = *path;
    j["graph"] = g.name;
    j["opset"] = g.opset;
    nlohmann::ordered_json inputs = nlohmann::ordered_json::object();
    for (const auto& name : g.inputs) inputs[name] = g.tensor(name).shape;
    j["inputs"] = inputs;
    std::int64_t macs = 0;
    j["layers"] = nlohmann::ordered_json::array();
    for (const auto& n : g.nodes) {
      std::int64_t params = 0;
      for (const auto& in : n.inputs) {
        if (g.tensor(in).constant) params += static_cast<std::int64_t>(g.tensor(in).data.size());
      }
      const std::int64_t node_macs = workloads::node_macs(g, n);
      macs += node_macs;
      j["layers"].push_back({{"name", n.name},
                             {"op", n.op},
                             {"output_shape", g.tensor(n.outputs[0]).shape},
                             {"parameters", params},
                             {"macs", node_macs}});
    }
    nlohmann::ordered_json outputs = nlohmann::ordered_json::object();
    for (const auto& name : g.outputs) outputs[name] = g.tensor(name).shape;
    j["outputs"] = outputs;
    j["parameters"] = g.parameter_count();
    j["macs_per_inference"] = macs;
    std::cout << j.dump(2) << "\n";
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
