// Tests of the technology table and cost model (hw/technology.h): the HERMES calibration, the YAML preset,
// the scaling rules of docs/technology.md, and the errors for invalid design points and malformed files.

#include "hw/technology.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>

#include "base/errors.h"

namespace imcsim::hw {
namespace {

constexpr double rel_tol = 0.005;  // 0.5 % against the published HERMES figures

void expect_within_rel(double actual, double expected, double tol) {
  EXPECT_NEAR(actual, expected, std::fabs(expected) * tol)
      << "expected " << expected << " within " << tol * 100 << " %";
}

CostModel model_at(DesignPoint point) { return CostModel(hermes_technology(), std::move(point)); }

DesignPoint with_adc(AdcKind kind, int bits) {
  DesignPoint p;
  p.adc_kind = kind;
  p.adc_bits = bits;
  return p;
}

std::string source_dir() {
  const char* dir = std::getenv("IMCSIM_SOURCE_DIR");
  return dir ? dir : "";
}

/// Writes `text` to a file under gtest's temporary directory and returns its path. The process id keeps
/// concurrent runs of the same test (several build trees) apart.
std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + std::to_string(getpid()) + "_" + name;
  std::ofstream out(path);
  out << text;
  return path;
}

/// Loads `text` as a technology file and returns the InputError it must raise.
InputError load_error(const std::string& name, const std::string& text) {
  const std::string path = write_temp(name, text);
  try {
    load_technology(path);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "loading " << path << " did not throw an InputError";
  return InputError("", 0, 0, "", "");
}

ParameterError design_error(const DesignPoint& point) {
  try {
    model_at(point);
  } catch (const ParameterError& e) {
    return e;
  }
  ADD_FAILURE() << "the design point was accepted";
  return ParameterError("", "");
}

// --- HERMES calibration at the default design point ---------------------------------------------------------

TEST(TechnologyHermes, OnePhaseMvmMatchesPublishedEnergyAndLatency) {
  const ActionCost mvm = model_at(DesignPoint{}).mvm();
  expect_within_rel(mvm.energy_pj, 13.4e3, rel_tol);
  expect_within_rel(mvm.latency_ns, 133.0, rel_tol);
}

TEST(TechnologyHermes, FourPhaseMvmMatchesPublishedEnergyAndLatency) {
  DesignPoint p;
  p.phases = 4;
  const ActionCost mvm = model_at(p).mvm();
  expect_within_rel(mvm.energy_pj, 52.8e3, rel_tol);
  expect_within_rel(mvm.latency_ns, 520.0, rel_tol);
}

TEST(TechnologyHermes, ChipTotalsAreSixtyFourCores) {
  DesignPoint four;
  four.phases = 4;
  expect_within_rel(64 * model_at(DesignPoint{}).mvm().energy_pj * 1e-6, 0.86, 0.01);
  expect_within_rel(64 * model_at(four).mvm().energy_pj * 1e-6, 3.38, 0.01);
}

TEST(TechnologyHermes, AreasMatchPublishedCore) {
  const CostModel m = model_at(DesignPoint{});
  expect_within_rel(m.mvm_area_mm2(), 0.635, rel_tol);
  expect_within_rel(m.core_area_mm2(), 1.392, rel_tol);
  EXPECT_EQ(m.sram_area_mm2(), 0.0);
}

TEST(TechnologyHermes, EnergySplitSumsToMvmEnergyMinusOneOverhead) {
  for (int phases : {1, 4}) {
    for (int adc_bits : {6, 8, 10}) {
      DesignPoint p;
      p.phases = phases;
      p.adc_bits = adc_bits;
      p.rows = 128;
      const CostModel m = model_at(p);
      const double split = m.mvm_array_energy_pj() + m.mvm_adc_energy_pj() + m.mvm_dac_energy_pj();
      EXPECT_NEAR(split, m.mvm().energy_pj - m.table().mvm_overhead_energy_pj * 1, 1e-9 * m.mvm().energy_pj)
          << "phases " << phases << ", adc_bits " << adc_bits;
    }
  }
}

TEST(TechnologyHermes, PhaseSplitIsArray15Adc70Pwm15Percent) {
  const CostModel m = model_at(DesignPoint{});
  const double phase = m.mvm_array_energy_pj() + m.mvm_adc_energy_pj() + m.mvm_dac_energy_pj();
  expect_within_rel(phase, 13133.33, 1e-4);
  expect_within_rel(m.mvm_array_energy_pj() / phase, 0.15, rel_tol);
  expect_within_rel(m.mvm_adc_energy_pj() / phase, 0.70, rel_tol);
  expect_within_rel(m.mvm_dac_energy_pj() / phase, 0.15, rel_tol);
}

TEST(TechnologyHermes, FourPhaseCostsFourPhasesAndOneOverhead) {
  DesignPoint four;
  four.phases = 4;
  const CostModel m1 = model_at(DesignPoint{});
  const CostModel m4 = model_at(four);
  const double overhead = m1.table().mvm_overhead_energy_pj;
  EXPECT_NEAR(m4.mvm().energy_pj - overhead, 4 * (m1.mvm().energy_pj - overhead), 1e-6);
  const double overhead_ns = m1.table().mvm_overhead_ns;
  EXPECT_NEAR(m4.mvm().latency_ns - overhead_ns, 4 * (m1.mvm().latency_ns - overhead_ns), 1e-9);
}

TEST(TechnologyHermes, DigitalActions) {
  const CostModel m = model_at(DesignPoint{});
  EXPECT_DOUBLE_EQ(m.digital_op().latency_ns, 2.5);  // 400 MHz
  EXPECT_DOUBLE_EQ(m.digital_op().energy_pj, m.table().digital_op_energy_pj);
  DesignPoint slow;
  slow.digital_clock_mhz = 200;  // the design point's clock, not the table's
  EXPECT_DOUBLE_EQ(model_at(slow).digital_op().latency_ns, 5.0);
  EXPECT_DOUBLE_EQ(model_at(slow).digital_op().energy_pj, m.table().digital_op_energy_pj);
}

// --- The YAML preset equals the built-in table --------------------------------------------------------------

void expect_same_table(const TechnologyTable& a, const TechnologyTable& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.ref_rows, b.ref_rows);
  EXPECT_EQ(a.ref_cols, b.ref_cols);
  EXPECT_EQ(a.ref_adc_bits, b.ref_adc_bits);
  EXPECT_EQ(a.ref_dac_bits, b.ref_dac_bits);
  EXPECT_EQ(a.ref_sram_kib, b.ref_sram_kib);
  EXPECT_EQ(a.array_phase_energy_pj, b.array_phase_energy_pj);
  EXPECT_EQ(a.dac_drive_energy_pj, b.dac_drive_energy_pj);
  EXPECT_EQ(a.mvm_overhead_energy_pj, b.mvm_overhead_energy_pj);
  EXPECT_EQ(a.pwm_lsb_ns, b.pwm_lsb_ns);
  EXPECT_EQ(a.phase_overhead_ns, b.phase_overhead_ns);
  EXPECT_EQ(a.mvm_overhead_ns, b.mvm_overhead_ns);
  EXPECT_EQ(a.array_area_mm2, b.array_area_mm2);
  EXPECT_EQ(a.dac_area_mm2, b.dac_area_mm2);
  EXPECT_EQ(a.program_pulse_ns, b.program_pulse_ns);
  EXPECT_EQ(a.program_pulse_energy_pj, b.program_pulse_energy_pj);
  EXPECT_EQ(a.update.pulse_width_ns, b.update.pulse_width_ns);
  EXPECT_EQ(a.update.slot_overhead_ns, b.update.slot_overhead_ns);
  EXPECT_EQ(a.update.vector_overhead_ns, b.update.vector_overhead_ns);
  EXPECT_EQ(a.update.coincidence_energy_pj, b.update.coincidence_energy_pj);
  EXPECT_EQ(a.update.row_driver_energy_pj, b.update.row_driver_energy_pj);
  EXPECT_EQ(a.update.column_driver_energy_pj, b.update.column_driver_energy_pj);
  EXPECT_EQ(a.update.probability_energy_pj, b.update.probability_energy_pj);
  EXPECT_EQ(a.update.stream_bit_energy_pj, b.update.stream_bit_energy_pj);
  ASSERT_EQ(a.adc.size(), b.adc.size());
  for (const auto& [kind, x] : a.adc) {
    ASSERT_EQ(b.adc.count(kind), 1u) << adc_kind_names().name(kind);
    const AdcTechnology& y = b.adc.at(kind);
    EXPECT_EQ(x.energy_pj, y.energy_pj) << adc_kind_names().name(kind);
    EXPECT_EQ(x.area_mm2, y.area_mm2) << adc_kind_names().name(kind);
    EXPECT_EQ(x.time_per_step_ns, y.time_per_step_ns) << adc_kind_names().name(kind);
    EXPECT_EQ(x.integrating, y.integrating) << adc_kind_names().name(kind);
  }
  EXPECT_EQ(a.adc_counter_area_fraction, b.adc_counter_area_fraction);
  EXPECT_EQ(a.digital_op_energy_pj, b.digital_op_energy_pj);
  EXPECT_EQ(a.global_op_energy_pj, b.global_op_energy_pj);
  EXPECT_EQ(a.sram_access_energy_pj, b.sram_access_energy_pj);
  EXPECT_EQ(a.sram_energy_capacity_exponent, b.sram_energy_capacity_exponent);
  EXPECT_EQ(a.sram_access_ns, b.sram_access_ns);
  EXPECT_EQ(a.sram_area_mm2_per_kib, b.sram_area_mm2_per_kib);
  EXPECT_EQ(a.local_digital_area_mm2, b.local_digital_area_mm2);
  EXPECT_EQ(a.global_digital_area_mm2, b.global_digital_area_mm2);
  EXPECT_EQ(a.link_bit_energy_pj, b.link_bit_energy_pj);
  EXPECT_EQ(a.router_bit_energy_pj, b.router_bit_energy_pj);
  EXPECT_EQ(a.core_static_power_mw, b.core_static_power_mw);
}

TEST(TechnologyYaml, PresetFileEqualsBuiltInTable) {
  ASSERT_FALSE(source_dir().empty()) << "IMCSIM_SOURCE_DIR is not set";
  const TechnologyTable loaded = load_technology(source_dir() + "/configs/technology/hermes14nm.yaml");
  expect_same_table(loaded, hermes_technology());
}

TEST(TechnologyYaml, PresetFileReproducesHermesFigures) {
  ASSERT_FALSE(source_dir().empty()) << "IMCSIM_SOURCE_DIR is not set";
  const TechnologyTable loaded = load_technology(source_dir() + "/configs/technology/hermes14nm.yaml");
  DesignPoint four;
  four.phases = 4;
  const CostModel m1(loaded, DesignPoint{});
  const CostModel m4(loaded, four);
  expect_within_rel(m1.mvm().energy_pj, 13.4e3, rel_tol);
  expect_within_rel(m1.mvm().latency_ns, 133.0, rel_tol);
  expect_within_rel(m4.mvm().energy_pj, 52.8e3, rel_tol);
  expect_within_rel(m4.mvm().latency_ns, 520.0, rel_tol);
  expect_within_rel(m1.core_area_mm2(), 1.392, rel_tol);
}

TEST(TechnologyYaml, EmptyFileGivesBuiltInTable) {
  expect_same_table(load_technology(write_temp("tech_empty.yaml", "")), hermes_technology());
}

TEST(TechnologyYaml, GivenKeysOverrideOthersKeepDefaults) {
  const std::string path = write_temp("tech_override.yaml",
                                      "name: mine\n"
                                      "mvm:\n"
                                      "  pwm_lsb_ns: 0.5\n"
                                      "adc:\n"
                                      "  sar:\n"
                                      "    energy_pj: 3.25\n"
                                      "    integrating: true\n");
  const TechnologyTable t = load_technology(path);
  TechnologyTable expected = hermes_technology();
  expected.name = "mine";
  expected.pwm_lsb_ns = 0.5;
  expected.adc[AdcKind::sar].energy_pj = 3.25;
  expected.adc[AdcKind::sar].integrating = true;
  expect_same_table(t, expected);
}

// --- Scaling rules ------------------------------------------------------------------------------------------

TEST(TechnologyScaling, AdcEnergyDoublesPerBitForCountingAndSar) {
  for (const AdcKind kind : {AdcKind::cco, AdcKind::ramp, AdcKind::sar}) {
    for (int bits = 1; bits < 16; ++bits) {
      const double e0 = model_at(with_adc(kind, bits)).adc_conversion().energy_pj;
      const double e1 = model_at(with_adc(kind, bits + 1)).adc_conversion().energy_pj;
      EXPECT_NEAR(e1 / e0, 2.0, 1e-12) << adc_kind_names().name(kind) << " " << bits << " -> " << bits + 1 << " bits";
    }
    EXPECT_DOUBLE_EQ(model_at(with_adc(kind, 8)).adc_conversion().energy_pj, hermes_technology().adc.at(kind).energy_pj)
        << adc_kind_names().name(kind);
  }
}

TEST(TechnologyScaling, FlashEnergyScalesWithComparatorCount) {
  const double e8 = hermes_technology().adc.at(AdcKind::flash).energy_pj;
  for (int bits = 1; bits <= 16; ++bits) {
    const double e = model_at(with_adc(AdcKind::flash, bits)).adc_conversion().energy_pj;
    EXPECT_NEAR(e, e8 * (std::ldexp(1.0, bits) - 1) / 255.0, 1e-12 * e) << bits << " bits";
  }
  EXPECT_DOUBLE_EQ(model_at(with_adc(AdcKind::flash, 4)).adc_conversion().latency_ns,
                   hermes_technology().adc.at(AdcKind::flash).time_per_step_ns);
}

TEST(TechnologyScaling, CcoCountsAtThreeHundredPicosecondsPerLsb) {
  for (int bits : {4, 8, 10, 12}) {
    EXPECT_NEAR(model_at(with_adc(AdcKind::cco, bits)).adc_conversion().latency_ns, std::ldexp(1.0, bits) * 0.3, 1e-9)
        << bits << " bits";
  }
}

TEST(TechnologyScaling, CcoIsHiddenUnderThePulseAtEightBitsButNotAtTen) {
  const CostModel m8 = model_at(with_adc(AdcKind::cco, 8));
  EXPECT_LT(m8.adc_conversion().latency_ns, m8.pwm_max_ns());
  EXPECT_DOUBLE_EQ(m8.mvm().latency_ns, 127.0 + 2.0 + 4.0);
  // Fewer bits cannot make the MVM shorter than the pulse.
  EXPECT_DOUBLE_EQ(model_at(with_adc(AdcKind::cco, 6)).mvm().latency_ns, m8.mvm().latency_ns);

  const CostModel m10 = model_at(with_adc(AdcKind::cco, 10));
  EXPECT_GT(m10.adc_conversion().latency_ns, m10.pwm_max_ns());
  EXPECT_NEAR(m10.mvm().latency_ns, 1024 * 0.3 + 2.0 + 4.0, 1e-9);
  EXPECT_GT(m10.mvm().latency_ns, m8.mvm().latency_ns);
}

TEST(TechnologyScaling, NonIntegratingAdcsConvertAfterThePulse) {
  // ramp: same counter as the CCO but after the pulse.
  EXPECT_NEAR(model_at(with_adc(AdcKind::ramp, 8)).mvm().latency_ns, 127.0 + 256 * 0.3 + 2.0 + 4.0, 1e-9);
  EXPECT_NEAR(model_at(with_adc(AdcKind::sar, 8)).mvm().latency_ns, 127.0 + 8 * 1.0 + 2.0 + 4.0, 1e-9);
  EXPECT_NEAR(model_at(with_adc(AdcKind::flash, 8)).mvm().latency_ns, 127.0 + 1.0 + 2.0 + 4.0, 1e-9);
}

TEST(TechnologyScaling, SarLatencyIsBitsTimesStep) {
  const double step = hermes_technology().adc.at(AdcKind::sar).time_per_step_ns;
  for (int bits = 1; bits <= 16; ++bits) {
    EXPECT_DOUBLE_EQ(model_at(with_adc(AdcKind::sar, bits)).adc_conversion().latency_ns, bits * step)
        << bits << " bits";
  }
}

TEST(TechnologyScaling, ArrayEnergyScalesWithCells) {
  const double ref = model_at(DesignPoint{}).array_phase().energy_pj;
  EXPECT_DOUBLE_EQ(ref, hermes_technology().array_phase_energy_pj);
  for (const auto& [rows, cols] : {std::pair{128, 256}, std::pair{256, 64}, std::pair{512, 512}, std::pair{100, 30}}) {
    DesignPoint p;
    p.rows = rows;
    p.cols = cols;
    EXPECT_NEAR(model_at(p).array_phase().energy_pj, ref * rows * cols / 65536.0, 1e-9 * ref) << rows << " x " << cols;
  }
}

TEST(TechnologyScaling, ArrayEnergyScalesWithPulseDuration) {
  const double ref = model_at(DesignPoint{}).array_phase().energy_pj;
  DesignPoint p;
  p.dac_bits = 5;  // 15 ns full-scale pulse instead of 127 ns
  EXPECT_NEAR(model_at(p).array_phase().energy_pj, ref * 15.0 / 127.0, 1e-9 * ref);
  EXPECT_DOUBLE_EQ(model_at(p).array_phase().latency_ns, 15.0);
}

TEST(TechnologyScaling, DacDriveEnergyScalesWithColumnsAndBits) {
  const double ref = hermes_technology().dac_drive_energy_pj;
  EXPECT_DOUBLE_EQ(model_at(DesignPoint{}).dac_drive().energy_pj, ref);
  for (int cols : {64, 128, 512}) {
    for (int bits : {2, 4, 8, 12}) {
      DesignPoint p;
      p.cols = cols;
      p.dac_bits = bits;
      const ActionCost drive = model_at(p).dac_drive();
      EXPECT_NEAR(drive.energy_pj, ref * (cols / 256.0) * (bits / 8.0), 1e-12 * ref)
          << cols << " cols, " << bits << " bits";
      EXPECT_DOUBLE_EQ(drive.latency_ns, model_at(p).pwm_max_ns());
    }
  }
  DesignPoint more_rows;
  more_rows.rows = 1024;
  EXPECT_DOUBLE_EQ(model_at(more_rows).dac_drive().energy_pj, ref);  // per row: rows do not load one driver
}

TEST(TechnologyScaling, PwmMaxPulseIsSignedMagnitudeFullScale) {
  for (int bits = 2; bits <= 16; ++bits) {
    DesignPoint p;
    p.dac_bits = bits;
    EXPECT_DOUBLE_EQ(model_at(p).pwm_max_ns(), (std::ldexp(1.0, bits - 1) - 1) * 1.0) << bits << " bits";
  }
  EXPECT_DOUBLE_EQ(model_at(DesignPoint{}).pwm_max_ns(), 127.0);
}

TEST(TechnologyScaling, MvmEnergyMonotonicInAdcBits) {
  for (const AdcKind kind : {AdcKind::cco, AdcKind::ramp, AdcKind::sar, AdcKind::flash}) {
    for (int phases : {1, 4}) {
      double previous = 0;
      for (int bits = 1; bits <= 16; ++bits) {
        DesignPoint p = with_adc(kind, bits);
        p.phases = phases;
        const double e = model_at(p).mvm().energy_pj;
        EXPECT_GT(e, previous) << adc_kind_names().name(kind) << ", " << phases << " phases, " << bits << " bits";
        previous = e;
      }
    }
  }
}

TEST(TechnologyScaling, HalvingRowsAndColsQuartersArrayArea) {
  DesignPoint half;
  half.rows = 128;
  half.cols = 128;
  const double full = model_at(DesignPoint{}).array_area_mm2();
  EXPECT_DOUBLE_EQ(full, hermes_technology().array_area_mm2);
  EXPECT_NEAR(model_at(half).array_area_mm2(), full / 4, 1e-15);
}

TEST(TechnologyScaling, MvmAreaCountsOneAdcPerColumnAndOneDriverPerRow) {
  DesignPoint p;
  p.rows = 512;
  p.cols = 128;
  const CostModel m = model_at(p);
  EXPECT_NEAR(m.mvm_area_mm2(), m.array_area_mm2() + 128 * m.adc_area_mm2() + 512 * m.dac_area_mm2(), 1e-15);
}

TEST(TechnologyScaling, AdcAreaRules) {
  const TechnologyTable t = hermes_technology();
  // cco: fixed oscillator plus a counter share that grows linearly with bits.
  const double f = t.adc_counter_area_fraction;
  EXPECT_DOUBLE_EQ(model_at(with_adc(AdcKind::cco, 8)).adc_area_mm2(), t.adc.at(AdcKind::cco).area_mm2);
  EXPECT_NEAR(model_at(with_adc(AdcKind::cco, 12)).adc_area_mm2(),
              t.adc.at(AdcKind::cco).area_mm2 * ((1 - f) + f * 12 / 8.0), 1e-15);
  // sar: capacitor DAC ~ 2^bits.
  EXPECT_NEAR(model_at(with_adc(AdcKind::sar, 10)).adc_area_mm2(), 4 * t.adc.at(AdcKind::sar).area_mm2, 1e-15);
  // flash: 2^bits - 1 comparators.
  EXPECT_NEAR(model_at(with_adc(AdcKind::flash, 4)).adc_area_mm2(), t.adc.at(AdcKind::flash).area_mm2 * 15 / 255.0,
              1e-15);
}

TEST(TechnologyScaling, SramAccessEnergyFollowsCapacityPower) {
  const TechnologyTable t = hermes_technology();
  for (double kib : {8.0, 64.0, 256.0, 1024.0}) {
    DesignPoint p;
    p.sram_kib = kib;
    const CostModel m = model_at(p);
    EXPECT_NEAR(m.sram_access().energy_pj, t.sram_access_energy_pj * std::pow(kib / 64.0, 0.78),
                1e-12 * t.sram_access_energy_pj)
        << kib << " KiB";
    EXPECT_DOUBLE_EQ(m.sram_access().latency_ns, t.sram_access_ns);
    EXPECT_NEAR(m.sram_area_mm2(), kib * t.sram_area_mm2_per_kib, 1e-15);
    EXPECT_NEAR(m.core_area_mm2(), model_at(DesignPoint{}).core_area_mm2() + m.sram_area_mm2(), 1e-12);
  }
  DesignPoint p128;
  p128.sram_kib = 128;
  EXPECT_NEAR(model_at(p128).sram_access().energy_pj / t.sram_access_energy_pj, std::pow(2.0, 0.78), 1e-12);
}

TEST(TechnologyScaling, SramAccessThrowsWithoutSram) {
  const CostModel m = model_at(DesignPoint{});
  ASSERT_EQ(m.point().sram_kib, 0.0);
  try {
    m.sram_access();
    FAIL() << "sram_access() did not throw";
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.parameter(), "design.sram_kib");
  }
}

