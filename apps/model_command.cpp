// imcsim model show FILE.onnx: the imported graph, layer by layer: a table, or JSON with --json.

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "apps/commands.h"
#include "workloads/model_zoo.h"
#include "workloads/onnx_import.h"
#include "workloads/shape_inference.h"

namespace imcsim::apps {

namespace {

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + (shape[i] < 0 ? std::string("N") : std::to_string(shape[i]));
  return s + "]";
}

/// The graph as JSON: inputs, layers (name, op, output shape, parameters, MACs per inference), totals.
nlohmann::ordered_json describe(const std::string& path, const workloads::Graph& g) {
  nlohmann::ordered_json j;
  j["model"] = path;
  j["graph"] = g.name;
  j["opset"] = g.opset;
  nlohmann::ordered_json inputs = nlohmann::ordered_json::object();
  for (const auto& name : g.inputs) inputs[name] = g.tensor(name).shape;
  j["inputs"] = inputs;
  std::int64_t macs = 0, parameters = 0;
  j["layers"] = nlohmann::ordered_json::array();
  for (const auto& n : g.nodes) {
    const std::int64_t params = workloads::node_parameters(g, n);
    parameters += params;
    std::string first_output;
    for (const auto& out : n.outputs) {
      if (!out.empty()) {
        first_output = out;
        break;
      }
    }
    const std::int64_t node_macs = workloads::node_macs(g, n);
    macs += node_macs;
    j["layers"].push_back({{"name", n.name},
                           {"op", n.op},
                           {"output_shape", g.tensor(first_output).shape},
                           {"parameters", params},
                           {"macs", node_macs}});
  }
  nlohmann::ordered_json outputs = nlohmann::ordered_json::object();
  for (const auto& name : g.outputs) outputs[name] = g.tensor(name).shape;
  j["outputs"] = outputs;
  j["parameters"] = parameters;
  j["macs_per_inference"] = macs;
  return j;
}

std::string table(const nlohmann::ordered_json& j) {
  std::ostringstream out;
  out << j["model"].get<std::string>() << "  (graph '" << j["graph"].get<std::string>() << "', opset "
      << j["opset"].get<int>() << ")\n";
  for (const auto& [name, shape] : j["inputs"].items()) {
    out << "input  " << name << " " << shape_text(shape.get<std::vector<std::int64_t>>()) << "\n";
  }
  char line[256];
  std::snprintf(line, sizeof line, "%-28s %-20s %-22s %12s %14s\n", "layer", "op", "output", "parameters", "MACs");
  out << line;
  for (const auto& l : j["layers"]) {
    std::snprintf(line, sizeof line, "%-28s %-20s %-22s %12lld %14lld\n", l["name"].get<std::string>().c_str(),
                  l["op"].get<std::string>().c_str(),
                  shape_text(l["output_shape"].get<std::vector<std::int64_t>>()).c_str(),
                  static_cast<long long>(l["parameters"].get<std::int64_t>()),
                  static_cast<long long>(l["macs"].get<std::int64_t>()));
    out << line;
  }
  for (const auto& [name, shape] : j["outputs"].items()) {
    out << "output " << name << " " << shape_text(shape.get<std::vector<std::int64_t>>()) << "\n";
  }
  out << "parameters " << j["parameters"].get<std::int64_t>() << ", MACs per inference "
      << j["macs_per_inference"].get<std::int64_t>() << " (N: the batch)\n";
  return out.str();
}

}  // namespace

void add_model_command(CLI::App& app, int& exit_code) {
  auto path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("model", "Neural network models");
  cmd->require_subcommand(1);
  CLI::App* show = cmd->add_subcommand("show", "Layers, shapes, parameters and MACs of an ONNX model");
  show->add_option("model", *path, "A zoo model's name (e.g. cnn-hwa) or an .onnx file")->required();
  show->add_flag("--json", *json, "JSON instead of a table");
  show->callback([path, json, &exit_code]() {
    const nlohmann::ordered_json j = describe(*path, workloads::import_onnx(workloads::resolve_model(*path)));
    std::cout << (*json ? j.dump(2) + "\n" : table(j));
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
