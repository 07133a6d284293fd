#include "firmware/program.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <tuple>

#include "base/errors.h"
#include "base/text.h"

namespace imcsim::firmware {

namespace {

struct OpSpec {
  Op op;
  const char* name;
  std::vector<const char*> required;
  std::vector<const char*> optional;
};

const std::vector<OpSpec>& op_specs() {
  static const std::vector<OpSpec> specs = {
      {Op::program, "program", {"rows", "cols"}, {"layer"}},
      {Op::load, "load", {"bytes"}, {"layer"}},
      {Op::mvm, "mvm", {"rows", "cols"}, {"vectors", "layer"}},
      {Op::mvmt, "mvmt", {"rows", "cols"}, {"vectors", "layer"}},
      {Op::update,
       "update",
       {"rows", "cols"},
       {"vectors", "bl", "slots", "row_pulses", "col_pulses", "coincidences", "layer"}},
      {Op::act, "act", {"elements"}, {"layer"}},
      {Op::pool, "pool", {"elements"}, {"layer"}},
      {Op::acc, "acc", {"elements"}, {"stream", "layer"}},
      {Op::gdu, "gdu", {"elements"}, {"layer"}},
      {Op::send, "send", {"to", "bytes"}, {"tag", "stream", "layer"}},
      {Op::recv, "recv", {"from"}, {"tag", "stream", "layer"}},
      {Op::store, "store", {"bytes"}, {"layer"}},
      {Op::barrier, "barrier", {}, {}},
      {Op::keep, "keep", {"bytes"}, {"layer"}},
  };
  return specs;
}

const OpSpec& spec_of(Op op) {
  for (const auto& s : op_specs()) {
    if (s.op == op) return s;
  }
  return op_specs().front();
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

int parse_count(const std::string& source, int line, const std::string& key, const std::string& value, int min) {
  std::size_t used = 0;
  long v = 0;
  try {
    v = std::stol(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || value.empty())
    throw InputError(source, line, 0, key, "expected a whole number, got '" + value + "'");
  if (v < min || v > (1L << 30)) {
    throw InputError(source, line, 0, key, "value " + value + " is outside [" + std::to_string(min) + ", 2^30]");
  }
  return static_cast<int>(v);
}

/// A count of events that may be fractional (an expected activity): a finite number >= 0.
double parse_amount(const std::string& source, int line, const std::string& key, const std::string& value) {
  std::size_t used = 0;
  double v = -1;
  try {
    v = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || value.empty() || !(v >= 0) || !std::isfinite(v))
    throw InputError(source, line, 0, key, "expected a finite number >= 0, got '" + value + "'");
  return v;
}

/// The update fields that give its activity: all or none.
const char* const activity_keys[] = {"slots", "row_pulses", "col_pulses", "coincidences"};

void set_field(Instruction& ins, const std::string& source, const std::string& key, const std::string& value) {
  if (std::count(std::begin(activity_keys), std::end(activity_keys), key) > 0) {
    if (!ins.activity) ins.activity = cores::UpdateActivity{};
    const double v = parse_amount(source, ins.line, key, value);
    if (key == "slots") ins.activity->slots = v;
    if (key == "row_pulses") ins.activity->row_pulses = v;
    if (key == "col_pulses") ins.activity->column_pulses = v;
    if (key == "coincidences") ins.activity->coincidences = v;
  } else if (key == "bl") {
    ins.pulse_length = parse_count(source, ins.line, key, value, 1);
  } else if (key == "tag") {
    ins.tag = value;
  } else if (key == "stream") {
    if (value != "0" && value != "1")
      throw InputError(source, ins.line, 0, key, "expected 0 or 1, got '" + value + "'");
    ins.stream = value == "1";
  } else if (key == "to" || key == "from") {
    ins.peer = parse_count(source, ins.line, key, value, 0);
  } else if (key == "layer") {
    ins.layer = parse_count(source, ins.line, key, value, 0);
  } else if (key == "vectors") {
    ins.vectors = parse_count(source, ins.line, key, value, 1);
  } else {
    const int v = parse_count(source, ins.line, key, value, key == "bytes" || key == "elements" ? 0 : 1);
    if (key == "rows") ins.rows = v;
    if (key == "cols") ins.cols = v;
    if (key == "elements") ins.elements = v;
    if (key == "bytes") ins.bytes = v;
  }
}

}  // namespace

std::string op_name(Op op) { return spec_of(op).name; }

int Program::cores_needed() const {
  int n = 0;
  for (const auto& i : instructions) {
    n = std::max(n, i.core + 1);
    if (i.peer >= 0) n = std::max(n, i.peer + 1);
  }
  return n;
}

void Program::validate(int core_count, const std::string& source) const {
  using Key = std::tuple<int, int, std::string>;  // (from, to, tag)
  std::map<Key, int> sends, recvs;
  for (const auto& i : instructions) {
    if (i.core >= core_count || i.peer >= core_count) {
      throw InputError(source, i.line, 0, i.core >= core_count ? "core" : (i.op == Op::send ? "to" : "from"),
                       "core " + std::to_string(std::max(i.core, i.peer)) + " does not exist on a chip of " +
                           std::to_string(core_count) + " cores");
    }
    if (i.layer >= static_cast<int>(layers.size())) {
      throw InputError(source, i.line, 0, "layer",
                       "layer " + std::to_string(i.layer) + " is not declared ('layer K NAME')");
    }
    if (i.op == Op::send) {
      if (!sends.emplace(Key{i.core, i.peer, i.tag}, i.line).second) {
        throw InputError(source, i.line, 0, "tag", "a second send with the same destination and tag");
      }
    }
    if (i.op == Op::recv) {
      if (!recvs.emplace(Key{i.peer, i.core, i.tag}, i.line).second) {
        throw InputError(source, i.line, 0, "tag", "a second recv with the same source and tag");
      }
    }
  }
  for (const auto& [key, line] : sends) {
    if (recvs.count(key) == 0) throw InputError(source, line, 0, "to", "send without a matching recv");
  }
  for (const auto& [key, line] : recvs) {
    if (sends.count(key) == 0) throw InputError(source, line, 0, "from", "recv without a matching send");
  }
}

Program parse_program(const std::string& text, const std::string& source) {
  Program program;
  std::istringstream in(text);
  std::string raw;
  int line_no = 0;
  while (std::getline(in, raw)) {
    ++line_no;
    std::string line = trim(raw.substr(0, raw.find('#')));
    if (line.empty()) continue;
    if (line.rfind("program ", 0) == 0) {
      program.name = trim(line.substr(8));
      continue;
    }
    if (line.rfind("layer ", 0) == 0) {
      const std::string rest = trim(line.substr(6));
      const auto space = rest.find_first_of(" \t");
      const int index = parse_count(source, line_no, "layer", rest.substr(0, space), 0);
      if (index != static_cast<int>(program.layers.size())) {
        throw InputError(source, line_no, 0, "layer",
                         "layers are declared in order: expected layer " + std::to_string(program.layers.size()));
      }
      const std::string name = space == std::string::npos ? "" : trim(rest.substr(space));
      if (name.empty()) throw InputError(source, line_no, 0, "layer", "missing the layer's name");
      program.layers.push_back(name);
      continue;
    }
    Instruction ins;
    ins.line = line_no;
    if (line.rfind("core ", 0) == 0) {
      const auto colon = line.find(':');
      if (colon == std::string::npos) throw InputError(source, line_no, 0, "core", "expected 'core C: OP ...'");
      ins.core = parse_count(source, line_no, "core", trim(line.substr(5, colon - 5)), 0);
      line = trim(line.substr(colon + 1));
    }
    std::istringstream words(line);
    std::string op_word;
    words >> op_word;
    const OpSpec* spec = nullptr;
    for (const auto& s : op_specs()) {
      if (op_word == s.name) spec = &s;
    }
    if (spec == nullptr) throw InputError(source, line_no, 0, "op", "unknown instruction '" + op_word + "'");
    ins.op = spec->op;
    if ((ins.op == Op::barrier) != (ins.core < 0)) {
      throw InputError(source, line_no, 0, "core",
                       ins.op == Op::barrier ? "barrier is global: no 'core C:'" : "missing 'core C:'");
    }
    std::vector<std::string> seen;
    std::string field;
    while (words >> field) {
      const auto eq = field.find('=');
      const std::string key = field.substr(0, eq);
      const bool known = std::count(spec->required.begin(), spec->required.end(), key) +
                             std::count(spec->optional.begin(), spec->optional.end(), key) >
                         0;
      if (eq == std::string::npos || !known) {
        throw InputError(source, line_no, 0, key, "unknown field of '" + std::string(spec->name) + "'");
      }
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
        throw InputError(source, line_no, 0, key, "field given twice");
      }
      seen.push_back(key);
      set_field(ins, source, key, field.substr(eq + 1));
    }
    for (const char* r : spec->required) {
      if (std::find(seen.begin(), seen.end(), r) == seen.end()) {
        throw InputError(source, line_no, 0, r, "missing field of '" + std::string(spec->name) + "'");
      }
    }
    if (ins.activity) {
      for (const char* a : activity_keys) {
        if (std::find(seen.begin(), seen.end(), a) == seen.end()) {
          throw InputError(source, line_no, 0, a,
                           "an update's slots, row_pulses, col_pulses and coincidences go together");
        }
      }
    }
    program.instructions.push_back(ins);
  }
  for (const auto& i : program.instructions) {
    if (i.layer >= static_cast<int>(program.layers.size())) {
      throw InputError(source, i.line, 0, "layer",
                       "layer " + std::to_string(i.layer) + " is not declared ('layer K NAME')");
    }
  }
  return program;
}

Program load_program(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, 0, 0, "", "cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_program(text.str(), path);
}

std::string to_text(const Program& program) {
  std::ostringstream out;
  out << "program " << program.name << "\n";
  for (std::size_t k = 0; k < program.layers.size(); ++k) out << "layer " << k << " " << program.layers[k] << "\n";
  for (const auto& i : program.instructions) {
    if (i.op == Op::barrier) {
      out << "barrier\n";
      continue;
    }
    out << "core " << i.core << ": " << op_name(i.op);
    for (const char* key : spec_of(i.op).required) {
      const std::string k = key;
      if (k == "rows") out << " rows=" << i.rows;
      if (k == "cols") out << " cols=" << i.cols;
      if (k == "elements") out << " elements=" << i.elements;
      if (k == "bytes") out << " bytes=" << i.bytes;
      if (k == "to") out << " to=" << i.peer;
      if (k == "from") out << " from=" << i.peer;
    }
    if ((i.op == Op::mvm || i.op == Op::mvmt || i.op == Op::update) && i.vectors != 1) out << " vectors=" << i.vectors;
    if (i.op == Op::update && i.pulse_length != cores::default_pulse_length) out << " bl=" << i.pulse_length;
    if (i.op == Op::update && i.activity) {
      out << " slots=" << shortest_double_text(i.activity->slots)
          << " row_pulses=" << shortest_double_text(i.activity->row_pulses)
          << " col_pulses=" << shortest_double_text(i.activity->column_pulses)
          << " coincidences=" << shortest_double_text(i.activity->coincidences);
    }
    if (!i.tag.empty()) out << " tag=" << i.tag;
    if (i.stream) out << " stream=1";
    if (i.layer >= 0) out << " layer=" << i.layer;
    out << "\n";
  }
  return out.str();
}

}  // namespace imcsim::firmware