// --- Invalid design points ----------------------------------------------------------------------------------

TEST(TechnologyDesignPoint, AdcBitsOutOfRangeNamesTheField) {
  for (int bits : {0, 17}) {
    EXPECT_EQ(design_error(with_adc(AdcKind::cco, bits)).parameter(), "design.adc_bits") << bits << " bits";
  }
}

TEST(TechnologyDesignPoint, PhasesOtherThanOneOrFourNameTheField) {
  for (int phases : {0, 2, 3, 5}) {
    DesignPoint p;
    p.phases = phases;
    EXPECT_EQ(design_error(p).parameter(), "design.phases") << phases << " phases";
  }
}

TEST(TechnologyDesignPoint, AdcKindWithoutAnEntryNamesTheField) {
  TechnologyTable table = hermes_technology();
  table.adc.erase(AdcKind::sar);
  try {
    CostModel model(table, with_adc(AdcKind::sar, 8));
    FAIL() << "a kind without a technology entry accepted";
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.parameter(), "design.adc_kind");
    EXPECT_NE(std::string(e.what()).find("sar"), std::string::npos) << e.what();
  }
}

TEST(TechnologyDesignPoint, OtherInvalidFieldsNameTheField) {
  DesignPoint rows;
  rows.rows = 0;
  EXPECT_EQ(design_error(rows).parameter(), "design.rows");
  DesignPoint cols;
  cols.cols = -4;
  EXPECT_EQ(design_error(cols).parameter(), "design.cols");
  DesignPoint dac;
  dac.dac_bits = 1;
  EXPECT_EQ(design_error(dac).parameter(), "design.dac_bits");
  DesignPoint sram;
  sram.sram_kib = -1;
  EXPECT_EQ(design_error(sram).parameter(), "design.sram_kib");
}

