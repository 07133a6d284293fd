#pragma once
// One name table per enum: the names a config file, a command line or a report uses for its values, in one
// list that both parses a name and names a value, so the two cannot disagree and an error lists every name.
//
// Contract: every value of the enum that code can produce has exactly one entry; names are unique. An enum is
// declared with its table's accessor next to it, which the .cpp defines with a function-local static:
//   enum class AdcKind { cco, sar, flash, ramp };
//   const NameTable<AdcKind>& adc_kind_names();  // {{AdcKind::cco, "cco"}, {AdcKind::sar, "sar"}, ...}

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "base/errors.h"
#include "base/text.h"

namespace imcsim {

template <typename E>
class NameTable {
 public:
  NameTable(std::initializer_list<std::pair<E, const char*>> entries) : m_entries(entries.begin(), entries.end()) {}

  /// The value called `name`, or nullptr when no value is.
  const E* find(const std::string& name) const {
    for (const auto& [value, n] : m_entries) {
      if (name == n) return &value;
    }
    return nullptr;
  }
  /// The value called `name`; throws ParameterError(parameter, "unknown <what> 'name' (known: a, b)").
  E parse(const std::string& name, const std::string& parameter, const std::string& what) const {
    if (const E* value = find(name)) return *value;
    throw ParameterError(parameter, "unknown " + what + " '" + name + "' (known: " + known() + ")");
  }
  /// The name of `value`; throws Error for a value without an entry (a broken table).
  std::string name(E value) const {
    for (const auto& [v, n] : m_entries) {
      if (v == value) return n;
    }
    throw Error("no name for enum value " + std::to_string(static_cast<int>(value)));
  }
  /// Every value, in table order.
  std::vector<E> values() const {
    std::vector<E> out;
    for (const auto& entry : m_entries) out.push_back(entry.first);
    return out;
  }
  /// Every name, in table order.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& entry : m_entries) out.emplace_back(entry.second);
    return out;
  }
  /// "a, b, c": the names as an error message offers them.
  std::string known() const { return join_names(names()); }

 private:
  std::vector<std::pair<E, const char*>> m_entries;
};

}  // namespace imcsim
