#include "chip/range_calibration.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "base/text.h"
#include "base/yaml_section.h"

namespace imcsim::chip {

namespace {

constexpr int file_version = 1;
const std::vector<std::string> method_names = {"columns", "dac", "both"};
const std::vector<std::string> objective_names = {"mse", "loss"};
const std::vector<std::string> mode_names = {"offline", "on_chip"};

void require(const YamlSection& s, const std::string& key) {
  if (!s.has(key)) s.fail(key, "missing (docs/calibration.md lists the keys)");
}

void read_choice(YamlSection& s, const std::string& key, const std::vector<std::string>& names, std::string& value) {
  s.read(key, value);
  if (std::find(names.begin(), names.end(), value) != names.end()) return;
  s.fail(key, "'" + value + "' is none of " + join_names(names));
}

/// A float in (0, hi]: ranges (hi: the largest float) and kappa (hi: 1).
float positive_float(const YamlSection& s, const std::string& key, double value, double hi) {
  if (!(value > 0.0 && value <= hi)) {
    char text[96];
    std::snprintf(text, sizeof text, "value %.9g is outside (0, %.9g]", value, hi);
    s.fail(key, text);
  }
  return static_cast<float>(value);
}

void read_positive(YamlSection& s, const std::string& key, std::optional<float>& value) {
  double v = 0.0;
  s.read(key, v);
  if (s.has(key)) value = positive_float(s, key, v, std::numeric_limits<float>::max());
}

TileRanges read_tile(YamlSection& s) {
  TileRanges t;
  t.line = s.line();
  for (const char* key : {"row_tile", "col_tile", "rows", "cols"}) require(s, key);
  s.read_in_range("row_tile", t.row_tile, 0, 1 << 20);
  s.read_in_range("col_tile", t.col_tile, 0, 1 << 20);
  s.read_in_range("replica", t.replica, -1, 1 << 20);
  s.read_in_range("rows", t.rows, 1, 1 << 20);
  s.read_in_range("cols", t.cols, 1, 1 << 20);
  read_positive(s, "input_range", t.input_range);
  read_positive(s, "adc_range", t.adc_range);
  std::vector<double> kappa;
  s.read_list("column_kappa", kappa);
  for (std::size_t c = 0; c < kappa.size(); ++c) {
    t.column_kappa.push_back(positive_float(s, "column_kappa", kappa[c], 1.0));
  }
  s.finish();
  return t;
}

RangeCalibration read_calibration(YamlSection& root) {
  RangeCalibration c;
  for (const char* key : {"imcsim_range_calibration", "model", "chip", "layers"}) require(root, key);
  int version = 0;
  root.read("imcsim_range_calibration", version);
  if (version != file_version) {
    root.fail("imcsim_range_calibration", "version " + std::to_string(version) + " is not the version read here (" +
                                              std::to_string(file_version) + ")");
  }
  root.read("model", c.model);
  root.read("chip", c.chip);
  read_choice(root, "method", method_names, c.method);
  read_choice(root, "objective", objective_names, c.objective);
  read_choice(root, "mode", mode_names, c.mode);
  root.read("seed", c.seed);
  for (YamlSection& ls : root.sections("layers")) {
    LayerRanges l;
    l.line = ls.line();
    require(ls, "name");
    require(ls, "tiles");
    ls.read("name", l.name);
    for (YamlSection& ts : ls.sections("tiles")) l.tiles.push_back(read_tile(ts));
    if (l.tiles.empty()) ls.fail("tiles", "a layer needs at least one tile");
    ls.finish();
    c.layers.push_back(std::move(l));
  }
  if (c.layers.empty()) root.fail("layers", "the file names no layer");
  root.finish();
  return c;
}

std::string scalar(const std::string& text) {
  YAML::Emitter out;
  out << text;
  return out.c_str();
}

[[noreturn]] void misfit(const std::string& file, int line, const std::string& key, const std::string& message) {
  throw InputError(file, line, 0, key, message);
}

}  // namespace

RangeCalibration load_range_calibration(const std::string& path) {
  YamlSection root = YamlSection::load_file(path);
  return read_calibration(root);
}

RangeCalibration parse_range_calibration(const std::string& yaml_text, const std::string& name) {
  YamlSection root = YamlSection::load_string(yaml_text, name);
  return read_calibration(root);
}

std::string to_yaml(const RangeCalibration& c) {
  std::string y = "imcsim_range_calibration: " + std::to_string(file_version) + "\n";
  y += "model: " + scalar(c.model) + "\nchip: " + scalar(c.chip) + "\nmethod: " + c.method +
       "\nobjective: " + c.objective + "\nmode: " + c.mode + "\nseed: " + std::to_string(c.seed) + "\nlayers:\n";
  for (const LayerRanges& l : c.layers) {
    y += "  - name: " + scalar(l.name) + "\n    tiles:\n";
    for (const TileRanges& t : l.tiles) {
      y += "      - row_tile: " + std::to_string(t.row_tile) + "\n        col_tile: " + std::to_string(t.col_tile) +
           "\n";
      if (t.replica >= 0) y += "        replica: " + std::to_string(t.replica) + "\n";
      y += "        rows: " + std::to_string(t.rows) + "\n        cols: " + std::to_string(t.cols) + "\n";
      if (t.input_range) y += "        input_range: " + shortest_float_text(*t.input_range) + "\n";
      if (t.adc_range) y += "        adc_range: " + shortest_float_text(*t.adc_range) + "\n";
      if (!t.column_kappa.empty()) {
        y += "        column_kappa: [";
        for (std::size_t k = 0; k < t.column_kappa.size(); ++k) y += (k ? ", " : "") + shortest_float_text(t.column_kappa[k]);
        y += "]\n";
      }
    }
  }
  return y;
}

ResolvedRanges resolve(const RangeCalibration& calibration, const firmware::ModelMapping& mapping,
                       const ChipConfig& config, const std::string& file) {
  ResolvedRanges resolved(mapping.layers.size());
  std::vector<int> given(mapping.layers.size(), -1);  ///< the file's entry of each mapping layer
  for (std::size_t i = 0; i < calibration.layers.size(); ++i) {
    const LayerRanges& l = calibration.layers[i];
    const std::string layer_key = "layers[" + std::to_string(i) + "]";
    const auto found = std::find_if(mapping.layers.begin(), mapping.layers.end(),
                                    [&](const firmware::LayerPlacement& p) { return p.shape.name == l.name; });
    if (found == mapping.layers.end()) {
      std::vector<std::string> names;
      for (const auto& p : mapping.layers) names.push_back(p.shape.name);
      misfit(file, l.line, layer_key + ".name",
             "the model has no weight layer '" + l.name + "' (a file for another model?); its layers: " +
                 join_names(names));
    }
    const auto k = static_cast<std::size_t>(found - mapping.layers.begin());
    if (given[k] >= 0) misfit(file, l.line, layer_key + ".name", "layer '" + l.name + "' is given twice");
    given[k] = static_cast<int>(i);
    const firmware::LayerPlacement& p = *found;
    std::vector<ResolvedTile>& tiles = resolved[k];
    tiles.assign(p.tiles.size(), {});
    std::vector<bool> set(p.tiles.size(), false);
    for (std::size_t j = 0; j < l.tiles.size(); ++j) {
      const TileRanges& t = l.tiles[j];
      const std::string key = layer_key + ".tiles[" + std::to_string(j) + "]";
      const std::string where = "layer '" + l.name + "' tile (row_tile " + std::to_string(t.row_tile) +
                                ", col_tile " + std::to_string(t.col_tile) + ", replica " +
                                (t.replica < 0 ? std::string("all") : std::to_string(t.replica)) + ")";
      if (t.row_tile >= p.row_tiles || t.col_tile >= p.col_tiles || t.replica >= p.replicas) {
        misfit(file, t.line, key,
               where + " is outside the layer's " + std::to_string(p.row_tiles) + " x " + std::to_string(p.col_tiles) +
                   " tiles of " + std::to_string(p.replicas) + " replica(s) on this chip");
      }
      if (t.input_range && config.noise.input_scaling == hw::InputScaling::abs_max) {
        misfit(file, t.line, key + ".input_range",
               where + ": an input range needs a fixed DAC range, but the chip's noise.input_scaling is abs_max");
      }
      const int first = t.replica < 0 ? 0 : t.replica;
      const int last = t.replica < 0 ? p.replicas - 1 : t.replica;
      for (int r = first; r <= last; ++r) {
        const std::size_t index =
            static_cast<std::size_t>((r * p.col_tiles + t.col_tile) * p.row_tiles + t.row_tile);
        const firmware::Tile& m = p.tiles[index];
        if (t.rows != m.rows || t.cols != m.cols) {
          misfit(file, t.line, key + ".rows",
                 where + " is " + std::to_string(t.rows) + " x " + std::to_string(t.cols) + " in the file but " +
                     std::to_string(m.rows) + " x " + std::to_string(m.cols) + " in the mapping");
        }
        if (!t.column_kappa.empty() && t.column_kappa.size() != static_cast<std::size_t>(m.cols)) {
          misfit(file, t.line, key + ".column_kappa",
                 where + " has " + std::to_string(t.column_kappa.size()) + " column_kappa entries for " +
                     std::to_string(m.cols) + " columns");
        }
        if (set[index]) misfit(file, t.line, key, where + " is given twice");
        set[index] = true;
        tiles[index] = {t.input_range, t.adc_range, t.column_kappa};
      }
    }
    for (std::size_t index = 0; index < set.size(); ++index) {
      if (set[index]) continue;
      const firmware::Tile& m = p.tiles[index];
      const int replica = static_cast<int>(index) / p.tiles_per_replica();
      misfit(file, l.line, layer_key + ".tiles",
             "layer '" + l.name + "' does not give its tile (row_tile " + std::to_string(m.row_tile) + ", col_tile " +
                 std::to_string(m.col_tile) + ", replica " + std::to_string(replica) +
                 "): a file names every tile (is it truncated?)");
    }
  }
  for (std::size_t k = 0; k < mapping.layers.size(); ++k) {
    if (given[k] >= 0) continue;
    const int line = calibration.layers.empty() ? 0 : calibration.layers.back().line;
    misfit(file, line, "layers",
           "the model's layer '" + mapping.layers[k].shape.name + "' is missing (is the file truncated?)");
  }
  return resolved;
}

}  // namespace imcsim::chip