TEST(TechnologyDesignPoint, ValidExtremesAreAccepted) {
  for (const AdcKind kind : {AdcKind::cco, AdcKind::ramp, AdcKind::sar, AdcKind::flash}) {
    for (int bits : {1, 16})
      EXPECT_NO_THROW(model_at(with_adc(kind, bits))) << adc_kind_names().name(kind) << " " << bits;
  }
  DesignPoint p;
  p.dac_bits = 2;
  p.rows = 1;
  p.cols = 1;
  p.phases = 4;
  EXPECT_NO_THROW(model_at(p));
}

// --- YAML errors --------------------------------------------------------------------------------------------

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(TechnologyYamlErrors, UnknownKeyNamesFileLineAndDottedKey) {
  const InputError e = load_error("tech_unknown_key.yaml",
                                  "name: typo\n"
                                  "mvm:\n"
                                  "  pwm_lsb_ns: 1.0\n"
                                  "  array_phase_energy: 1970.0\n");
  const std::string what = e.what();
  EXPECT_TRUE(contains(what, "tech_unknown_key.yaml")) << what;
  EXPECT_TRUE(contains(what, ":4:")) << what;
  EXPECT_TRUE(contains(what, "mvm.array_phase_energy")) << what;
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(e.key(), "mvm.array_phase_energy");
}

