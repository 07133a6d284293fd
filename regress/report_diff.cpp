#include "regress/report_diff.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace imcsim::regress {

double Tolerance::bound(double golden) const { return std::max(abs, rel * std::abs(golden)); }

std::vector<std::string> path_segments(const std::string& path) {
  std::vector<std::string> segments;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string::npos) {
        throw std::invalid_argument("an unclosed '['");
      }
      const std::string index = path.substr(i + 1, close - i - 1);
      const bool digits =
          !index.empty() && std::all_of(index.begin(), index.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
      if (index != "*" && !digits) {
        throw std::invalid_argument("'[" + index + "]' is not an index or [*]");
      }
      segments.push_back("[" + index + "]");
      i = close + 1;
      if (i < path.size() && path[i] != '.' && path[i] != '[') {
        throw std::invalid_argument("expected '.' or '[' after ']'");
      }
      if (i < path.size() && path[i] == '.') {
        ++i;
        if (i == path.size()) {
          throw std::invalid_argument("ends with '.'");
        }
      }
      continue;
    }
    const std::size_t end = path.find_first_of(".[", i);
    const std::string key = path.substr(i, end - i);
    if (key.empty()) {
      throw std::invalid_argument("an empty key");
    }
    if (key.find(']') != std::string::npos) {
      throw std::invalid_argument("a ']' without '['");
    }
    segments.push_back(key);
    i = end == std::string::npos ? path.size() : end;
    if (i < path.size() && path[i] == '.') {
      ++i;
      if (i == path.size()) {
        throw std::invalid_argument("ends with '.'");
      }
    }
  }
  if (segments.empty()) {
    throw std::invalid_argument("an empty path");
  }
  return segments;
}

namespace {

/// Whether the pattern segment `p` (a key, possibly with `*` standing for any characters, or `[*]`, or an index)
/// matches the path segment `s`; counts a wildcard match in `wildcards`.
bool segment_matches(const std::string& p, const std::string& s, int& wildcards) {
  const bool index = s.front() == '[';
  if (p == "[*]") {
    wildcards += index ? 1 : 0;
    return index;
  }
  if (index || p.find('*') == std::string::npos) {
    return p == s;
  }
  ++wildcards;
  // A key glob: the pieces between the stars appear in order, the first at the start and the last at the end.
  std::size_t star = p.find('*');
  if (s.compare(0, star, p, 0, star) != 0 || s.size() < star) {
    return false;
  }
  std::size_t at = star;
  while (true) {
    const std::size_t from = star + 1;
    star = p.find('*', from);
    if (star == std::string::npos) {
      const std::size_t tail = p.size() - from;
      return s.size() >= at + tail && s.compare(s.size() - tail, tail, p, from, tail) == 0;
    }
    const std::size_t found = s.find(p.substr(from, star - from), at);
    if (found == std::string::npos) {
      return false;
    }
    at = found + (star - from);
  }
}

/// Whether pattern[p...] covers path[q...]: it matches a prefix of it, `**` standing for any number of segments.
bool covers(const std::vector<std::string>& pattern, std::size_t p, const std::vector<std::string>& path, std::size_t q,
            int& wildcards) {
  if (p == pattern.size()) {
    return true;
  }
  if (pattern[p] == "**") {
    for (std::size_t skip = q; skip <= path.size(); ++skip) {
      int w = wildcards + 1;
      if (covers(pattern, p + 1, path, skip, w)) {
        wildcards = w;
        return true;
      }
    }
    return false;
  }
  return q < path.size() && segment_matches(pattern[p], path[q], wildcards) &&
         covers(pattern, p + 1, path, q + 1, wildcards);
}

/// How well `pattern` covers `path`: -1 when it does not; else more segments, then fewer wildcards, score higher.
int match_score(const std::vector<std::string>& pattern, const std::vector<std::string>& path) {
  int wildcards = 0;
  if (!covers(pattern, 0, path, 0, wildcards)) {
    return -1;
  }
  const auto any_depth = std::count(pattern.begin(), pattern.end(), std::string("**"));
  return static_cast<int>(pattern.size() - any_depth) * 1000 - wildcards;
}

bool ignored(const std::vector<std::string>& path, const DiffRules& rules) {
  return std::any_of(rules.ignore.begin(), rules.ignore.end(),
                     [&path](const std::string& p) { return match_score(path_segments(p), path) >= 0; });
}

/// The most specific tolerance covering `path`, or null.
const Tolerance* find_tolerance(const std::vector<std::string>& path, const DiffRules& rules) {
  const Tolerance* best = nullptr;
  int best_score = -1;
  for (const auto& t : rules.tolerances) {
    const int score = match_score(path_segments(t.pattern), path);
    if (score > best_score) {
      best_score = score;
      best = &t.tolerance;
    }
  }
  return best;
}

std::string format_bound(double bound) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", bound);
  return text;
}

std::string join(const std::string& base, const std::string& key) { return base.empty() ? key : base + "." + key; }

