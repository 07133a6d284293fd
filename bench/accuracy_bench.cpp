#include "bench/accuracy_bench.h"

#include "chip/accuracy.h"
#include "chip/chip_config.h"
#include "firmware/model_mapping.h"
#include "workloads/dataset.h"
#include "workloads/model_zoo.h"
#include "workloads/onnx_import.h"

namespace imcsim::bench {

nlohmann::ordered_json accuracy_benchmark(int max_images) {
  const chip::ChipConfig config = chip::load_chip_config("hermes64");
  const workloads::ModelZoo zoo = workloads::load_model_zoo();
  const workloads::Graph graph = workloads::import_onnx(workloads::resolve_model(zoo.default_model));
  const workloads::Dataset test = workloads::load_fashion_mnist("test", max_images);
  const firmware::ModelMapping mapping =
      firmware::map_model(chip::layer_shapes(graph), chip::chip_geometry(config), firmware::Replication::none);
  chip::AccuracyOptions options;
  options.drift_times_s = {3600.0};
  options.without_compensation = false;
  const chip::AccuracyResult r = chip::evaluate_accuracy(config, graph, mapping, test,
                                                         workloads::load_fashion_mnist("train", 32).samples, options);
  nlohmann::ordered_json j;
  j["benchmark"] = "accuracy";
  j["model"] = zoo.default_model;
  j["chip"] = config.name;
  j["images"] = r.images;
  j["threads"] = options.threads;
  j["reference_s"] = r.reference_s;
  j["chip_s"] = r.chip_s;
  j["programming_s"] = r.programming_s;
  j["ratio"] = r.chip_s / r.reference_s;
  j["fp32_top1"] = r.fp32_top1;
  j["chip_top1"] = r.analog.front().top1;
  return j;
}

}  // namespace imcsim::bench
