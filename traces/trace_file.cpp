#include "traces/trace_file.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "base/errors.h"
#include "base/output_file.h"
#include "firmware/program.h"

namespace imcsim::traces {

namespace {

constexpr char magic[8] = {'I', 'M', 'C', 'T', 'R', 'A', 'C', 'E'};
constexpr std::size_t header_bytes = 64;
constexpr std::size_t record_bytes = 80;
constexpr std::uint8_t last_op = static_cast<std::uint8_t>(firmware::Op::barrier);

/// Appends little-endian values (the host is checked to be little-endian at compile time below).
class Writer {
 public:
  explicit Writer(std::string& out) : m_out(out) {}
  template <class T>
  void put(T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    m_out.append(bytes, sizeof(T));
  }
  void put_string(const std::string& s) {
    put(static_cast<std::uint32_t>(s.size()));
    m_out.append(s);
  }

 private:
  std::string& m_out;
};

/// Reads little-endian values; every read names its field, so a short file fails with the offset and the field.
class Reader {
 public:
  Reader(const std::string& bytes, const std::string& source) : m_bytes(bytes), m_source(source) {}
  template <class T>
  T get(const char* field) {
    need(sizeof(T), field);
    T value;
    std::memcpy(&value, m_bytes.data() + m_offset, sizeof(T));
    m_offset += sizeof(T);
    return value;
  }
  std::string get_string(const char* field) {
    const auto n = get<std::uint32_t>(field);
    need(n, field);
    std::string s = m_bytes.substr(m_offset, n);
    m_offset += n;
    return s;
  }
  std::size_t offset() const { return m_offset; }
  std::size_t left() const { return m_bytes.size() - m_offset; }
  void set_context(std::string context) { m_context = std::move(context); }
  [[noreturn]] void fail(const char* field, const std::string& what, std::size_t offset) const {
    throw InputError(
        m_source, 0, 0, field,
        "byte offset " + std::to_string(offset) + (m_context.empty() ? "" : ", " + m_context) + ": " + what);
  }

