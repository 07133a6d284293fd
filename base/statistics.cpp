#include "base/statistics.h"

#include "base/errors.h"

namespace imcsim {

Stat& StatisticsRegistry::declare(const std::string& name, const std::string& description, const std::string& unit) {
  auto [it, inserted] = m_stats.emplace(name, std::make_unique<Stat>());
  if (!inserted) throw Error("statistic '" + name + "' declared twice");
  it->second->name = name;
  it->second->description = description;
  it->second->unit = unit;
  return *it->second;
}

const Stat& StatisticsRegistry::get(const std::string& name) const {
  const auto it = m_stats.find(name);
  if (it == m_stats.end()) throw Error("no statistic '" + name + "'");
  return *it->second;
}

std::vector<const Stat*> StatisticsRegistry::all() const {
  std::vector<const Stat*> out;
  out.reserve(m_stats.size());
  for (const auto& [name, stat] : m_stats) out.push_back(stat.get());
  return out;
}

double StatisticsRegistry::sum_suffix(const std::string& suffix) const {
  double sum = 0;
  for (const auto& [name, stat] : m_stats) {
    if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      sum += stat->value;
    }
  }
  return sum;
}

void StatisticsRegistry::reset() {
  for (auto& [name, stat] : m_stats) stat->value = 0;
}

}  // namespace imcsim
