// The timed cores compute what the batched accuracy path computes: a sample of test images through the SystemC
// cores (chip/timed_inference.h) against the same images in the batched engine (chip/analog_model.h), without and
// with a range calibration.

#include "chip/timed_inference.h"

#include <gtest/gtest.h>

#include <functional>

#include "chip/accuracy.h"
#include "chip/analog_model.h"
#include "workloads/dataset.h"
#include "workloads/model_zoo.h"
#include "workloads/onnx_import.h"
#include "workloads/reference_executor.h"
#include "workloads/weight_layers.h"

namespace imcsim::chip {
namespace {

/// The zoo's default model on hermes64, with the calibration `edit` makes of its own ranges.
AnalogModel zoo_model(const ChipConfig& config, const workloads::Graph& graph, const firmware::ModelMapping& mapping,
                      const std::function<void(RangeCalibration&)>& edit) {
  const std::vector<hw::BatchMatrix> inputs =
      capture_layer_inputs(graph, workloads::load_fashion_mnist("train", 32).samples);
  if (!edit) return AnalogModel(config, workloads::weight_layers(graph), mapping, inputs);
  RangeCalibration ranges = AnalogModel(config, workloads::weight_layers(graph), mapping, inputs).ranges("", "");
  edit(ranges);
  const ResolvedRanges resolved = resolve(ranges, mapping, config, "edited");
  return AnalogModel(config, workloads::weight_layers(graph), mapping, inputs, &resolved);
}

void expect_timed_cores_compute_what_the_batched_path_computes(const std::function<void(RangeCalibration&)>& edit) {
  const ChipConfig config = load_chip_config("hermes64");
  const workloads::Graph graph =
      workloads::import_onnx(workloads::resolve_model(workloads::load_model_zoo().default_model));
  const firmware::ModelMapping mapping =
      firmware::map_model(layer_shapes(graph), chip_geometry(config), config.compiler.replication);
  const AnalogModel model = zoo_model(config, graph, mapping, edit);
  // The batched path over the first 300 test images (three executor chunks, two threads); the timed path over
  // six of them, told which images they are.
  const workloads::Dataset test = workloads::load_fashion_mnist("test", 300);
  const auto engine = model.analog_engine_at(3600.0, true);
  const hw::BatchMatrix batched = workloads::ReferenceExecutor(graph, engine).run(test.samples, 2);
  constexpr Eigen::Index first = 137, sample = 6;
  const TimedInferenceResult timed =
      run_on_timed_cores(config, graph, *engine, test.samples.middleRows(first, sample), first);

  ASSERT_EQ(timed.outputs.rows(), sample);
  const hw::BatchMatrix expected = batched.middleRows(first, sample);
  for (Eigen::Index b = 0; b < sample; ++b) {
    Eigen::Index timed_class = 0, batched_class = 0;
    timed.outputs.row(b).maxCoeff(&timed_class);
    expected.row(b).maxCoeff(&batched_class);
    EXPECT_EQ(timed_class, batched_class) << "image " << first + b;
    const float scale = expected.row(b).cwiseAbs().maxCoeff();
    EXPECT_LE((timed.outputs.row(b) - expected.row(b)).cwiseAbs().maxCoeff(), 1e-6f * scale) << "image " << first + b;
  }
  // Every MVM went to a core: the conv layers' output pixels, the Gemms once, per row tile.
  std::int64_t reads = 0;
  for (const auto& layer : mapping.layers) {
    reads += static_cast<std::int64_t>(layer.tiles.size() / static_cast<std::size_t>(layer.replicas)) *
             layer.shape.mvms_per_inference;
  }
  EXPECT_EQ(timed.mvm_commands, reads);
  EXPECT_EQ(timed.mvm_vectors, reads * sample);
  EXPECT_GT(timed.simulated_ns, 0.0);
}

TEST(TimedInference, TimedCoresComputeWhatTheBatchedPathComputes) {
  expect_timed_cores_compute_what_the_batched_path_computes({});
}

// A range calibration (chip/range_calibration.h) reaches the timed cores through the same tiles: input ranges
// that differ per tile and per layer, column kappa below 1.
TEST(TimedInference, TimedCoresReadTheCalibratedRanges) {
  expect_timed_cores_compute_what_the_batched_path_computes([](RangeCalibration& c) {
    for (auto& l : c.layers) {
      for (std::size_t i = 0; i < l.tiles.size(); ++i) {
        l.tiles[i].input_range = *l.tiles[i].input_range * (i % 2 == 0 ? 0.5f : 1.5f);
        l.tiles[i].column_kappa[0] = 0.8f;
      }
    }
  });
}

}  // namespace
}  // namespace imcsim::chip
