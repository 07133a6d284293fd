// A zoo model's range calibration (calibrate/model_calibration.h): the on-chip mode reads the programmed instance
// itself, the network loss splices a candidate tile into the chip model's network, and the `loss` objective
// calibrates layer by layer, whatever the thread count.

#include <gtest/gtest.h>

#include <cstdio>

#include "calibrate/calibration_cost.h"
#include "calibrate/model_calibration.h"
#include "calibrate/network_loss.h"
#include "chip/accuracy.h"
#include "chip/analog_model.h"
#include "chip/chip_config.h"
#include "workloads/dataset.h"
#include "workloads/model_zoo.h"
#include "workloads/onnx_import.h"
#include "workloads/reference_executor.h"

namespace imcsim::calibrate {
namespace {

/// The zoo's mlp on hermes64 with 48 training images.
struct Mlp {
  chip::ChipConfig config = chip::load_chip_config("hermes64");
  workloads::Graph graph = workloads::import_onnx(workloads::resolve_model("mlp"));
  std::vector<workloads::WeightLayer> layers = workloads::weight_layers(graph);
  firmware::ModelMapping mapping =
      firmware::map_model(chip::layer_shapes(graph), chip::chip_geometry(config), config.compiler.replication);
  workloads::Dataset train = workloads::load_fashion_mnist("train", 48);
  std::vector<hw::BatchMatrix> inputs = chip::capture_layer_inputs(graph, train.samples, 256);
  LossImages images{&graph, train.samples, train.labels};