 private:
  void need(std::size_t n, const char* field) const {
    if (left() < n) {
      fail(field,
           "truncated: the file ends after " + std::to_string(m_bytes.size()) + " bytes (" + std::to_string(n) +
               " more needed)",
           m_offset);
    }
  }
  const std::string& m_bytes;
  const std::string& m_source;
  std::size_t m_offset = 0;
  std::string m_context;
};

static_assert(sizeof(double) == 8, "traces need IEEE-754 doubles");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the trace writer assumes a little-endian host"
#endif

}  // namespace

std::string encode_trace(const Trace& t) {
  std::string out;
  out.reserve(header_bytes + 64 * (t.layers.size() + 3) + record_bytes * t.events.size());
  Writer w(out);
  out.append(magic, sizeof magic);
  w.put<std::uint32_t>(trace_format_version);
  w.put<std::uint32_t>(header_bytes);
  w.put<std::uint32_t>(record_bytes);
  w.put<std::uint32_t>(t.cores);
  w.put<std::uint64_t>(t.events.size());
  w.put<std::uint32_t>(static_cast<std::uint32_t>(t.layers.size()));
  w.put<std::uint32_t>(t.inferences);
  w.put<std::uint32_t>(t.offchip_node);
  w.put<std::uint32_t>(0);  // reserved
  w.put<double>(t.macs_per_inference);
  w.put<std::uint64_t>(0);  // reserved
  // String table: program, model, chip, then per layer its name and its core count.
  w.put_string(t.program);
  w.put_string(t.model);
  w.put_string(t.chip);
  for (std::size_t k = 0; k < t.layers.size(); ++k) {
    w.put_string(t.layers[k]);
    w.put<std::uint32_t>(k < t.layer_cores.size() ? t.layer_cores[k] : 0);
  }
  for (const TraceEvent& e : t.events) {
    w.put(e.op);
    w.put(e.flags);
    w.put<std::uint16_t>(0);
    w.put(e.core);
    w.put(e.src);
    w.put(e.dst);
    w.put(e.layer);
    w.put(e.inference);
    w.put(e.rows);
    w.put(e.cols);
    w.put(e.vectors);
    w.put(e.elements);
    w.put(e.bytes);
    w.put(e.dep_prev);
    w.put(e.dep_send);
    w.put(e.dep_barrier);
    w.put(e.transfer_order);
    w.put<std::uint32_t>(0);  // reserved
    w.put(e.issue_ns);
    w.put(e.complete_ns);
  }
  return out;
}

Trace decode_trace(const std::string& bytes, const std::string& source) {
  Reader r(bytes, source);
  Trace t;
  r.set_context("header");
  char m[sizeof magic];
  for (char& c : m) {
    c = r.get<char>("magic");
  }
  if (std::memcmp(m, magic, sizeof magic) != 0) {
    r.fail("magic", "not an imcsim trace (no IMCTRACE magic)", 0);
  }
  t.version = r.get<std::uint32_t>("version");
  if (t.version > trace_format_version) {
    r.fail("version",
           "trace format version " + std::to_string(t.version) + " is newer than this imcsim reads (version " +
               std::to_string(trace_format_version) + "); use a newer imcsim",
           8);
  }
  if (t.version == 0) {
    r.fail("version", "format version 0 is not valid", 8);
  }
  if (r.get<std::uint32_t>("header_bytes") != header_bytes) {
    r.fail("header_bytes", "must be " + std::to_string(header_bytes), 12);
  }
  if (r.get<std::uint32_t>("record_bytes") != record_bytes) {
    r.fail("record_bytes", "must be " + std::to_string(record_bytes), 16);
  }
  t.cores = r.get<std::uint32_t>("cores");
  const auto events = r.get<std::uint64_t>("events");
  const auto layers = r.get<std::uint32_t>("layers");
  t.inferences = r.get<std::uint32_t>("inferences");
  t.offchip_node = r.get<std::uint32_t>("offchip_node");
  r.get<std::uint32_t>("reserved");
  t.macs_per_inference = r.get<double>("macs_per_inference");
  r.get<std::uint64_t>("reserved");
  r.set_context("string table");
  t.program = r.get_string("program");
  t.model = r.get_string("model");
  t.chip = r.get_string("chip");
  for (std::uint32_t k = 0; k < layers; ++k) {
    t.layers.push_back(r.get_string("layer name"));
    t.layer_cores.push_back(r.get<std::uint32_t>("layer cores"));
  }
  const std::size_t records_at = r.offset();
  if (r.left() / record_bytes < events) {
    const std::uint64_t complete = r.left() / record_bytes;
    r.set_context("record " + std::to_string(complete));
    r.fail("events",
           "truncated: the header announces " + std::to_string(events) + " records, the file holds " +
               std::to_string(complete) + " whole records and " + std::to_string(r.left() % record_bytes) + " bytes",
           records_at + complete * record_bytes);
  }
  if (r.left() != events * record_bytes) {
    r.set_context("after record " + std::to_string(events));
    r.fail("events", std::to_string(r.left() - events * record_bytes) + " bytes after the last record",
           records_at + events * record_bytes);
  }
  t.events.resize(events);
  for (std::uint64_t i = 0; i < events; ++i) {
    const std::size_t at = r.offset();
    r.set_context("record " + std::to_string(i));
    TraceEvent& e = t.events[i];
    e.op = r.get<std::uint8_t>("op");
    if (e.op > last_op) {
      r.fail("op", "unknown op " + std::to_string(e.op), at);
    }
    e.flags = r.get<std::uint8_t>("flags");
    if (e.flags > 1) {
      r.fail("flags", "unknown flags " + std::to_string(e.flags), at + 1);
    }
    r.get<std::uint16_t>("reserved");
    e.core = r.get<std::int32_t>("core");
    const bool barrier = e.op == last_op;
    if (barrier ? e.core != -1 : (e.core < 0 || static_cast<std::uint32_t>(e.core) >= t.cores)) {
      r.fail("core", "core " + std::to_string(e.core) + " is out of range", at + 4);
    }
    e.src = r.get<std::int32_t>("src");
    e.dst = r.get<std::int32_t>("dst");
    e.layer = r.get<std::int32_t>("layer");
    if (e.layer < -1 || e.layer >= static_cast<std::int32_t>(layers)) {
      r.fail("layer", "layer " + std::to_string(e.layer) + " is not in the string table", at + 16);
    }
    e.inference = r.get<std::int32_t>("inference");
    if (e.inference < -1 || e.inference >= static_cast<std::int32_t>(t.inferences)) {
      r.fail("inference", "inference " + std::to_string(e.inference) + " is out of range", at + 20);
    }
    e.rows = r.get<std::uint32_t>("rows");
    e.cols = r.get<std::uint32_t>("cols");
    e.vectors = r.get<std::uint32_t>("vectors");
    e.elements = r.get<std::uint32_t>("elements");
    e.bytes = r.get<std::uint32_t>("bytes");
    // Stream and barrier dependencies point back; a send may follow its recv in program order.
    const auto dependency = [&](const char* field, std::size_t offset, std::uint64_t below) {
      const auto d = r.get<std::uint32_t>(field);
      if (d != no_event && d >= below) {
        r.fail(field, "dependency " + std::to_string(d) + " is not an earlier event", at + offset);
      }
      return d;
    };
    e.dep_prev = dependency("dep_prev", 44, i);
    e.dep_send = dependency("dep_send", 48, events);
    e.dep_barrier = dependency("dep_barrier", 52, i);
    e.transfer_order = r.get<std::uint32_t>("transfer_order");
    r.get<std::uint32_t>("reserved");
    e.issue_ns = r.get<double>("issue_ns");
    e.complete_ns = r.get<double>("complete_ns");
  }
  const auto recv = static_cast<std::uint8_t>(firmware::Op::recv);
  const auto send = static_cast<std::uint8_t>(firmware::Op::send);
  for (std::size_t i = 0; i < t.events.size(); ++i) {
    const TraceEvent& e = t.events[i];
    if (e.op == recv && (e.dep_send == no_event || t.events[e.dep_send].op != send)) {
      r.set_context("record " + std::to_string(i));
      r.fail("dep_send", "a recv must depend on a send", records_at + i * record_bytes + 48);
    }
  }
  return t;
}

void write_trace(const std::string& path, const Trace& trace) { write_file_atomically(path, encode_trace(trace)); }

Trace read_trace(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(path, 0, 0, "", "cannot open the trace file");
  }
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return decode_trace(bytes, path);
}