TEST(TechnologyYamlErrors, UnknownNestedAndTopLevelKeys) {
  const InputError nested = load_error("tech_unknown_nested.yaml",
                                       "adc:\n"
                                       "  cco:\n"
                                       "    energy_pj: 30\n"
                                       "    bits: 8\n");
  EXPECT_EQ(nested.key(), "adc.cco.bits");
  EXPECT_EQ(nested.line(), 4);

  const InputError kind = load_error("tech_unknown_kind.yaml",
                                     "adc:\n"
                                     "  sigma_delta:\n"
                                     "    energy_pj: 30\n");
  EXPECT_EQ(kind.key(), "adc.sigma_delta");
  EXPECT_EQ(kind.line(), 2);

  const InputError top = load_error("tech_unknown_top.yaml", "name: x\nnetwrok:\n  link_gbit_per_s: 1\n");
  EXPECT_EQ(top.key(), "netwrok");
  EXPECT_EQ(top.line(), 2);
}

TEST(TechnologyYamlErrors, NegativeEnergyNamesKeyAndLine) {
  const InputError e = load_error("tech_negative.yaml",
                                  "mvm:\n"
                                  "  array_phase_energy_pj: 1970.0\n"
                                  "  dac_drive_energy_pj: -7.5\n");
  const std::string what = e.what();
  EXPECT_TRUE(contains(what, "tech_negative.yaml")) << what;
  EXPECT_TRUE(contains(what, ":3:")) << what;
  EXPECT_TRUE(contains(what, "mvm.dac_drive_energy_pj")) << what;
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.key(), "mvm.dac_drive_energy_pj");

  const InputError adc = load_error("tech_negative_adc.yaml",
                                    "adc:\n"
                                    "  sar:\n"
                                    "    energy_pj: -1\n");
  EXPECT_EQ(adc.key(), "adc.sar.energy_pj");
  EXPECT_EQ(adc.line(), 3);
}

