#pragma once
// The statistics registry: every component declares its named, described statistics with a unit; one walker
// writes them all out. Components keep a reference to their Stat and add to it; the registry owns the storage.
//
// Contract: names are dotted paths (component path + stat name, e.g. "chip.core3.mvm_count"); declaring the
// same name twice is an error. Iteration is in name order, so output is deterministic.

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace imcsim {

struct Stat {
  std::string name;
  std::string description;
  std::string unit;  ///< "count", "ns", "pJ", ...
  double value = 0;

  Stat& operator+=(double amount) {
    value += amount;
    return *this;
  }
};

class StatisticsRegistry {
 public:
  /// Declares a statistic; throws imcsim::Error if the name exists.
  Stat& declare(const std::string& name, const std::string& description, const std::string& unit);
  /// The statistic of that name; throws imcsim::Error if it does not exist.
  const Stat& get(const std::string& name) const;
  bool has(const std::string& name) const { return m_stats.count(name) != 0; }
  /// All statistics, in name order.
  std::vector<const Stat*> all() const;
  /// Sum of the values of every statistic whose name ends with `suffix` (e.g. ".energy_adc_pj").
  double sum_suffix(const std::string& suffix) const;
  /// Sets every value to zero (keeps the declarations).
  void reset();

 private:
  std::map<std::string, std::unique_ptr<Stat>> m_stats;
};

}  // namespace imcsim