std::string show_trace(const Trace& t, long long limit) {
  std::ostringstream out;
  out << "imcsim trace, format version " << t.version << "\n";
  out << "program " << t.program << ", model " << t.model << ", chip " << t.chip << ", " << t.cores << " cores, "
      << t.inferences << " inferences, " << t.events.size() << " events, off-chip node " << t.offchip_node << "\n";
  for (std::size_t k = 0; k < t.layers.size(); ++k) {
    out << "layer " << k << " " << t.layers[k] << " (" << (k < t.layer_cores.size() ? t.layer_cores[k] : 0)
        << " cores)\n";
  }
  out << "# event op core layer inference size issue_ns complete_ns deps\n";
  const auto dep = [](const char* name, std::uint32_t d) {
    return d == no_event ? std::string() : std::string(" ") + name + "=" + std::to_string(d);
  };
  std::size_t n = limit < 0 ? t.events.size() : std::min<std::size_t>(t.events.size(), limit);
  for (std::size_t i = 0; i < n; ++i) {
    const TraceEvent& e = t.events[i];
    out << i << " " << firmware::op_name(static_cast<firmware::Op>(e.op));
    if (e.core >= 0) {
      out << " core=" << e.core;
    }
    if (e.layer >= 0) {
      out << " layer=" << t.layers[static_cast<std::size_t>(e.layer)];
    }
    if (e.inference >= 0) {
      out << " inference=" << e.inference;
    }
    if (e.rows > 0) {
      out << " rows=" << e.rows << " cols=" << e.cols << " vectors=" << e.vectors;
    }
    if (e.elements > 0) {
      out << " elements=" << e.elements;
    }
    if (e.bytes > 0) {
      out << " bytes=" << e.bytes;
    }
    if (e.src >= 0) {
      out << " link=" << e.src << "->" << e.dst;
    }
    if (e.streamed()) {
      out << " stream";
    }
    out << " issue=" << e.issue_ns << " complete=" << e.complete_ns << dep("prev", e.dep_prev)
        << dep("send", e.dep_send) << dep("barrier", e.dep_barrier) << "\n";
  }
  if (n < t.events.size()) {
    out << "... " << t.events.size() - n << " more events\n";
  }
  return out.str();
}

}  // namespace imcsim::traces
