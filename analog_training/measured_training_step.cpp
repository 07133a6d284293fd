#include "analog_training/measured_training_step.h"

#include "base/errors.h"
#include "report/training_step_json.h"
#include "runner/run.h"

namespace imcsim::analog_training {

namespace {

/// summary[key] as T; InputError naming `source` and the key's path otherwise.
template <typename T>
T field(const nlohmann::ordered_json& j, const std::string& key, const std::string& path, const std::string& source) {
  const auto it = j.find(key);
  if (it == j.end()) throw InputError(source, 0, 0, path + key, "missing");
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) throw InputError(source, 0, 0, path + key, "must be a string");
  } else {
    if (!it->is_number_unsigned() && !(it->is_number_integer() && it->template get<std::int64_t>() >= 0)) {
      throw InputError(source, 0, 0, path + key, "must be a count (an integer >= 0)");
    }
  }
  return it->template get<T>();
}

}  // namespace

std::vector<std::vector<firmware::UpdateCounts>> update_counts_of(const nlohmann::ordered_json& summary,
                                                                  const std::string& source) {
  const auto layers = summary.find("update_activity_this_run");
  if (layers == summary.end() || !layers->is_array()) {
    throw InputError(source, 0, 0, "update_activity_this_run", "missing: not a summary of imcsim train --analog");
  }
  std::vector<std::vector<firmware::UpdateCounts>> counts;
  for (std::size_t k = 0; k < layers->size(); ++k) {
    const nlohmann::ordered_json& layer = (*layers)[k];
    const std::string path = "update_activity_this_run[" + std::to_string(k) + "].";
    const auto updates = field<std::uint64_t>(layer, "sample_updates", path, source);
    const auto tiles = layer.find("tiles");
    if (tiles == layer.end() || !tiles->is_array()) throw InputError(source, 0, 0, path + "tiles", "missing");
    std::vector<firmware::UpdateCounts> row;
    for (std::size_t t = 0; t < tiles->size(); ++t) {
      const std::string tile = path + "tiles[" + std::to_string(t) + "].";
      const nlohmann::ordered_json& c = (*tiles)[t];
      row.push_back({updates, field<std::uint64_t>(c, "slots", tile, source),
                     field<std::uint64_t>(c, "row_pulses", tile, source),
                     field<std::uint64_t>(c, "column_pulses", tile, source),
                     field<std::uint64_t>(c, "coincidences", tile, source)});
    }
    counts.push_back(std::move(row));
  }
  return counts;
}

nlohmann::ordered_json time_measured_training_step(const chip::ChipConfig& chip, const nlohmann::ordered_json& summary,
                                                   const std::string& source) {
  const auto counts = update_counts_of(summary, source);
  runner::RunRequest request;
  request.chip = chip;
  request.model = field<std::string>(summary, "model", "", source);
  request.timing_only = true;
  request.train_step = runner::TrainStepRequest{static_cast<int>(field<std::uint64_t>(summary, "batch", "", source)),
                                                static_cast<int>(field<std::uint64_t>(summary, "pulse_length", "", source)),
                                                std::nullopt};
  runner::PreparedRun prepared = runner::prepare(request);
  // The activity needs the training mapping that prepare() makes; measured_training_activity checks its shape.
  prepared.request.train_step->activity = firmware::measured_training_activity(prepared.training_mapping, counts);
  return report::training_step_json(*runner::time_run(prepared).training_step);
}

}  // namespace imcsim::analog_training
