#include "firmware/training_activity.h"

#include "base/errors.h"
#include "base/text.h"

namespace imcsim::firmware {

TrainingActivity expected_training_activity(const ModelMapping& mapping, int pulse_length,
                                            const cores::LineProbabilities& p) {
  TrainingActivity a;
  a.source = "expected: every slot used, each row firing with probability " + shortest_double_text(p.row) +
             " and each column with " + shortest_double_text(p.column) + ", independently";
  for (const LayerPlacement& l : mapping.layers) {
    std::vector<cores::UpdateActivity> tiles;
    for (const Tile& t : l.tiles) tiles.push_back(cores::expected_update_activity(t.rows, t.cols, 1, pulse_length, p));
    a.per_sample.push_back(tiles);
  }
  return a;
}

void check_activity_shape(const TrainingActivity& activity, const ModelMapping& mapping) {
  if (activity.per_sample.size() != mapping.layers.size()) {
    throw ParameterError("activity", "has " + std::to_string(activity.per_sample.size()) + " layers, the mapping " +
                                         std::to_string(mapping.layers.size()));
  }
  for (std::size_t k = 0; k < mapping.layers.size(); ++k) {
    if (activity.per_sample[k].size() != mapping.layers[k].tiles.size()) {
      throw ParameterError("activity", "layer " + mapping.layers[k].shape.name + " has " +
                                           std::to_string(activity.per_sample[k].size()) + " tiles, the mapping " +
                                           std::to_string(mapping.layers[k].tiles.size()));
    }
  }
}

TrainingActivity measured_training_activity(const ModelMapping& mapping,
                                            const std::vector<std::vector<UpdateCounts>>& counts) {
  TrainingActivity a;
  a.source = "measured: the numerics' counts of every tile's pulsed updates";
  for (const auto& layer : counts) {
    std::vector<cores::UpdateActivity> tiles;
    for (const UpdateCounts& c : layer) {
      if (c.updates == 0) throw ParameterError("activity", "a tile's counts cover no sample update");
      const double n = static_cast<double>(c.updates);
      tiles.push_back({static_cast<double>(c.slots) / n, static_cast<double>(c.row_pulses) / n,
                       static_cast<double>(c.column_pulses) / n, static_cast<double>(c.coincidences) / n});
    }
    a.per_sample.push_back(tiles);
  }
  check_activity_shape(a, mapping);
  return a;
}

}  // namespace imcsim::firmware
