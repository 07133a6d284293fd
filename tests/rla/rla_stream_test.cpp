// The streaming sketch and Frequent Directions (rla/streaming_sketch.h, rla/frequent_directions.h) on small data.

#include <gtest/gtest.h>

#include "base/errors.h"
#include "chip/chip_config.h"
#include "rla/frequent_directions.h"
#include "rla/random_matrices.h"
#include "rla/streaming_sketch.h"

namespace imcsim::rla {
namespace {

/// Non-negative data of order 1 with a few strong directions, like pixels.
Eigen::MatrixXd pixels_like(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
  const Eigen::MatrixXd u = gaussian_matrix(rows, 4, seed, SketchId::range_finder).cwiseAbs();
  const Eigen::MatrixXd v = gaussian_matrix(4, cols, seed + 1, SketchId::range_finder).cwiseAbs();
  return (u * v / 8.0 + 0.05 * gaussian_matrix(rows, cols, seed + 2, SketchId::least_squares).cwiseAbs()).cwiseMin(1.0);
}

TEST(FrequentDirections, MeetsItsErrorBound) {
  const Eigen::MatrixXd a = pixels_like(500, 40, 1);
  for (const int l : {4, 10}) {
    const FrequentDirections fd = frequent_directions(a, l);
    EXPECT_EQ(fd.sketch.rows(), l);
    const double e = covariance_error(a, fd.sketch.transpose() * fd.sketch);
    EXPECT_LE(e, 1.0 / l);
    EXPECT_GT(e, 0.0);
    EXPECT_GT(fd.shrinks, 500.0 / (2 * l) - 1);
  }
}

TEST(StreamingSketch, AnIdealChipAccumulatesTheDigitalSketchAndHermesDevicesDoWorse) {
  const Eigen::MatrixXd a = pixels_like(400, 40, 2);
  const StreamingSketchOptions options{8, 100, 255, 3, 1};
  const StreamingSketch s = streaming_sketch(chip::load_chip_config("ideal"), a, options);
  EXPECT_EQ(s.windows, 4);
  EXPECT_EQ(s.sample_updates, 400);
  EXPECT_GT(s.coincidences, 0);
  EXPECT_GT(s.reset_pulses, 0);
  EXPECT_GT(s.time_ns, 0);
  EXPECT_GT(s.static_energy_uj, 0);
  EXPECT_TRUE(s.digital.isApprox(streaming_sketch(chip::load_chip_config("ideal"), a, {8, 400, 255, 3, 1}).digital,
                                 1e-12));  // the same G, whatever the windows
  const double ideal = (s.analog - s.digital).norm() / s.digital.norm();
  EXPECT_LT(ideal, 0.6);
  const StreamingSketch h = streaming_sketch(chip::load_chip_config("hermes64"), a, options);
  EXPECT_EQ(h.digital, s.digital);
  EXPECT_GT((h.analog - h.digital).norm() / h.digital.norm(), ideal);
  // Bit-identical for any thread count.
  StreamingSketchOptions two = options;
  two.threads = 2;
  EXPECT_EQ(streaming_sketch(chip::load_chip_config("hermes64"), a, two).analog, h.analog);
}

TEST(StreamingSketch, OptionsTheDataOrChipCannotTakeAreRefusedByName) {
  const chip::ChipConfig hermes = chip::load_chip_config("hermes64");
  const auto parameter_of = [&](const StreamingSketchOptions& o) {
    try {
      check_streaming_options(hermes, o, 500, 40);
    } catch (const ParameterError& e) {
      return e.parameter();
    }
    return std::string("none");
  };
  EXPECT_EQ(parameter_of({41, 100, 31, 1, 1}), "rla.sketch_rows");
  EXPECT_EQ(parameter_of({0, 100, 31, 1, 1}), "rla.sketch_rows");
  EXPECT_EQ(parameter_of({8, 501, 31, 1, 1}), "rla.window_rows");
  EXPECT_EQ(parameter_of({8, 100, 0, 1, 1}), "rla.pulse_length");
  EXPECT_EQ(parameter_of({8, 100, 31, 1, 1}), "none");
}

}  // namespace
}  // namespace imcsim::rla
