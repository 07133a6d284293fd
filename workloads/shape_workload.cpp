#include "workloads/shape_workload.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "base/errors.h"
#include "workloads/shape_inference.h"

namespace imcsim::workloads {

namespace {

/// One field of a layer as written in the file.
struct Field {
  std::string text;
  int line = 0;
  int column = 0;
  std::string label{};  ///< the column's name in the file, when it is not the key (SCALE-Sim, NeuroSim)
};
using Fields = std::map<std::string, Field>;

/// A layer as the file gives it, before its shapes are checked against its neighbours.
struct RawLayer {
  Fields fields;
  int line = 0;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\"");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\"");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  std::string cell;
  while (std::getline(in, cell, ',')) cells.push_back(trim(cell));
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  while (!cells.empty() && cells.back().empty()) cells.pop_back();  // SCALE-Sim's trailing comma
  return cells;
}

/// Keys each kind accepts (besides name, kind, activation).
const std::map<std::string, std::set<std::string>>& kind_keys() {
  static const std::map<std::string, std::set<std::string>> keys = {
      {"conv", {"h", "w", "c", "kernel", "kernel_h", "kernel_w", "stride", "padding", "filters", "pool"}},
      {"dense", {"inputs", "outputs"}},
      {"gemm", {"m", "k", "n"}},
      {"lstm", {"steps", "inputs", "hidden"}}};
  return keys;
}

/// Turns raw layers into a Graph of zero weights, checking each layer's shapes against the previous layer's output.
class GraphBuilder {
 public:
  GraphBuilder(std::string file, std::string name) : m_file(std::move(file)) { m_graph.name = std::move(name); }

  void add(const RawLayer& raw, int index) {
    m_raw = &raw;
    const std::string kind = lower(text("kind", "", true));
    const auto allowed = kind_keys().find(kind);
    if (allowed == kind_keys().end()) fail("kind", "'" + kind + "' is not one of conv, dense, gemm, lstm");
    for (const auto& [key, field] : raw.fields) {
      if (key != "name" && key != "kind" && key != "activation" && allowed->second.count(key) == 0)
        fail(key, "unknown key for a " + kind + " layer (docs/workloads.md lists the keys)");
    }
    std::string name = text("name", kind + std::to_string(index + 1), false);
    if (!m_names.insert(name).second) fail("name", "'" + name + "' names two layers");
    const std::string activation =
        lower(text("activation", kind == "conv" || kind == "dense" ? "relu" : "none", false));
    if (activation != "relu" && activation != "none") fail("activation", "'" + activation + "' is not relu or none");
    if (kind == "conv") add_conv(name);
    if (kind == "dense") add_dense(name);
    if (kind == "gemm") add_gemm(name);
    if (kind == "lstm") add_lstm(name);
    if (activation == "relu") m_current = node("Relu", name + "/relu", {m_current}, {});
  }

  /// A transformer block on an S x d input (docs/workloads.md).
  void add_transformer_block(const std::string& name, std::int64_t s, std::int64_t d, std::int64_t ff,
                             std::int64_t heads, std::vector<UnsimulatedProduct>& unsimulated) {
    if (m_current.empty()) input({-1, s, d});
    const std::string x = m_current;
    const std::string q = matmul(name + "/q", x, d, d);
    const std::string k = matmul(name + "/k", x, d, d);
    const std::string v = matmul(name + "/v", x, d, d);
    m_extra_outputs.push_back(q);
    m_extra_outputs.push_back(k);
    const std::string why = "a product of two activations (" + std::to_string(heads) +
                            " heads): not held in crossbars, not simulated; Q and K are stored off chip";
    unsimulated.push_back({name + "/attention QK^T", s * s * d, why});
    unsimulated.push_back({name + "/attention AV", s * s * d, why});
    // The attention output has V's shape; the output projection reads V in its place.
    const std::string o = matmul(name + "/o", v, d, d);
    const std::string h = node("Add", name + "/residual1", {o, x}, {});
    const std::string f1 = node("Relu", name + "/ffn1/relu", {matmul(name + "/ffn1", h, d, ff)}, {});
    const std::string f2 = matmul(name + "/ffn2", f1, ff, d);
    m_current = node("Add", name + "/residual2", {f2, h}, {});
    m_shape = {-1, s, d};
  }