TEST(TechnologyYamlErrors, UpdateKeysAreCheckedAndNamed) {
  const InputError negative = load_error("tech_update_negative.yaml",
                                         "update:\n"
                                         "  pulse_width_ns: 1.0\n"
                                         "  coincidence_energy_pj: -0.01\n");
  EXPECT_EQ(negative.key(), "update.coincidence_energy_pj");
  EXPECT_EQ(negative.line(), 3);
  EXPECT_EQ(load_error("tech_update_width.yaml", "update:\n  pulse_width_ns: 0\n").key(), "update.pulse_width_ns");
  EXPECT_EQ(load_error("tech_update_typo.yaml", "update:\n  row_driver_pj: 0.2\n").key(), "update.row_driver_pj");
}

TEST(TechnologyScaling, UpdateDriversScaleWithTheCellsTheirLineCrosses) {
  DesignPoint p;
  p.rows = 128;
  p.cols = 64;
  const CostModel m = model_at(p);
  const UpdateTechnology& u = hermes_technology().update;
  EXPECT_DOUBLE_EQ(m.update_row_pulse_energy_pj(), u.row_driver_energy_pj * 64 / 256);
  EXPECT_DOUBLE_EQ(m.update_column_pulse_energy_pj(), u.column_driver_energy_pj * 128 / 256);
  EXPECT_DOUBLE_EQ(m.update_slot_ns(), u.pulse_width_ns + u.slot_overhead_ns);
  EXPECT_DOUBLE_EQ(model_at(DesignPoint{}).update_row_pulse_energy_pj(), u.row_driver_energy_pj);
}

