#include "report/csv_tables.h"

#include <algorithm>
#include <vector>

#include "report/report_json.h"

namespace imcsim::report {

namespace {

using Json = nlohmann::ordered_json;

std::string row(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) line += (i > 0 ? "," : "") + fields[i];
  return line + "\n";
}

/// The element of `list` whose "name" is `name`, or nullptr.
const Json* by_name(const Json& list, const std::string& name) {
  for (const auto& e : list)
    if (e.value("name", std::string()) == name) return &e;
  return nullptr;
}

std::string field_of(const Json* object, const char* key) {
  return object != nullptr && object->contains(key) ? json_number((*object)[key]) : std::string();
}

}  // namespace

std::string csv_field(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string quoted = "\"";
  for (char c : field) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string layers_csv(const Json& report) {
  const Json& mapping = at_path(report, "mapping.layers");
  const Json& latency = at_path(report, "latency.per_layer");
  const Json& energy = at_path(report, "energy.per_layer");
  const std::vector<std::string> ordered = layer_energy_components(report);

  const std::vector<const char*> mapping_columns = {"rows",     "cols",  "mvms_per_inference", "row_tiles", "col_tiles",
                                                    "replicas", "cores", "cell_utilisation"};
  std::vector<std::string> header = {"layer"};
  for (const char* c : mapping_columns) header.push_back(c);
  for (const char* c : {"latency_ns", "busy_ns", "utilisation", "energy_uj"}) header.push_back(c);
  for (const auto& c : ordered) header.push_back(csv_field("energy_" + c + "_uj"));
  std::string csv = row(header);

  std::vector<std::string> names;
  for (const Json* list : {&mapping, &latency, &energy}) {
    for (const auto& e : *list) {
      const std::string name = e.at("name").get<std::string>();
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  for (const auto& name : names) {
    const Json* m = by_name(mapping, name);
    const Json* l = by_name(latency, name);
    const Json* e = by_name(energy, name);
    std::vector<std::string> fields = {csv_field(name)};
    for (const char* c : mapping_columns) fields.push_back(field_of(m, c));
    fields.push_back(field_of(l, "latency_ns"));
    fields.push_back(field_of(l, "busy_ns"));
    fields.push_back(field_of(l, "utilisation"));
    fields.push_back(field_of(e, "energy_uj"));
    for (const auto& c : ordered) {
      const Json* b = e != nullptr && e->contains("breakdown_uj") ? &(*e)["breakdown_uj"] : nullptr;
      fields.push_back(b != nullptr && b->contains(c) ? json_number((*b)[c]) : std::string(e != nullptr ? "0" : ""));
    }
    csv += row(fields);
  }
  return csv;
}

std::string components_csv(const Json& report) {
  const Json& breakdown = at_path(report, "energy.breakdown");
  double total = 0;
  for (const auto& [c, uj] : breakdown.items()) total += uj.get<double>();
  std::string csv = row({"component", "energy_uj_per_inference", "share"});
  for (const auto& [c, uj] : breakdown.items()) {
    csv += row({csv_field(c), json_number(uj), json_number(Json(total > 0 ? uj.get<double>() / total : 0.0))});
  }
  return csv;
}

}  // namespace imcsim::report