  Graph finish() {
    m_graph.outputs = {m_current};
    for (const auto& o : m_extra_outputs) m_graph.outputs.push_back(o);
    try {
      infer_graph_shapes(m_graph);
    } catch (const Error& e) {
      throw InputError(m_file, 0, 0, "layers", e.what());
    }
    return std::move(m_graph);
  }

 private:
  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    const auto it = m_raw->fields.find(key);
    if (it != m_raw->fields.end()) {
      throw InputError(m_file, it->second.line, it->second.column, it->second.label.empty() ? key : it->second.label,
                       message);
    }
    throw InputError(m_file, m_raw->line, 0, key, message);
  }

  std::string text(const std::string& key, const std::string& fallback, bool required) const {
    const auto it = m_raw->fields.find(key);
    if (it == m_raw->fields.end() || it->second.text.empty()) {
      if (required) fail(key, "missing");
      return fallback;
    }
    return it->second.text;
  }

  bool has(const std::string& key) const {
    const auto it = m_raw->fields.find(key);
    return it != m_raw->fields.end() && !it->second.text.empty();
  }

  /// A whole number >= minimum; `fallback` (< 0: required) when the field is absent.
  std::int64_t number(const std::string& key, std::int64_t fallback, std::int64_t minimum = 1) const {
    if (!has(key)) {
      if (fallback < 0) fail(key, "missing");
      return fallback;
    }
    const std::string& t = m_raw->fields.at(key).text;
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(t.c_str(), &end, 10);
    if (end == t.c_str() || *end != '\0' || errno != 0) fail(key, "'" + t + "' is not a whole number");
    if (v < minimum) fail(key, std::to_string(v) + " must be at least " + std::to_string(minimum));
    return v;
  }

  std::string weights(const std::string& name, const std::vector<std::int64_t>& shape) {
    return m_graph.add_zero_constant(name, shape);
  }

  static Attribute ints(std::vector<std::int64_t> v) {
    Attribute a;
    a.kind = Attribute::Kind::integers;
    a.ints = std::move(v);
    return a;
  }
  static Attribute integer(std::int64_t v) {
    Attribute a;
    a.kind = Attribute::Kind::integer;
    a.i = v;
    return a;
  }

  std::string node(const std::string& op, const std::string& name, std::vector<std::string> inputs,
                   std::map<std::string, Attribute> attributes, std::vector<std::string> outputs = {}) {
    Node n;
    n.op = op;
    n.name = name;
    n.inputs = std::move(inputs);
    n.outputs = outputs.empty() ? std::vector<std::string>{name} : std::move(outputs);
    n.attributes = std::move(attributes);
    m_graph.nodes.push_back(n);
    return n.outputs.back();
  }

  std::string matmul(const std::string& name, const std::string& in, std::int64_t k, std::int64_t n) {
    return node("MatMul", name, {in, weights(name + "/W", {k, n})}, {});
  }

  void input(std::vector<std::int64_t> shape) {
    Tensor t;
    t.name = "x";
    t.shape = shape;
    t.batch_axis = 0;
    m_graph.tensors["x"] = t;
    m_graph.inputs = {"x"};
    m_current = "x";
    m_shape = std::move(shape);
  }

  void add_conv(const std::string& name) {
    const std::int64_t kernel = number("kernel", 0);
    const std::int64_t kh = number("kernel_h", kernel > 0 ? kernel : -1);
    const std::int64_t kw = number("kernel_w", kernel > 0 ? kernel : -1);
    const std::int64_t stride = number("stride", 1);
    const std::int64_t filters = number("filters", -1);
    const std::int64_t pool = number("pool", 1);
    const bool same = lower(text("padding", "0", false)) == "same";
    const std::int64_t padding = same ? 0 : number("padding", 0, 0);
    std::int64_t h, w, c;
    if (m_current.empty()) {
      h = number("h", -1), w = number("w", -1), c = number("c", -1);
      input({-1, c, h, w});
    } else {
      if (m_shape.size() != 4) fail("kind", "a conv layer must follow a conv layer (or come first)");
      c = number("c", m_shape[1]);
      h = number("h", m_shape[2]);
      w = number("w", m_shape[3]);
      if (c != m_shape[1])
        fail("c", std::to_string(c) + " channels, but the previous layer gives " + std::to_string(m_shape[1]));
    }
    // The declared input may be smaller (a pooling in between) or larger (padding included, as SCALE-Sim writes
    // it) than the previous layer's output: a max pooling, or extra padding of the convolution, bridges them.
    const std::int64_t want[2] = {h, w};
    pool_to(name + "/input_pool", std::min(h, m_shape[2]), std::min(w, m_shape[3]));
    const std::int64_t extra[2] = {h - m_shape[2], w - m_shape[3]};
    std::int64_t pads[4] = {padding, padding, padding, padding};  // top, left, bottom, right
    const std::int64_t kernel_hw[2] = {kh, kw};
    for (int a = 0; a < 2; ++a) {
      if (same) {
        const std::int64_t out = (want[a] + stride - 1) / stride;
        const std::int64_t total = std::max<std::int64_t>((out - 1) * stride + kernel_hw[a] - want[a], 0);
        pads[a] = total / 2;
        pads[a + 2] = total - total / 2;
      }
      pads[a] += extra[a] / 2;
      pads[a + 2] += extra[a] - extra[a] / 2;
    }
    std::int64_t out[2];
    for (int a = 0; a < 2; ++a) {
      const std::int64_t padded = want[a] - extra[a] + pads[a] + pads[a + 2];
      if (padded < kernel_hw[a])
        fail(a == 0 ? "kernel_h" : "kernel_w", "the kernel (" + std::to_string(kernel_hw[a]) +
                                                   ") is larger than the padded input (" + std::to_string(padded) +
                                                   ")");
      out[a] = (padded - kernel_hw[a]) / stride + 1;
    }
    m_current = node("Conv", name, {m_current, weights(name + "/W", {filters, c, kh, kw})},
                     {{"kernel_shape", ints({kh, kw})},
                      {"strides", ints({stride, stride})},
                      {"pads", ints({pads[0], pads[1], pads[2], pads[3]})}});
    m_shape = {-1, filters, out[0], out[1]};
    if (pool > 1) {
      if (out[0] < pool || out[1] < pool)
        fail("pool", "the output (" + std::to_string(out[0]) + " x " + std::to_string(out[1]) +
                         ") is smaller than the pooling window");
      m_pool_after = name + "/pool";
      m_pool = pool;
    }
  }

  /// A max pooling of the current feature map down to h x w (no node when it is that size already).
  void pool_to(const std::string& name, std::int64_t h, std::int64_t w) {
    if (h == m_shape[2] && w == m_shape[3]) return;
    std::vector<std::int64_t> kernel(2), stride(2);
    const std::int64_t want[2] = {h, w};
    for (int a = 0; a < 2; ++a) {
      const std::int64_t have = m_shape[2 + a];
      stride[a] = want[a] > 1 ? (have - 1) / (want[a] - 1) : 1;
      kernel[a] = have - (want[a] - 1) * stride[a];
    }
    m_current = node("MaxPool", name, {m_current}, {{"kernel_shape", ints(kernel)}, {"strides", ints(stride)}});
    m_shape[2] = h;
    m_shape[3] = w;
  }

  void add_dense(const std::string& name) {
    std::int64_t inputs = 0;
    if (m_current.empty()) {
      inputs = number("inputs", -1);
      input({-1, inputs});
    } else {
      std::int64_t elements = 1;
      for (std::size_t k = 1; k < m_shape.size(); ++k) elements *= m_shape[k];
      inputs = number("inputs", elements);
      // A pooling between the feature map and the dense layer (SCALE-Sim and NeuroSim leave it out): a square
      // max pooling down to inputs / channels pixels.
      if (m_shape.size() == 4 && elements != inputs && inputs % m_shape[1] == 0) {
        const std::int64_t pixels = inputs / m_shape[1];
        std::int64_t side = 1;
        while (side * side < pixels) ++side;
        if (side * side == pixels && side <= m_shape[2] && side <= m_shape[3]) {
          pool_to(name + "/input_pool", side, side);
          elements = inputs;
        }
      }
      if (inputs != elements)
        fail("inputs", std::to_string(inputs) + " inputs, but the previous layer gives " + std::to_string(elements));
      if (m_shape.size() != 2) m_current = node("Flatten", name + "/flatten", {m_current}, {{"axis", integer(1)}});
    }
    const std::int64_t outputs = number("outputs", -1);
    m_current = node("Gemm", name, {m_current, weights(name + "/W", {inputs, outputs})}, {});
    m_shape = {-1, outputs};
  }

  void add_gemm(const std::string& name) {
    std::int64_t m, k;
    if (m_current.empty()) {
      m = number("m", -1), k = number("k", -1);
      input({-1, m, k});
    } else {
      if (m_shape.size() != 3) fail("kind", "a gemm layer must follow a gemm layer (or come first)");
      m = number("m", m_shape[1]);
      k = number("k", m_shape[2]);
      if (m != m_shape[1])
        fail("m", std::to_string(m) + " rows, but the previous layer gives " + std::to_string(m_shape[1]));
      if (k != m_shape[2])
        fail("k", std::to_string(k) + ", but the previous layer gives " + std::to_string(m_shape[2]));
    }
    const std::int64_t n = number("n", -1);
    m_current = matmul(name, m_current, k, n);
    m_shape = {-1, m, n};
  }

  void add_lstm(const std::string& name) {
    if (!m_current.empty()) fail("kind", "an lstm layer must be the first layer");
    const std::int64_t steps = number("steps", -1), inputs = number("inputs", -1), hidden = number("hidden", -1);
    input({-1, steps, inputs});
    m_current =
        node("LSTM", name,
             {m_current, weights(name + "/W", {1, 4 * hidden, inputs}), weights(name + "/R", {1, 4 * hidden, hidden})},
             {{"hidden_size", integer(hidden)}, {"layout", integer(1)}}, {name + "/Y", name + "/Y_h"});
    m_shape = {-1, 1, hidden};
  }

 public:
  /// A pooling the last conv layer asked for, after its activation.
  void close_layer() {
    if (m_pool_after.empty()) return;
    m_current = node("MaxPool", m_pool_after, {m_current},
                     {{"kernel_shape", ints({m_pool, m_pool})}, {"strides", ints({m_pool, m_pool})}});
    m_shape[2] /= m_pool;
    m_shape[3] /= m_pool;
    m_pool_after.clear();
  }

 private:
  std::string m_file;
  Graph m_graph;
  const RawLayer* m_raw = nullptr;
  std::string m_current;  ///< the tensor the next layer reads; empty before the first layer
  std::vector<std::int64_t> m_shape;
  std::set<std::string> m_names;
  std::string m_pool_after;
  std::int64_t m_pool = 1;
  std::vector<std::string> m_extra_outputs;
};

