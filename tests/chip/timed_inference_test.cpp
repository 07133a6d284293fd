// The timed cores compute what the batched accuracy path computes: a sample of test images through the SystemC
// cores (chip/timed_inference.h) against the same images in the batched engine (chip/analog_model.h).

#include "chip/timed_inference.h"

#include <gtest/gtest.h>

#include "chip/accuracy.h"
#include "chip/analog_model.h"
#include "workloads/dataset.h"
#include "workloads/model_zoo.h"
#include "workloads/onnx_import.h"
#include "workloads/reference_executor.h"
#include "workloads/weight_layers.h"

namespace imcsim::chip {
namespace {

TEST(TimedInference, TimedCoresComputeWhatTheBatchedPathComputes) {
  const ChipConfig config = load_chip_config("hermes64");
  const workloads::Graph graph =
      workloads::import_onnx(workloads::resolve_model(workloads::load_model_zoo().default_model));
  const firmware::ModelMapping mapping =
      firmware::map_model(layer_shapes(graph), chip_geometry(config), config.compiler.replication);
  const workloads::Dataset calibration = workloads::load_fashion_mnist("train", 32);
  const AnalogModel model(config, workloads::weight_layers(graph), mapping,
                          capture_layer_inputs(graph, calibration.samples));
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

}  // namespace
}  // namespace imcsim::chip
