#include "sweep/results_files.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "base/errors.h"
#include "base/output_file.h"
#include "base/text.h"
#include "report/csv_tables.h"
#include "report/report_json.h"
#include "sweep/pareto.h"
#include "sweep/sweep_page.h"

namespace imcsim::sweep {

namespace {

using Json = nlohmann::ordered_json;

const char* status_name(PointStatus status) { return status == PointStatus::ok ? "ok" : "failed"; }
const char* sense_name(Sense sense) { return sense == Sense::minimise ? "minimise" : "maximise"; }

std::vector<const PointRow*> sorted_rows(const SweepTable& table) {
  std::vector<const PointRow*> rows;
  for (const auto& row : table.rows) {
    rows.push_back(&row);
  }
  std::sort(rows.begin(), rows.end(), [](const PointRow* a, const PointRow* b) { return a->point < b->point; });
  return rows;
}

bool on_front(const std::vector<int>& front, int point) {
  return std::find(front.begin(), front.end(), point) != front.end();
}

/// A parameter's text as JSON: a number when JSON writes that number back as the same text, a bool for
/// true/false, else the string.
Json parameter_value(const std::string& text) {
  if (text == "true") {
    return true;
  }
  if (text == "false") {
    return false;
  }
  Json number = Json::parse(text, nullptr, false);
  if (!number.is_discarded() && number.is_number() && number.dump() == text) {
    return number;
  }
  return text;
}

Json metric_value(const std::optional<double>& value) {
  if (!value || !std::isfinite(*value)) {
    return nullptr;
  }
  return *value;
}

// --- reading results.json ------------------------------------------------------------------------------------

class Reader {
 public:
  explicit Reader(std::string path) : m_path(std::move(path)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    throw InputError(m_path, 0, 0, key, message);
  }

  /// `object[key]`, which must be there; `where` is the object's own key ("" at the top).
  const Json& need(const Json& object, const std::string& where, const std::string& key) const {
    const auto it = object.find(key);
    if (it == object.end()) {
      fail(join(where, key), "missing");
    }
    return *it;
  }

  void only_keys(const Json& object, const std::string& where, const std::vector<std::string>& known) const {
    for (const auto& [key, value] : object.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        fail(join(where, key), "unknown key (known: " + join_names(known) + ")");
      }
    }
  }

  std::string string(const Json& value, const std::string& key) const {
    if (!value.is_string()) {
      fail(key, "must be a string, not " + value.dump());
    }
    return value.get<std::string>();
  }

  int integer(const Json& value, const std::string& key) const {
    if (!value.is_number_integer()) {
      fail(key, "must be an integer, not " + value.dump());
    }
    return value.get<int>();
  }

  const Json& object(const Json& value, const std::string& key) const {
    if (!value.is_object()) {
      fail(key, "must be an object");
    }
    return value;
  }

  const Json& array(const Json& value, const std::string& key) const {
    if (!value.is_array()) {
      fail(key, "must be a list");
    }
    return value;
  }

  std::vector<std::string> names(const Json& value, const std::string& key) const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < array(value, key).size(); ++i) {
      out.push_back(string(value[i], item(key, i)));
      if (std::count(out.begin(), out.end(), out.back()) > 1) {
        fail(item(key, i), "'" + out.back() + "' appears twice");
      }
    }
    return out;
  }

  static std::string join(const std::string& where, const std::string& key) {
    return where.empty() ? key : where + "." + key;
  }
  static std::string item(const std::string& key, std::size_t i) { return key + "[" + std::to_string(i) + "]"; }

  PointRow point(const Json& p, const std::string& where, const SweepTable& table) const {
    object(p, where);
    only_keys(p, where, {"point", "parameters", "status", "error", "metrics", "pareto"});
    PointRow row;
    row.point = integer(need(p, where, "point"), join(where, "point"));
    if (row.point < 0 || row.point >= table.total_points) {
      fail(join(where, "point"),
           std::to_string(row.point) + " lies outside the sweep's " + std::to_string(table.total_points) + " points");
    }
    const std::string parameters = join(where, "parameters");
    const Json& values = object(need(p, where, "parameters"), parameters);
    only_keys(values, parameters, table.parameters);
    for (const auto& key : table.parameters) {
      const Json& v = need(values, parameters, key);
      if (v.is_string()) {
        row.parameters.push_back(v.get<std::string>());
      } else if (v.is_number() || v.is_boolean()) {
        row.parameters.push_back(v.dump());
      } else {
        fail(join(parameters, key), "must be a string, number or bool, not " + v.dump());
      }
    }
    const std::string status = string(need(p, where, "status"), join(where, "status"));
    if (status != "ok" && status != "failed") {
      fail(join(where, "status"), "must be ok or failed, not '" + status + "'");
    }
    row.status = status == "ok" ? PointStatus::ok : PointStatus::failed;
    if (row.status == PointStatus::failed) {
      row.error = string(need(p, where, "error"), join(where, "error"));
    } else if (p.contains("error")) {
      fail(join(where, "error"), "only a failed point has an error");
    }
    const std::string metrics = join(where, "metrics");
    const Json& numbers = object(need(p, where, "metrics"), metrics);
    only_keys(numbers, metrics, table.metrics);
    for (const auto& name : table.metrics) {
      const Json& v = need(numbers, metrics, name);
      if (!v.is_null() && !v.is_number()) {
        fail(join(metrics, name), "must be a number or null, not " + v.dump());
      }
      row.metrics.push_back(v.is_null() ? std::nullopt : std::optional<double>(v.get<double>()));
    }
    return row;
  }

  SweepTable table(const Json& j) const {
    object(j, "");
    only_keys(j, "",
              {"name", "parameters", "metrics", "objectives", "total_points", "points_done", "points_failed",
               "pareto_front", "points"});
    SweepTable t;
    t.name = string(need(j, "", "name"), "name");
    t.parameters = names(need(j, "", "parameters"), "parameters");
    t.metrics = names(need(j, "", "metrics"), "metrics");
    const Json& objectives = array(need(j, "", "objectives"), "objectives");
    for (std::size_t i = 0; i < objectives.size(); ++i) {
      const std::string where = item("objectives", i);
      object(objectives[i], where);
      only_keys(objectives[i], where, {"metric", "sense"});
      Objective o;
      o.metric = string(need(objectives[i], where, "metric"), join(where, "metric"));
      if (std::find(t.metrics.begin(), t.metrics.end(), o.metric) == t.metrics.end()) {
        fail(join(where, "metric"), "'" + o.metric + "' is not one of the metrics (" + join_names(t.metrics) + ")");
      }
      const std::string sense = string(need(objectives[i], where, "sense"), join(where, "sense"));
      if (sense != "minimise" && sense != "maximise") {
        fail(join(where, "sense"), "must be minimise or maximise, not '" + sense + "'");
      }
      o.sense = sense == "minimise" ? Sense::minimise : Sense::maximise;
      t.objectives.push_back(o);
    }
    t.total_points = integer(need(j, "", "total_points"), "total_points");
    if (t.total_points < 0) {
      fail("total_points", "must not be negative");
    }
    const Json& points = array(need(j, "", "points"), "points");
    std::set<int> seen;
    for (std::size_t i = 0; i < points.size(); ++i) {
      t.rows.push_back(point(points[i], item("points", i), t));
      if (!seen.insert(t.rows.back().point).second) {
        fail(item("points", i) + ".point", "point " + std::to_string(t.rows.back().point) + " appears twice");
      }
    }
    std::sort(t.rows.begin(), t.rows.end(), [](const PointRow& a, const PointRow& b) { return a.point < b.point; });
    return t;
  }

 private:
  std::string m_path;
};

}  // namespace

