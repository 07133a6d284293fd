#include "hw/programmed_array.h"

#include <gtest/gtest.h>

#include "base/errors.h"
#include "test_util.h"

namespace imcsim::hw {
namespace {

std::unique_ptr<InferenceDeviceModel> ideal() {
  InferenceDeviceConfig c;
  c.model = "ideal";
  return make_inference_device(c);
}

TEST(WeightMapping, PerColumnAndPerArrayScales) {
  WeightMatrix w(2, 3);
  w << 0.5, -2.0, 0.0, -1.0, 1.0, 0.0;
  MappingConfig m;
  const Vector col = mapping_scales(w, m);
  EXPECT_FLOAT_EQ(col[0], 1.0f);
  EXPECT_FLOAT_EQ(col[1], 2.0f);
  EXPECT_FLOAT_EQ(col[2], 1.0f);  // all-zero column keeps scale 1
  m.scale = MappingScale::per_array;
  const Vector arr = mapping_scales(w, m);
  for (int j = 0; j < 3; ++j) EXPECT_FLOAT_EQ(arr[j], 2.0f);
  m.scale = MappingScale::per_column;
  m.weight_clip = 0.75f;
  const WeightMatrix u = normalise_weights(w, mapping_scales(w, m), m);
  EXPECT_FLOAT_EQ(u(0, 0), 0.5f / 0.75f);
  EXPECT_FLOAT_EQ(u(0, 1), -1.0f);
  EXPECT_FLOAT_EQ(u(1, 0), -1.0f);
}

TEST(ProgrammedArray, IdealDevicesReadBackExactly) {
  const auto device = ideal();
  for (const int n : {1, 2}) {
    MappingConfig m;
    m.devices_per_polarity = n;
    m.g_min_us = 0.5f;
    ProgrammedArray array(*device, m, 1, 0);
    const WeightMatrix w = test::normal_weights(64, 32, 1.0f, 1);
    array.program(w);
    EXPECT_EQ(array.slots(), 2 * n);
    WeightMatrix read = array.normalised_weights_at(3600.0);
    read.array().rowwise() *= array.column_scales().transpose().array();
    EXPECT_LT((read - w).cwiseAbs().maxCoeff(), 1e-5f);
    // Positive weights sit on G+ only, negative on G- only, each device between g_min and g_max.
    EXPECT_GE(array.target_us(0).minCoeff(), 0.5f - 1e-6f);
    EXPECT_LE(array.target_us(0).maxCoeff(), 25.0f + 1e-4f);
  }
}

TEST(ProgrammedArray, GivenColumnScalesSaturateTheLargerWeights) {
  const auto device = ideal();
  ProgrammedArray array(*device, MappingConfig{}, 1, 0);
  WeightMatrix w(2, 2);
  w << 1.0, -4.0, 0.25, 1.0;
  Vector scales(2);
  scales << 0.5f, 4.0f;  // column 0 at half its max |w|, column 1 at its max |w|
  array.program(w, scales);
  EXPECT_EQ(array.column_scales(), scales);
  const WeightMatrix u = array.programmed_normalised_weights();
  EXPECT_FLOAT_EQ(u(0, 0), 1.0f);  // 1.0 / 0.5 saturates at g_max
  EXPECT_FLOAT_EQ(u(1, 0), 0.5f);  // finer resolution of the rest
  EXPECT_FLOAT_EQ(u(0, 1), -1.0f);
  EXPECT_FLOAT_EQ(u(1, 1), 0.25f);
  EXPECT_LE(array.target_us(0).maxCoeff(), device->params().g_max_us + 1e-4f);
  array.program(w);
  EXPECT_FLOAT_EQ(array.column_scales()[0], 1.0f);
  Vector zero = Vector::Zero(2);
  EXPECT_THROW(array.program(w, zero), ParameterError);
  EXPECT_THROW(array.program(w, Vector::Ones(3)), ParameterError);
}

TEST(ProgrammedArray, MoreDevicesPerPolarityAverageProgrammingNoise) {
  const auto device = make_inference_device({});
  const WeightMatrix w = test::normal_weights(256, 256, 1.0f, 2);
  double error[2];
  for (const int n : {1, 4}) {
    MappingConfig m;
    m.devices_per_polarity = n;
    ProgrammedArray array(*device, m, 3, 0);
    array.program(w);
    const WeightMatrix u = normalise_weights(w, array.column_scales(), m);
    error[n == 4] = (array.programmed_normalised_weights() - u).norm();
  }
  // Independent devices: noise std falls as 1/sqrt(N).
  EXPECT_NEAR(error[1] / error[0], 0.5, 0.05);
}

TEST(ProgrammedArray, StuckFaultsFollowTheirProbabilities) {
  const auto device = ideal();
  MappingConfig m;
  m.stuck_off_probability = 0.02f;
  m.stuck_on_probability = 0.01f;
  ProgrammedArray array(*device, m, 5, 0);
  array.program(test::normal_weights(256, 256, 1.0f, 3));
  double off = 0, on = 0;
  for (int s = 0; s < array.slots(); ++s) {
    const FaultMatrix& f = array.faults(s);
    off += (f.array() == static_cast<std::uint8_t>(DeviceFault::stuck_off)).count();
    on += (f.array() == static_cast<std::uint8_t>(DeviceFault::stuck_on)).count();
  }
  const double n = 2.0 * 256 * 256;
  EXPECT_NEAR(off / n, 0.02, 0.002);
  EXPECT_NEAR(on / n, 0.01, 0.0015);
  const WeightMatrix g = array.conductance_at_us(0, 0.0);
  const FaultMatrix& f = array.faults(0);
  for (Eigen::Index i = 0; i < g.size(); ++i) {
    if (f.data()[i] == static_cast<std::uint8_t>(DeviceFault::stuck_on)) {
      ASSERT_FLOAT_EQ(g.data()[i], 25.0f);
    }
    if (f.data()[i] == static_cast<std::uint8_t>(DeviceFault::stuck_off)) {
      ASSERT_FLOAT_EQ(g.data()[i], 0.0f);
    }
  }
}

TEST(ProgrammedArray, ExplicitFaultMaskIsUsed) {
  const auto device = ideal();
  ProgrammedArray array(*device, MappingConfig{}, 5, 0);
  FaultMatrix mask = FaultMatrix::Zero(4, 4);
  mask(1, 2) = static_cast<std::uint8_t>(DeviceFault::stuck_on);
  array.set_faults(1, mask);  // slot 1 = G- of the single device pair
  array.program(WeightMatrix::Constant(4, 4, 0.5f));
  const WeightMatrix u = array.programmed_normalised_weights();
  // Every weight is its column's maximum: G+ = g_max, G- = 0, u = 1; the stuck-on G- cancels its G+.
  EXPECT_FLOAT_EQ(u(0, 0), 1.0f);
  EXPECT_FLOAT_EQ(u(1, 2), 0.0f);
}

TEST(ProgrammedArray, ReadsAreDeterministicAndDrawsIndependent) {
  const auto device = make_inference_device({});
  ProgrammedArray a(*device, MappingConfig{}, 11, 4);
  ProgrammedArray b(*device, MappingConfig{}, 11, 4);
  const WeightMatrix w = test::normal_weights(32, 32, 1.0f, 4);
  a.program(w);
  b.program(w);
  EXPECT_EQ(a.normalised_weights_at(100.0, 2), b.normalised_weights_at(100.0, 2));
  EXPECT_NE(a.normalised_weights_at(100.0, 2), a.normalised_weights_at(100.0, 3));
  ProgrammedArray other(*device, MappingConfig{}, 11, 5);
  other.program(w);
  EXPECT_NE(a.programmed_normalised_weights(), other.programmed_normalised_weights());
}

TEST(ProgrammedArray, InvalidMappingNamesTheParameter) {
  const auto device = make_inference_device({});
  MappingConfig m;
  m.g_min_us = 30.0f;
  try {
    ProgrammedArray array(*device, m, 1, 0);
    FAIL() << "g_min above g_max accepted";
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.parameter(), "mapping.g_min_us");
  }
  EXPECT_THROW(mapping_scale_names().parse("per_row", "mapping.scale", "scale"), ParameterError);
  m = {};
  m.stuck_on_probability = 1.5f;
  EXPECT_THROW(ProgrammedArray(*device, m, 1, 0), ParameterError);
}

}  // namespace
}  // namespace imcsim::hw
