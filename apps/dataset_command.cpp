// imcsim dataset: load a data set as an accuracy run would and summarise it (JSON).

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "apps/commands.h"
#include "workloads/dataset.h"

namespace imcsim::apps {

void add_dataset_command(CLI::App& app, int& exit_code) {
  auto spec = std::make_shared<std::string>("fashion-mnist");
  auto images = std::make_shared<int>(0);
  CLI::App* cmd = app.add_subcommand("dataset", "Load a data set and summarise it (JSON)");
  cmd->add_option("--dataset", *spec, "fashion-mnist, fashion-mnist:train, or a data set YAML file")
      ->capture_default_str();
  cmd->add_option("--images", *images, "At most this many samples (0: all)")->check(CLI::NonNegativeNumber);
  cmd->callback([spec, images, &exit_code]() {
    const workloads::Dataset d = workloads::load_dataset(*spec, *images);
    std::map<int, int> per_class;
    for (const int l : d.labels) ++per_class[l];
    nlohmann::ordered_json j;
    j["dataset"] = d.name;
    j["samples"] = d.size();
    j["sample_shape"] = d.sample_shape;
    j["classes"] = d.classes;
    nlohmann::ordered_json counts = nlohmann::ordered_json::object();
    for (const auto& [label, count] : per_class) counts[std::to_string(label)] = count;
    j["samples_per_class"] = counts;
    j["value_min"] = d.size() > 0 ? d.samples.minCoeff() : 0.0f;
    j["value_max"] = d.size() > 0 ? d.samples.maxCoeff() : 0.0f;
    j["value_mean"] = d.size() > 0 ? d.samples.mean() : 0.0f;
    std::cout << j.dump(2) << "\n";
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