std::string yaml_scalar(const YAML::Node& n, const std::string& file, const std::string& key) {
  if (!n.IsScalar()) throw InputError(file, n.Mark().line + 1, n.Mark().column + 1, key, "must be a single value");
  return n.Scalar();
}

ShapeWorkload load_yaml(const std::string& path, const std::string& name) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw InputError(path, e.mark.line + 1, e.mark.column + 1, "yaml", e.msg);
  }
  if (!root.IsMap()) throw InputError(path, 1, 1, "layers", "the file must be a mapping with layers: or transformer:");
  ShapeWorkload w;
  w.format = "imcsim-yaml";
  std::string graph_name = name;
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    if (key != "name" && key != "layers" && key != "transformer")
      throw InputError(path, kv.first.Mark().line + 1, kv.first.Mark().column + 1, key,
                       "unknown key (name, layers, transformer)");
    if (key == "name") graph_name = yaml_scalar(kv.second, path, key);
  }
  if (root["layers"] && root["transformer"])
    throw InputError(path, root["transformer"].Mark().line + 1, 1, "transformer",
                     "give layers: or transformer:, not both");
  GraphBuilder builder(path, graph_name);
  if (const YAML::Node t = root["transformer"]) {
    if (!t.IsMap()) throw InputError(path, t.Mark().line + 1, t.Mark().column + 1, "transformer", "must be a mapping");
    static const std::vector<std::string> keys = {"sequence", "d_model", "d_ff", "heads", "blocks"};
    std::map<std::string, std::int64_t> v = {{"heads", 1}, {"blocks", 1}};
    for (const auto& kv : t) {
      const std::string key = kv.first.as<std::string>();
      const int line = kv.first.Mark().line + 1, column = kv.first.Mark().column + 1;
      if (std::find(keys.begin(), keys.end(), key) == keys.end())
        throw InputError(path, line, column, "transformer." + key,
                         "unknown key (sequence, d_model, d_ff, heads, blocks)");
      const std::string s = yaml_scalar(kv.second, path, "transformer." + key);
      char* end = nullptr;
      const long long n = std::strtoll(s.c_str(), &end, 10);
      if (end == s.c_str() || *end != '\0')
        throw InputError(path, line, column, "transformer." + key, "'" + s + "' is not a whole number");
      if (n < 1) throw InputError(path, line, column, "transformer." + key, std::to_string(n) + " must be at least 1");
      v[key] = n;
    }
    for (const auto& key : {"sequence", "d_model", "d_ff"}) {
      if (v.count(key) == 0) throw InputError(path, t.Mark().line + 1, 1, std::string("transformer.") + key, "missing");
    }
    if (v["d_model"] % v["heads"] != 0)
      throw InputError(path, t.Mark().line + 1, 1, "transformer.heads", "must divide d_model");
    for (std::int64_t b = 0; b < v["blocks"]; ++b) {
      builder.add_transformer_block("block" + std::to_string(b + 1), v["sequence"], v["d_model"], v["d_ff"], v["heads"],
                                    w.unsimulated);
    }
  } else {
    const YAML::Node layers = root["layers"];
    if (!layers || !layers.IsSequence() || layers.size() == 0)
      throw InputError(path, 1, 1, "layers", "missing: a list of layers (or transformer:)");
    int index = 0;
    for (const auto& l : layers) {
      if (!l.IsMap())
        throw InputError(path, l.Mark().line + 1, l.Mark().column + 1, "layers", "each layer is a mapping");
      RawLayer raw;
      raw.line = l.Mark().line + 1;
      for (const auto& kv : l) {
        const std::string key = kv.first.as<std::string>();
        raw.fields[key] = {yaml_scalar(kv.second, path, key), kv.second.Mark().line + 1, kv.second.Mark().column + 1};
      }
      builder.add(raw, index++);
      builder.close_layer();
    }
  }
  w.graph = builder.finish();
  return w;
}