class Differ {
 public:
  Differ(const DiffRules& rules, ReportDiff& result) : m_rules(rules), m_result(result) {}

  void compare(const nlohmann::ordered_json& golden, const nlohmann::ordered_json& now, const std::string& path,
               std::vector<std::string>& segments) {
    if (!segments.empty() && ignored(segments, m_rules)) {
      return;
    }
    if (golden.is_object() && now.is_object()) {
      for (const auto& [key, value] : golden.items()) {
        segments.push_back(key);
        if (now.contains(key)) {
          compare(value, now[key], join(path, key), segments);
        } else if (!ignored(segments, m_rules)) {
          add(join(path, key), value.dump(), "", Verdict::missing);
        }
        segments.pop_back();
      }
      for (const auto& [key, value] : now.items()) {
        segments.push_back(key);
        if (!golden.contains(key) && !ignored(segments, m_rules)) {
          add(join(path, key), "", value.dump(), Verdict::added);
        }
        segments.pop_back();
      }
    } else if (golden.is_array() && now.is_array()) {
      const std::size_t n = std::max(golden.size(), now.size());
      for (std::size_t i = 0; i < n; ++i) {
        const std::string index = "[" + std::to_string(i) + "]";
        segments.push_back(index);
        if (i >= now.size()) {
          add(path + index, golden[i].dump(), "", Verdict::missing);
        } else if (i >= golden.size()) {
          add(path + index, "", now[i].dump(), Verdict::added);
        } else {
          compare(golden[i], now[i], path + index, segments);
        }
        segments.pop_back();
      }
    } else {
      compare_leaf(golden, now, path, segments);
    }
  }

 private:
  void compare_leaf(const nlohmann::ordered_json& golden, const nlohmann::ordered_json& now, const std::string& path,
                    const std::vector<std::string>& segments) {
    ++m_result.compared;
    const Tolerance* tolerance = find_tolerance(segments, m_rules);
    if (golden.is_number() && now.is_number()) {
      const bool integers = !golden.is_number_float() && !now.is_number_float();
      if (integers && tolerance == nullptr) {
        if (golden != now) {
          add_number(path, golden, now, "exact", Verdict::regressed);
        }
        return;
      }
      const double g = golden.get<double>();
      const double a = now.get<double>();
      if (g == a) {
        return;
      }
      const double bound = (tolerance ? *tolerance : m_rules.default_tolerance).bound(g);
      const bool within = std::isfinite(a) && std::abs(a - g) <= bound;
      add_number(path, golden, now, format_bound(bound), within ? Verdict::within : Verdict::regressed);
      return;
    }
    if (golden != now) {
      add(path, golden.dump(), now.dump(), Verdict::regressed);
    }
  }

  void add_number(const std::string& path, const nlohmann::ordered_json& golden, const nlohmann::ordered_json& now,
                  const std::string& tolerance, Verdict verdict) {
    MetricChange c;
    c.path = path;
    c.golden = golden.dump();
    c.now = now.dump();
    c.delta = now.get<double>() - golden.get<double>();
    c.tolerance = tolerance;
    c.verdict = verdict;
    m_result.changes.push_back(std::move(c));
  }

  void add(const std::string& path, std::string golden, std::string now, Verdict verdict) {
    MetricChange c;
    c.path = path;
    c.golden = std::move(golden);
    c.now = std::move(now);
    c.tolerance = "exact";
    c.verdict = verdict;
    m_result.changes.push_back(std::move(c));
  }

  const DiffRules& m_rules;
  ReportDiff& m_result;
};

nlohmann::ordered_json strip(const nlohmann::ordered_json& value, std::vector<std::string>& segments,
                             const DiffRules& rules) {
  if (value.is_object()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& [key, child] : value.items()) {
      segments.push_back(key);
      if (!ignored(segments, rules)) {
        out[key] = strip(child, segments, rules);
      }
      segments.pop_back();
    }
    return out;
  }
  if (value.is_array()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < value.size(); ++i) {
      segments.push_back("[" + std::to_string(i) + "]");
      if (!ignored(segments, rules)) {
        out.push_back(strip(value[i], segments, rules));
      }
      segments.pop_back();
    }
    return out;
  }
  return value;
}

}  // namespace

bool ReportDiff::regressed() const {
  return std::any_of(changes.begin(), changes.end(),
                     [](const MetricChange& c) { return c.verdict != Verdict::within; });
}

ReportDiff diff_reports(const nlohmann::ordered_json& golden, const nlohmann::ordered_json& now,
                        const DiffRules& rules) {
  ReportDiff result;
  std::vector<std::string> segments;
  Differ(rules, result).compare(golden, now, "", segments);
  return result;
}

nlohmann::ordered_json without_ignored(const nlohmann::ordered_json& report, const DiffRules& rules) {
  std::vector<std::string> segments;
  return strip(report, segments, rules);
}

}  // namespace imcsim::regress