std::string results_csv(const SweepTable& table, const std::vector<int>& front) {
  check_table(table);
  std::vector<std::string> header = table.parameters;
  header.insert(header.end(), table.metrics.begin(), table.metrics.end());
  for (const char* c : {"point", "status", "pareto", "error"}) {
    header.emplace_back(c);
  }
  const auto line = [](const std::vector<std::string>& fields) {
    std::string text;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      text += (i > 0 ? "," : "") + report::csv_field(fields[i]);
    }
    return text + "\n";
  };
  std::string csv = line(header);
  for (const PointRow* row : sorted_rows(table)) {
    std::vector<std::string> fields = row->parameters;
    for (const auto& value : row->metrics) {
      const Json number = metric_value(value);
      fields.push_back(number.is_null() ? std::string() : report::json_number(number));
    }
    fields.push_back(std::to_string(row->point));
    fields.emplace_back(status_name(row->status));
    fields.emplace_back(on_front(front, row->point) ? "1" : "0");
    fields.push_back(row->error);
    csv += line(fields);
  }
  return csv;
}

Json results_json(const SweepTable& table, const std::vector<int>& front) {
  check_table(table);
  Json j;
  j["name"] = table.name;
  j["parameters"] = table.parameters;
  j["metrics"] = table.metrics;
  j["objectives"] = Json::array();
  for (const auto& o : table.objectives) {
    j["objectives"].push_back({{"metric", o.metric}, {"sense", sense_name(o.sense)}});
  }
  j["total_points"] = table.total_points;
  j["points_done"] = table.rows.size();
  j["points_failed"] = std::count_if(table.rows.begin(), table.rows.end(),
                                     [](const PointRow& r) { return r.status == PointStatus::failed; });
  std::vector<int> sorted_front = front;
  std::sort(sorted_front.begin(), sorted_front.end());
  j["pareto_front"] = sorted_front;
  j["points"] = Json::array();
  for (const PointRow* row : sorted_rows(table)) {
    Json p;
    p["point"] = row->point;
    p["parameters"] = Json::object();
    for (std::size_t k = 0; k < table.parameters.size(); ++k) {
      p["parameters"][table.parameters[k]] = parameter_value(row->parameters[k]);
    }
    p["status"] = status_name(row->status);
    if (row->status == PointStatus::failed) {
      p["error"] = row->error;
    }
    p["metrics"] = Json::object();
    for (std::size_t k = 0; k < table.metrics.size(); ++k) {
      p["metrics"][table.metrics[k]] = metric_value(row->metrics[k]);
    }
    p["pareto"] = on_front(front, row->point);
    j["points"].push_back(std::move(p));
  }
  return j;
}

void write_sweep_files(const std::string& dir, const SweepTable& table) {
  const std::vector<int> front = pareto_front(table);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    throw Error("cannot create the directory '" + dir + "': " + ec.message());
  }
  const std::filesystem::path base(dir);
  write_file_atomically((base / "results.csv").string(), results_csv(table, front));
  write_file_atomically((base / "results.json").string(), results_json(table, front).dump(2) + "\n");
  write_file_atomically((base / "sweep.html").string(), sweep_html(table, front));
}

SweepTable read_results_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(path, 0, 0, "", "cannot open the file");
  }
  Json j;
  try {
    j = Json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(path, 0, 0, "", std::string("not JSON: ") + e.what());
  }
  return Reader(path).table(j);
}

}  // namespace imcsim::sweep