TEST(TechnologyYamlErrors, OutOfRangeReferenceAndFraction) {
  EXPECT_EQ(load_error("tech_ref_bits.yaml", "reference:\n  adc_bits: 17\n").key(), "reference.adc_bits");
  EXPECT_EQ(load_error("tech_ref_rows.yaml", "reference:\n  rows: 0\n").key(), "reference.rows");
  EXPECT_EQ(load_error("tech_fraction.yaml", "adc:\n  counter_area_fraction: 1.5\n").key(),
            "adc.counter_area_fraction");
  EXPECT_EQ(load_error("tech_nan.yaml", "static:\n  core_power_mw: .nan\n").key(), "static.core_power_mw");
}

TEST(TechnologyYamlErrors, MalformedYamlNamesFileAndLine) {
  const InputError e = load_error("tech_malformed.yaml",
                                  "name: broken\n"
                                  "mvm:\n"
                                  "  pwm_lsb_ns: [1.0, 2.0\n"
                                  "  phase_overhead_ns: 2.0\n"
                                  "adc: {\n");
  const std::string what = e.what();
  EXPECT_TRUE(contains(what, "tech_malformed.yaml:")) << what;
  EXPECT_GT(e.line(), 0) << what;
  EXPECT_TRUE(contains(what, "tech_malformed.yaml:" + std::to_string(e.line()) + ":")) << what;
}