/// A SCALE-Sim or NeuroSim row with a 1 x 1 input through a 1 x 1 filter is a fully connected layer: rewritten as
/// one (channels inputs, filters outputs). False: the row is a convolution.
bool as_fully_connected(RawLayer& raw) {
  for (const auto* key : {"h", "w", "kernel_h", "kernel_w"}) {
    if (raw.fields[key].text != "1") return false;
  }
  raw.fields = {{"name", raw.fields["name"]},
                {"kind", {"dense", raw.line, 0}},
                {"inputs", raw.fields["c"]},
                {"outputs", raw.fields["filters"]}};
  return true;
}

struct CsvRow {
  std::vector<std::string> cells;
  int line = 0;
};

ShapeWorkload load_csv(const std::string& path, const std::string& name) {
  std::ifstream in(path);
  std::vector<CsvRow> rows;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    rows.push_back({split_csv(line), n});
  }
  if (rows.empty()) throw InputError(path, 0, 0, "layers", "no layers");
  const std::vector<std::string>& header = rows.front().cells;
  ShapeWorkload w;
  std::vector<RawLayer> layers;
  const auto header_index = [&](const std::string& column) {
    for (std::size_t k = 0; k < header.size(); ++k)
      if (lower(header[k]) == lower(column)) return static_cast<int>(k);
    return -1;
  };
  const auto cell = [&](const CsvRow& row, int k) {
    return k < static_cast<int>(row.cells.size()) ? row.cells[k] : "";
  };
  const auto is_number = [](const std::string& s) {
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    return !s.empty() && end != s.c_str();
  };
  if (header_index("IFMAP Height") >= 0) {
    w.format = "scale-sim";
    static const std::vector<std::pair<std::string, std::string>> columns = {
        {"Layer name", "name"},       {"IFMAP Height", "h"}, {"IFMAP Width", "w"},      {"Filter Height", "kernel_h"},
        {"Filter Width", "kernel_w"}, {"Channels", "c"},     {"Num Filter", "filters"}, {"Strides", "stride"}};
    std::vector<int> at;
    for (const auto& [column, key] : columns) {
      at.push_back(header_index(column));
      if (at.back() < 0)
        throw InputError(path, rows.front().line, 0, column, "missing column of a SCALE-Sim topology file");
    }
    for (std::size_t r = 1; r < rows.size(); ++r) {
      RawLayer raw;
      raw.line = rows[r].line;
      for (std::size_t k = 0; k < columns.size(); ++k) {
        const std::string v = cell(rows[r], at[k]);
        if (v.empty()) throw InputError(path, raw.line, at[k] + 1, columns[k].first, "missing");
        raw.fields[columns[k].second] = {v, raw.line, at[k] + 1, columns[k].first};
      }
      if (!as_fully_connected(raw)) raw.fields["kind"] = {"conv", raw.line, 0};
      layers.push_back(raw);
    }
  } else if (header_index("kind") >= 0) {
    w.format = "imcsim-csv";
    for (std::size_t k = 0; k < header.size(); ++k) {
      if (header[k].empty())
        throw InputError(path, rows.front().line, static_cast<int>(k) + 1, "header", "empty column name");
    }
    for (std::size_t r = 1; r < rows.size(); ++r) {
      if (rows[r].cells.size() > header.size())
        throw InputError(path, rows[r].line, static_cast<int>(header.size()) + 1, "row",
                         "more cells than the header has columns");
      RawLayer raw;
      raw.line = rows[r].line;
      for (std::size_t k = 0; k < rows[r].cells.size(); ++k) {
        if (!rows[r].cells[k].empty())
          raw.fields[lower(header[k])] = {rows[r].cells[k], raw.line, static_cast<int>(k) + 1};
      }
      layers.push_back(raw);
    }
  } else if (is_number(cell(rows.front(), 0))) {
    w.format = "neurosim";
    static const std::vector<std::string> keys = {"h", "w", "c", "kernel_h", "kernel_w", "filters", "pool", "stride"};
    static const std::vector<std::string> columns = {"IFMAP height", "IFMAP width", "channels", "kernel height",
                                                     "kernel width", "filters",     "pooling",  "stride"};
    for (std::size_t r = 0; r < rows.size(); ++r) {
      RawLayer raw;
      raw.line = rows[r].line;
      if (rows[r].cells.size() < 6)
        throw InputError(path, raw.line, static_cast<int>(rows[r].cells.size()) + 1, columns[rows[r].cells.size()],
                         "missing column of a NeuroSim network file (6 to 8 columns)");
      raw.fields["name"] = {"layer" + std::to_string(r + 1), raw.line, 0};
      for (std::size_t k = 0; k < keys.size() && k < rows[r].cells.size(); ++k)
        raw.fields[keys[k]] = {rows[r].cells[k], raw.line, static_cast<int>(k) + 1, columns[k]};
      if (raw.fields.count("pool")) {
        const std::string p = raw.fields["pool"].text;
        if (p != "0" && p != "1") throw InputError(path, raw.line, 7, "pooling", "'" + p + "' is not 0 or 1");
        raw.fields["pool"].text = p == "1" ? "2" : "1";
      }
      if (!as_fully_connected(raw)) {
        raw.fields["kind"] = {"conv", raw.line, 0};
        raw.fields["padding"] = {"same", raw.line, 0};  // NeuroSim keeps the feature map's size
      }
      layers.push_back(raw);
    }
  } else {
    throw InputError(path, rows.front().line, 1, "header",
                     "not a known workload CSV: a SCALE-Sim header (Layer name, IFMAP Height, ...), an imcsim header "
                     "(name, kind, ...) or NeuroSim's numeric rows");
  }
  if (layers.empty()) throw InputError(path, rows.front().line, 0, "layers", "no layers");
  GraphBuilder builder(path, name);
  for (std::size_t k = 0; k < layers.size(); ++k) {
    builder.add(layers[k], static_cast<int>(k));
    builder.close_layer();
  }
  w.graph = builder.finish();
  return w;
}

}  // namespace

ShapeWorkload load_shape_workload(const std::string& path) {
  if (!std::ifstream(path)) throw InputError(path, 0, 0, "--workload", "cannot open the file");
  const std::filesystem::path p(path);
  const std::string ext = lower(p.extension().string());
  const std::string name = p.stem().string();
  ShapeWorkload w = ext == ".yaml" || ext == ".yml" ? load_yaml(path, name) : load_csv(path, name);
  w.file = path;
  return w;
}

}  // namespace imcsim::workloads
