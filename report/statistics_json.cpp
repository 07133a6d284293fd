#include "report/statistics_json.h"

namespace imcsim::report {

nlohmann::ordered_json statistics_json(const StatisticsRegistry& stats) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const Stat* s : stats.all()) {
    j[s->name] = {{"value", s->value}, {"unit", s->unit}, {"description", s->description}};
  }
  return j;
}

}  // namespace imcsim::report