  ModelCalibration calibrate(CalibrationOptions options) const {
    return calibrate_model(config, graph.name, layers, mapping, inputs, options, &images);
  }
};

TEST(OnChipCalibration, ProgramsEveryReplicaAsTheInstanceIsProgrammed) {
  const Mlp mlp;
  const double t_s = 86400.0;
  const chip::AnalogModel instance(mlp.config, mlp.layers, mlp.mapping, mlp.inputs);
  const auto device = hw::make_inference_device(mlp.config.device);
  const ObjectiveSetting setting = objective_setting(mlp.config, *device, t_s, 1, Mode::on_chip);
  ASSERT_EQ(setting.noise_seeds, std::vector<std::uint64_t>{mlp.config.sim.seed});
  EXPECT_EQ(setting.first_image, on_chip_first_image);
  for (std::size_t k = 0; k < mlp.layers.size(); ++k) {
    for (std::size_t i = 0; i < mlp.mapping.layers[k].tiles.size(); ++i) {
      const firmware::Tile& t = mlp.mapping.layers[k].tiles[i];
      TileProblem problem;
      problem.weights = mlp.layers[k].matrix.block(t.row0, t.col0, t.rows, t.cols);
      problem.inputs = mlp.inputs[k].middleCols(t.row0, t.rows);
      problem.array_id = static_cast<std::uint32_t>(t.core);
      const TileObjective objective(setting, problem);
      const TileObjective::Programmed p = objective.program(std::vector<float>(std::size_t(t.cols), 1.0f));
      const hw::ProgrammedArray& programmed = instance.arrays()[k][i];
      EXPECT_EQ(p.at_time[0], programmed.normalised_weights_at(t_s)) << "layer " << k << " tile " << i;
      EXPECT_EQ(p.scales[0], programmed.column_scales());
    }
  }
  EXPECT_THROW(objective_setting(mlp.config, *device, t_s, 3, Mode::on_chip), ParameterError);

  CalibrationOptions options;
  options.method = Method::dac;
  options.mode = Mode::on_chip;
  options.noise_seeds = 1;
  const ModelCalibration on_chip = mlp.calibrate(options);
  EXPECT_EQ(on_chip.ranges.mode, "on_chip");
  EXPECT_EQ(on_chip.ranges.seed, mlp.config.sim.seed);
  for (std::size_t k = 0; k < mlp.mapping.layers.size(); ++k) {
    const firmware::LayerPlacement& p = mlp.mapping.layers[k];
    ASSERT_EQ(on_chip.ranges.layers[k].tiles.size(), p.tiles.size());
    for (std::size_t i = 0; i < p.tiles.size(); ++i) {
      EXPECT_EQ(on_chip.ranges.layers[k].tiles[i].replica, int(i) / p.tiles_per_replica());
    }
  }
  // Resolves against the mapping: the file names every replica once.
  EXPECT_NO_THROW(chip::resolve(on_chip.ranges, mlp.mapping, mlp.config, "on-chip.yaml"));

  // What it costs the chip: every read the search made, the tiles calibrating on their cores at once.
  const CalibrationCost cost = on_chip_cost(mlp.config, on_chip, mlp.mapping, mlp.layers, options, 48);
  double vectors = 0, programmings = 0;
  for (const LayerCalibration& l : on_chip.layers) {
    for (const TileSearchResult& r : l.results) {
      EXPECT_GT(r.evaluations, 20);
      vectors += double(r.programmings + 2 * r.column_error_reads + 2 * r.evaluations) * l.vectors;
      programmings += r.programmings;
    }
  }
  EXPECT_DOUBLE_EQ(cost.vectors_read, vectors);
  EXPECT_DOUBLE_EQ(cost.tiles_programmed, programmings);
  EXPECT_EQ(cost.inferences, 0.0);
  EXPECT_GT(cost.time_ns, 0.0);
  EXPECT_GT(cost.energy_uj, 0.0);
}

TEST(NetworkLoss, SplicesTheCandidateIntoTheChipModelsNetwork) {
  const Mlp mlp;
  const chip::AnalogModel instance(mlp.config, mlp.layers, mlp.mapping, mlp.inputs);
  const auto engine = instance.analog_engine_at(3600.0, true);
  const std::size_t last = mlp.layers.size() - 1;
  // At the last layer nothing runs in FP32: the start is the chip model's own loss.
  const NetworkLoss loss(mlp.graph, engine, last, mlp.train.samples, mlp.train.labels, 0);
  const double direct =
      cross_entropy(workloads::ReferenceExecutor(mlp.graph, engine).run(mlp.train.samples, 1), mlp.train.labels);
  EXPECT_DOUBLE_EQ(loss.start_loss(), direct);
  // A candidate equal to the tile it replaces changes nothing; an FP32-like candidate (no noise) lowers the loss.
  const std::vector<chip::TileNumerics>& tiles = engine->layers()[last].tiles;
  std::vector<bool> replaced(tiles.size(), false);
  replaced[0] = true;
  EXPECT_DOUBLE_EQ(loss.loss(tiles[0], replaced), direct);
  // Layer 0 in the chip model, the later layers in FP32: what an engine made of the two computes.
  struct FirstLayerAnalog : workloads::MatrixEngine {
    std::shared_ptr<const chip::AnalogEngine> analog;
    workloads::Fp32Engine fp32;
    FirstLayerAnalog(std::shared_ptr<const chip::AnalogEngine> a, std::vector<workloads::WeightLayer> layers)
        : analog(std::move(a)), fp32(std::move(layers)) {}
    void multiply(std::size_t layer, const hw::BatchMatrix& x, std::int64_t images, std::uint64_t first_image,
                  std::uint32_t first_step, hw::BatchMatrix& y) const override {
      if (layer == 0) {
        analog->multiply(layer, x, images, first_image, first_step, y);
      } else {
        fp32.multiply(layer, x, images, first_image, first_step, y);
      }
    }
    Eigen::Index layer_rows(std::size_t layer) const override { return fp32.layer_rows(layer); }
  };
  const NetworkLoss first(mlp.graph, engine, 0, mlp.train.samples, mlp.train.labels, 0);
  const auto mixed = std::make_shared<const FirstLayerAnalog>(engine, mlp.layers);
  const double expected =
      cross_entropy(workloads::ReferenceExecutor(mlp.graph, mixed).run(mlp.train.samples, 1), mlp.train.labels);
  const double fp32 = cross_entropy(workloads::ReferenceExecutor(mlp.graph).run(mlp.train.samples, 1),
                                    mlp.train.labels);
  std::printf("cross-entropy on 48 images: FP32 %.5f, layer 0 analog %.5f, all analog %.5f\n", fp32,
              first.start_loss(), direct);
  EXPECT_DOUBLE_EQ(first.start_loss(), expected);
  EXPECT_NE(first.start_loss(), fp32);
}

TEST(LossCalibration, CalibratesLayerByLayerWhateverTheThreadCount) {
  const Mlp mlp;
  CalibrationOptions options;
  options.method = Method::both;
  options.objective = Objective::loss;
  options.noise_seeds = 1;
  options.threads = 1;
  const ModelCalibration one = mlp.calibrate(options);
  EXPECT_EQ(one.ranges.objective, "loss");
  options.threads = 2;
  const ModelCalibration two = mlp.calibrate(options);
  ASSERT_EQ(one.layers.size(), mlp.layers.size());
  for (std::size_t k = 0; k < one.layers.size(); ++k) {
    for (std::size_t i = 0; i < one.layers[k].results.size(); ++i) {
      const TileSearchResult& r = one.layers[k].results[i];
      std::printf("layer %zu tile %zu: loss %.5f -> %.5f, beta %.4g, adc %.4g\n", k, i, r.objective_before,
                  r.objective_after, r.input_range, r.adc_range);
      EXPECT_LE(r.objective_after, r.objective_before);
      EXPECT_EQ(r.objective_after, two.layers[k].results[i].objective_after);
      EXPECT_EQ(one.ranges.layers[k].tiles[i].input_range, two.ranges.layers[k].tiles[i].input_range);
      EXPECT_EQ(one.ranges.layers[k].tiles[i].column_kappa, two.ranges.layers[k].tiles[i].column_kappa);
    }
  }
  // The whole network on the one noise seed's instance, all layers analog: the calibrated ranges lower its loss.
  chip::ChipConfig instance = mlp.config;
  instance.sim.seed = noise_seed(mlp.config.sim.seed, 0);
  const chip::ResolvedRanges ranges = chip::resolve(one.ranges, mlp.mapping, instance, "loss.yaml");
  const auto network_loss = [&](const chip::ResolvedRanges* r) {
    const chip::AnalogModel model(instance, mlp.layers, mlp.mapping, mlp.inputs, r);
    return cross_entropy(workloads::ReferenceExecutor(mlp.graph, model.engine_at(3600.0, true)).run(mlp.train.samples),
                         mlp.train.labels);
  };
  const double before = network_loss(nullptr), after = network_loss(&ranges);
  std::printf("the noise seed's instance, all layers analog: loss %.5f uncalibrated, %.5f calibrated\n", before,
              after);
  EXPECT_LT(after, before);
  // On chip, each evaluation is a pass of the network over the 48 images.
  double evaluations = 0;
  for (const LayerCalibration& l : one.layers) {
    for (const TileSearchResult& r : l.results) evaluations += r.evaluations;
  }
  const CalibrationCost cost = on_chip_cost(mlp.config, one, mlp.mapping, mlp.layers, options, 48);
  EXPECT_DOUBLE_EQ(cost.inferences, 48.0 * evaluations);
  EXPECT_GT(cost.time_ns, 0.0);
  EXPECT_THROW(calibrate_model(mlp.config, "mlp", mlp.layers, mlp.mapping, mlp.inputs, options, nullptr),
               ParameterError);
}

}  // namespace
}  // namespace imcsim::calibrate
