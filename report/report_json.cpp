#include "report/report_json.h"

#include <algorithm>

#include "base/errors.h"

namespace imcsim::report {

const nlohmann::ordered_json* find_path(const nlohmann::ordered_json& report, const std::string& path) {
  const nlohmann::ordered_json* node = &report;
  std::size_t from = 0;
  while (from <= path.size()) {
    const std::size_t dot = std::min(path.find('.', from), path.size());
    const std::string key = path.substr(from, dot - from);
    if (!node->is_object() || !node->contains(key)) return nullptr;
    node = &(*node)[key];
    from = dot + 1;
  }
  return node;
}

const nlohmann::ordered_json& at_path(const nlohmann::ordered_json& report, const std::string& path) {
  const nlohmann::ordered_json* node = find_path(report, path);
  if (node == nullptr) throw Error("report.json has no '" + path + "'");
  return *node;
}

std::vector<std::string> layer_energy_components(const nlohmann::ordered_json& report) {
  std::vector<std::string> named;
  for (const auto& layer : at_path(report, "energy.per_layer")) {
    if (!layer.contains("breakdown_uj")) continue;
    for (const auto& [c, uj] : layer["breakdown_uj"].items())
      if (std::find(named.begin(), named.end(), c) == named.end()) named.push_back(c);
  }
  std::vector<std::string> ordered;
  for (const auto& [c, uj] : at_path(report, "energy.breakdown").items())
    if (std::find(named.begin(), named.end(), c) != named.end()) ordered.push_back(c);
  for (const auto& c : named)
    if (std::find(ordered.begin(), ordered.end(), c) == ordered.end()) ordered.push_back(c);
  return ordered;
}

std::string json_number(const nlohmann::ordered_json& number) { return number.dump(); }

}  // namespace imcsim::report