TEST(TechnologyYamlErrors, BadIndentationReportsItsLine) {
  const InputError e = load_error("tech_indent.yaml",
                                  "mvm:\n"
                                  "  pwm_lsb_ns: 1.0\n"
                                  " phase_overhead_ns: 2.0\n");
  const std::string what = e.what();
  EXPECT_TRUE(contains(what, "tech_indent.yaml:3:")) << what;
}

TEST(TechnologyYamlErrors, WrongTypeNamesTheKey) {
  const InputError e = load_error("tech_wrong_type.yaml",
                                  "mvm:\n"
                                  "  pwm_lsb_ns: abc\n");
  const std::string what = e.what();
  EXPECT_TRUE(contains(what, "tech_wrong_type.yaml:2:")) << what;
  EXPECT_TRUE(contains(what, "mvm.pwm_lsb_ns")) << what;
  EXPECT_TRUE(contains(what, "abc")) << what;
  EXPECT_EQ(e.key(), "mvm.pwm_lsb_ns");

  EXPECT_EQ(load_error("tech_wrong_int.yaml", "reference:\n  rows: 2.5\n").key(), "reference.rows");
  EXPECT_EQ(load_error("tech_wrong_bool.yaml", "adc:\n  cco:\n    integrating: maybe\n").key(), "adc.cco.integrating");
  EXPECT_EQ(load_error("tech_list.yaml", "mvm:\n  pwm_lsb_ns: [1, 2]\n").key(), "mvm.pwm_lsb_ns");
  EXPECT_EQ(load_error("tech_section_scalar.yaml", "mvm: 3\n").key(), "mvm");
}

TEST(TechnologyYamlErrors, MissingFileNamesThePath) {
  const std::string path = ::testing::TempDir() + "tech_does_not_exist.yaml";
  try {
    load_technology(path);
    FAIL() << "loading a missing file did not throw";
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.what(), path)) << e.what();
  }
}

}  // namespace
}  // namespace imcsim::hw
