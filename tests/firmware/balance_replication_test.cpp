// Replication weighs each layer's estimated time per replica (firmware/model_mapping.h, LayerShape's *_ns_per_step)
// and the chip fills those estimates in (chip/stage_estimates.h). Plain C++ (no SystemC).

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "chip/accuracy.h"
#include "chip/chip_config.h"
#include "chip/core_params.h"
#include "chip/stage_estimates.h"
#include "cores/core_costs.h"
#include "firmware/model_mapping.h"
#include "workloads/onnx_import.h"

namespace imcsim::firmware {
namespace {

/// One-tile layers (at most 256 x 256) with the given steps and estimates, ns per step.
LayerShape shape(const std::string& name, std::int64_t steps, double mvm_ns, double digital_ns = 0,
                 double network_ns = 0) {
  LayerShape s{name, 256, 256, steps};
  s.mvm_ns_per_step = mvm_ns;
  s.digital_ns_per_step = digital_ns;
  s.network_ns_per_step = network_ns;
  return s;
}

std::vector<int> replicas_of(const ModelMapping& m) {
  std::vector<int> out;
  for (const auto& l : m.layers) out.push_back(l.replicas);
  return out;
}

/// The pipeline's bottleneck: the largest estimated time per replica (ns) over the layers of `m`, with the
/// estimates of `estimated` (same layers).
double bottleneck_ns(const ModelMapping& m, const std::vector<LayerShape>& estimated) {
  double worst = 0;
  for (std::size_t k = 0; k < m.layers.size(); ++k) {
    worst = std::max(worst, estimated[k].estimated_ns_per_step() * m.layers[k].steps_per_replica());
  }
  return worst;
}

TEST(BalanceReplication, ReplicatesTheLayerWithTheMostDigitalTimeBeforeTheOneWithTheMostMvms) {
  // A: 100 MVMs of 133 ns (13.3 us per inference); B: 50 MVMs, each with 1 us of digital work (56.7 us).
  const std::vector<LayerShape> layers{shape("a", 100, 133), shape("b", 50, 133, 1000)};
  const ModelMapping one_spare = map_model(layers, ChipGeometry{256, 256, 3, 1}, Replication::balance);
  EXPECT_EQ(replicas_of(one_spare), (std::vector<int>{1, 2}));
  const ModelMapping fill = map_model(layers, ChipGeometry{256, 256, 3, 1}, Replication::fill);
  EXPECT_EQ(replicas_of(fill), (std::vector<int>{1, 2}));
}

TEST(BalanceReplication, NetworkTimeCountsAsMuchAsDigitalTime) {
  const std::vector<LayerShape> layers{shape("a", 100, 133), shape("b", 50, 133, 0, 1000)};
  EXPECT_EQ(replicas_of(map_model(layers, ChipGeometry{256, 256, 3, 1}, Replication::balance)),
            (std::vector<int>{1, 2}));
}

TEST(BalanceReplication, StopsWhenAnotherCopyOfTheHeaviestWouldNotLowerItsLoad) {
  // B: 2 steps of 10 us. After B x 2 and A x 2, B (10 us per replica, one step each) is still the heaviest;
  // a third copy would leave a replica with a whole step, so balance stops with 60 cores spare.
  const std::vector<LayerShape> layers{shape("a", 100, 133), shape("b", 2, 133, 10000)};
  const ModelMapping m = map_model(layers, ChipGeometry{}, Replication::balance);
  EXPECT_EQ(replicas_of(m), (std::vector<int>{2, 2}));
  EXPECT_EQ(m.cores_used(), 4);
}

TEST(BalanceReplication, WithOnlyMvmEstimatesOrWithoutEstimatesTheOrderOfMvmsIsKept) {
  // The same MVM time per step everywhere weighs as MVMs do; zeros weigh 1 per MVM (imcsim layer, hand-built
  // shapes). Both as before: A 100 MVMs, B 50, C 1 share 61 spare cores by MVMs per replica (C, one MVM, gains
  // nothing).
  const std::vector<LayerShape> plain{{"a", 256, 256, 100}, {"b", 256, 256, 50}, {"c", 256, 256, 1}};
  const std::vector<LayerShape> mvm_only{shape("a", 100, 133), shape("b", 50, 133), shape("c", 1, 133)};
  for (const Replication r : {Replication::balance, Replication::fill}) {
    const ModelMapping without = map_model(plain, ChipGeometry{}, r);
    EXPECT_EQ(replicas_of(without), (std::vector<int>{42, 21, 1})) << static_cast<int>(r);
    EXPECT_EQ(replicas_of(map_model(mvm_only, ChipGeometry{}, r)), replicas_of(without));
  }
  EXPECT_EQ(replicas_of(map_model(plain, ChipGeometry{256, 256, 4, 1}, Replication::balance)),
            (std::vector<int>{2, 1, 1}));
}

TEST(BalanceReplication, AReplicaOfChainedStepsSpansFromItsFirstStepToItsLast) {
  LayerPlacement p;
  p.shape = shape("lstm", 28, 133);
  p.shape.chained_steps = true;
  const std::vector<std::pair<int, double>> spans{{1, 28}, {14, 15}, {25, 26}, {28, 1}, {30, 28.0 / 30}};
  for (const auto& [replicas, steps] : spans) {
    p.replicas = replicas;
    EXPECT_DOUBLE_EQ(p.steps_per_replica(), steps) << replicas;
  }
  p.shape.chained_steps = false;
  p.replicas = 25;
  EXPECT_DOUBLE_EQ(p.steps_per_replica(), 28.0 / 25);
}

TEST(BalanceReplication, ARecurrentLayerGetsAReplicaPerStepBeforeAHeavierOneStepLayerStopsBalance) {
  // fc's one step (2.1 us) outweighs lstm's average share of 28 steps (0.6 us each) from 9 replicas on, but
  // the recurrent layer's replicas only pipeline inferences once each serves one step: 28.
  LayerShape lstm = shape("lstm", 28, 133, 500);
  lstm.chained_steps = true;
  const std::vector<LayerShape> layers{lstm, shape("fc", 1, 133, 0, 2000)};
  EXPECT_EQ(replicas_of(map_model(layers, ChipGeometry{}, Replication::balance)), (std::vector<int>{28, 1}));
}

TEST(StageEstimates, EveryLayerOfTheZooCnnHasItsMvmDigitalAndNetworkTimePerStep) {
  const chip::ChipConfig config = chip::default_chip_config();
  const workloads::Graph g = workloads::import_onnx(std::string(IMCSIM_SOURCE_DIR) + "/workloads/models/cnn.onnx");
  const std::vector<LayerShape> shapes = chip::estimated_layer_shapes(g, config);
  const std::vector<LayerShape> plain = chip::layer_shapes(g);
  ASSERT_EQ(shapes.size(), plain.size());
  const double mvm_ns = cores::CoreCosts(chip::core_params(config)).model().mvm().latency_ns;
  for (std::size_t k = 0; k < shapes.size(); ++k) {
    const LayerShape& s = shapes[k];
    std::printf("%s: %lld steps, mvm %.1f + digital %.1f + network %.1f ns per step\n", s.name.c_str(),
                static_cast<long long>(s.mvms_per_inference), s.mvm_ns_per_step, s.digital_ns_per_step,
                s.network_ns_per_step);
    EXPECT_EQ(s.name, plain[k].name);
    EXPECT_EQ(s.mvms_per_inference, plain[k].mvms_per_inference);
    // Every tile of a replica reads the crossbar once per step.
    EXPECT_NEAR(s.mvm_ns_per_step, mvm_ns, 1e-6 * mvm_ns) << s.name;
    EXPECT_GT(s.digital_ns_per_step, 0) << s.name;
    EXPECT_GT(s.network_ns_per_step, 0) << s.name;
  }
}

TEST(StageEstimates, TheZooLstmsRecurrentLayerHasChainedStepsAndKeepsAReplicaPerStep) {
  const chip::ChipConfig config = chip::default_chip_config();
  const workloads::Graph g = workloads::import_onnx(std::string(IMCSIM_SOURCE_DIR) + "/workloads/models/lstm.onnx");
  const std::vector<LayerShape> shapes = chip::estimated_layer_shapes(g, config);
  ASSERT_EQ(shapes.size(), 2u);
  EXPECT_TRUE(shapes[0].chained_steps);
  EXPECT_FALSE(shapes[1].chained_steps);
  const ModelMapping m = map_model(shapes, chip::chip_geometry(config), Replication::balance);
  EXPECT_EQ(replicas_of(m), (std::vector<int>{28, 1}));
}

TEST(StageEstimates, BalanceOnTheEstimatesLowersTheZooCnnsEstimatedBottleneck) {
  const chip::ChipConfig config = chip::default_chip_config();
  const workloads::Graph g = workloads::import_onnx(std::string(IMCSIM_SOURCE_DIR) + "/workloads/models/cnn.onnx");
  const std::vector<LayerShape> estimated = chip::estimated_layer_shapes(g, config);
  const ChipGeometry chip = chip::chip_geometry(config);
  const ModelMapping by_time = map_model(estimated, chip, Replication::balance);
  const ModelMapping by_mvms = map_model(chip::layer_shapes(g), chip, Replication::balance);
  const ModelMapping none = map_model(estimated, chip, Replication::none);
  const double new_ns = bottleneck_ns(by_time, estimated);
  const double old_ns = bottleneck_ns(by_mvms, estimated);
  std::printf("bottleneck per inference: none %.0f ns, balance by MVMs %.0f ns, by estimated time %.0f ns\n",
              bottleneck_ns(none, estimated), old_ns, new_ns);
  EXPECT_LT(new_ns, bottleneck_ns(none, estimated));
  EXPECT_LT(new_ns, 0.9 * old_ns);
  EXPECT_LE(by_time.cores_used(), chip.cores());
}

}  // namespace
}  // namespace imcsim::firmware
