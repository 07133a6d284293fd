// Acceptance: global drift compensation brings the mean output of a programmed array back to within 1 % of
// its value right after programming, at t = 1 day.

#include "hw/drift_compensation.h"

#include <gtest/gtest.h>

#include "base/errors.h"
#include "hw/crossbar.h"
#include "hw/programmed_array.h"
#include "test_util.h"

namespace imcsim::hw {
namespace {

constexpr double one_day_s = 86400.0;

struct DriftSetup {
  std::unique_ptr<InferenceDeviceModel> device;
  std::unique_ptr<ProgrammedArray> array;
  std::unique_ptr<Crossbar> crossbar;
  std::uint32_t pass = 0;

  explicit DriftSetup(const std::string& model) {
    InferenceDeviceConfig d;
    d.model = model;
    device = make_inference_device(d);
    array = std::make_unique<ProgrammedArray>(*device, MappingConfig{}, 7, 0);
    // Weights with a positive mean so that the mean output is far from zero.
    WeightMatrix w = test::normal_weights(256, 256, 0.05f, 10).array() + 0.02f;
    array->program(w);
    CrossbarConfig c;
    c.adc.output_range = 20.0f;
    c.output_noise_std = 0.04f;
    c.pcm_read_noise = 0.0175f;
    crossbar = std::make_unique<Crossbar>(c, 7, 0);
  }
  DriftCompensation::Readout readout() {
    return [this](const BatchMatrix& probe) { return crossbar->forward(probe, ReadId{pass++, 0}); };
  }
  BatchMatrix read_at(double t_s, const BatchMatrix& x, std::uint32_t draw) {
    crossbar->set_weights(array->normalised_weights_at(t_s, draw), array->column_scales());
    return crossbar->forward(x, ReadId{pass++, 0});
  }
};

double mean_of(const BatchMatrix& y) { return static_cast<double>(y.mean()); }

/// The probe is a calibration batch: 64 inputs of the workload's distribution, not the test inputs.
BatchMatrix calibration_batch() { return test::uniform_batch(64, 256, 0.0f, 1.0f, 77); }

void check_recovery(const std::string& model, DriftCompensationKind kind) {
  DriftSetup s(model);
  const BatchMatrix x = test::uniform_batch(512, 256, 0.0f, 1.0f, 11);
  DriftCompensation comp(kind, calibration_batch());
  const BatchMatrix y0 = s.read_at(0.0, x, 0);
  comp.set_reference(s.readout());

  BatchMatrix y_day = s.read_at(one_day_s, x, 1);
  const double drifted = mean_of(y_day) / mean_of(y0);
  comp.measure(s.readout());
  comp.apply(y_day);
  const double compensated = mean_of(y_day) / mean_of(y0);
  ::testing::Test::RecordProperty("drifted_ratio", std::to_string(drifted));
  ::testing::Test::RecordProperty("compensated_ratio", std::to_string(compensated));
  EXPECT_LT(drifted, 0.85) << model << ": one day of drift should lower the output noticeably";
  EXPECT_NEAR(compensated, 1.0, 0.01) << model << " drifted ratio " << drifted;
}

TEST(DriftCompensation, GlobalRestoresMeanOutputAfterOneDayPcm) {
  check_recovery("pcm", DriftCompensationKind::global);
}

TEST(DriftCompensation, GlobalRestoresMeanOutputAfterOneDayHermes) {
  check_recovery("pcm-hermes", DriftCompensationKind::global);
}

TEST(DriftCompensation, IdentityProbeRemovesMostOfTheDrift) {
  // One-hot probes weigh every device alike, while drift depends on the conductance: a few percent remain.
  DriftSetup s("pcm-hermes");
  const BatchMatrix x = test::uniform_batch(512, 256, 0.0f, 1.0f, 11);
  DriftCompensation comp(DriftCompensationKind::global, identity_probe(256));
  const BatchMatrix y0 = s.read_at(0.0, x, 0);
  comp.set_reference(s.readout());
  BatchMatrix y = s.read_at(one_day_s, x, 1);
  const double drifted = mean_of(y) / mean_of(y0);
  comp.measure(s.readout());
  comp.apply(y);
  EXPECT_LT(std::fabs(mean_of(y) / mean_of(y0) - 1.0), 0.2 * std::fabs(drifted - 1.0));
}

TEST(DriftCompensation, PerColumnRestoresEveryColumnMean) {
  DriftSetup s("pcm");
  const BatchMatrix x = test::uniform_batch(512, 256, 0.0f, 1.0f, 12);
  DriftCompensation comp(DriftCompensationKind::per_column, calibration_batch());
  const BatchMatrix y0 = s.read_at(0.0, x, 0);
  comp.set_reference(s.readout());
  BatchMatrix y = s.read_at(one_day_s, x, 1);
  comp.measure(s.readout());
  comp.apply(y);
  EXPECT_NE(comp.factors()[0], comp.factors()[1]);
  const Vector ratio = (y.colwise().mean().array() / y0.colwise().mean().array()).transpose();
  EXPECT_NEAR(ratio.mean(), 1.0, 0.01);
  EXPECT_LT((ratio.array() - 1.0f).abs().maxCoeff(), 0.1f);
}

TEST(DriftCompensation, NoneLeavesOutputsAlone) {
  DriftCompensation comp(DriftCompensationKind::none, identity_probe(4));
  comp.set_reference([](const BatchMatrix& p) { return p; });
  comp.measure([](const BatchMatrix& p) { return BatchMatrix(p * 0.5f); });
  BatchMatrix y = BatchMatrix::Ones(2, 4);
  comp.apply(y);
  EXPECT_EQ(y, BatchMatrix::Ones(2, 4));
}

TEST(DriftCompensation, FactorIsReferenceOverNow) {
  DriftCompensation comp(DriftCompensationKind::global, identity_probe(3));
  comp.set_reference([](const BatchMatrix& p) { return BatchMatrix(p * 2.0f); });
  comp.measure([](const BatchMatrix& p) { return BatchMatrix(p * 1.6f); });
  EXPECT_FLOAT_EQ(comp.factors()[0], 1.25f);
  EXPECT_THROW(DriftCompensation(DriftCompensationKind::global, identity_probe(3)).measure([](const BatchMatrix& p) {
    return p;
  }),
               Error);
  EXPECT_THROW(drift_compensation_names().parse("sometimes", "noise.drift_compensation", "kind"), ParameterError);
  EXPECT_EQ(drift_compensation_names().parse("per_column", "noise.drift_compensation", "kind"),
            DriftCompensationKind::per_column);
}

}  // namespace
}  // namespace imcsim::hw
