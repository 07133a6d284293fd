// The chip configuration: presets, defaults, overrides, round trip through `config show`, and errors that name
// the file, line and dotted key.

#include "chip/chip_config.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "base/errors.h"
#include "base/random.h"
#include "chip/peak_figures.h"
#include "hw/device/pulsed_device.h"
#include "tests/support/thrown.h"

namespace imcsim::chip {
namespace {

using test::thrown_by;

TEST(ChipConfig, Hermes64PresetSpellsOutTheDefaults) {
  const ChipConfig preset = load_chip_config("hermes64");
  const ChipConfig defaults = default_chip_config();
  EXPECT_EQ(preset.name, "hermes64");
  // Same resolved configuration, key by key (the technology file only names where the same table lives).
  ChipConfig a = preset, b = defaults;
  a.technology_file.clear();
  a.source.clear();
  b.name = a.name;
  EXPECT_EQ(to_yaml(a), to_yaml(b));
  EXPECT_EQ(preset.cores.count, 64);
  EXPECT_EQ(preset.device.model, "pcm-hermes");
  EXPECT_EQ(preset.cores.read_mode, ReadMode::one_phase);
  EXPECT_EQ(preset.interconnect.topology, interconnect::Topology::neighbour);
}

TEST(ChipConfig, ShowRoundTrips) {
  const ChipConfig config = load_chip_config("hermes64", {"adc.bits=6", "cores.read_mode=four_phase"});
  const std::string shown = to_yaml(config);
  const ChipConfig again = parse_chip_config(shown, "shown.yaml");
  EXPECT_EQ(to_yaml(again), shown);
  EXPECT_EQ(again.adc.bits, 6);
  EXPECT_EQ(again.cores.read_mode, ReadMode::four_phase);
}

TEST(ChipConfig, OverridesApplyInOrderAndCreateKeys) {
  const ChipConfig c = load_chip_config(
      "hermes64", {"adc.bits=6", "adc.bits=7", "sim.seed=42", "interconnect.topology=mesh", "device.model=pcm"});
  EXPECT_EQ(c.adc.bits, 7);
  EXPECT_EQ(c.sim.seed, 42u);
  EXPECT_EQ(c.interconnect.topology, interconnect::Topology::mesh);
  EXPECT_EQ(c.device.model, "pcm");
  const ChipConfig minimal = parse_chip_config("name: tiny\n", "tiny.yaml", {"cores.rows=128"});
  EXPECT_EQ(minimal.cores.rows, 128);
}

TEST(ChipConfig, IdealPresetHasNoNoiseAndNoQuantisation) {
  const ChipConfig c = load_chip_config("ideal");
  EXPECT_EQ(c.device.model, "ideal");
  EXPECT_FALSE(c.dac.quantise);
  EXPECT_FALSE(c.adc.quantise);
  const hw::CrossbarConfig x = c.crossbar();
  EXPECT_EQ(x.output_noise_std, 0.0f);
  EXPECT_EQ(x.adc.nonlinearity_lsb, 0.0f);
  EXPECT_EQ(c.noise.drift_compensation, hw::DriftCompensationKind::none);
}

TEST(ChipConfig, Hermes64TrainingDeviceIsAihwkitsSoftBounds) {
  // aihwkit.simulator.configs.devices: SoftBoundsDevice's PulsedDevice defaults (docs/configuration.md).
  const TrainingDeviceConfig t = load_chip_config("hermes64").training_device;
  EXPECT_EQ(t.device.model, "soft-bounds");
  EXPECT_EQ(t.device.dw_min, 0.001f);
  EXPECT_EQ(t.device.up_down, 0.0f);
  EXPECT_EQ(t.device.w_max, 0.6f);
  EXPECT_EQ(t.device.w_min, -0.6f);
  EXPECT_EQ(t.device.dw_min_dtod, 0.3f);
  EXPECT_EQ(t.device.w_bounds_dtod, 0.3f);
  EXPECT_EQ(t.device.up_down_dtod, 0.01f);
  EXPECT_EQ(t.device.dw_min_std, 0.3f);
  EXPECT_EQ(t.zero_shift.pulse_pairs, 2000);
  EXPECT_EQ(t.zero_shift.reference_programming_std, 0.0f);
  // The built-in defaults are the preset's, and differ from the bare device model's (bounds +-1, no spread).
  EXPECT_EQ(default_chip_config().training_device.device.w_max, 0.6f);
  EXPECT_EQ(default_chip_config().training_device.device.dw_min_std, 0.3f);
}

TEST(ChipConfig, IdealTrainingDeviceIsConstantStepWithoutSpread) {
  const TrainingDeviceConfig t = load_chip_config("ideal").training_device;
  const auto model = hw::make_pulsed_device(t.device);
  EXPECT_EQ(model->name(), "constant-step");
  EXPECT_EQ(t.device.w_max, 1.0f);
  EXPECT_EQ(t.device.w_min, -1.0f);
  EXPECT_EQ(t.zero_shift.reference_programming_std, 0.0f);
  // No spread: every device is the nominal one and every pulse moves the state by exactly dw_min either way.
  std::vector<hw::PulsedDeviceParams> devices(100);
  model->draw_devices(devices.data(), devices.size(), RandomStream({7}), 0);
  const hw::PulsedDeviceParams nominal = model->nominal();
  for (const auto& p : devices) {
    EXPECT_EQ(p.a_up, nominal.a_up);
    EXPECT_EQ(p.a_down, nominal.a_down);
    EXPECT_EQ(p.b_max, 1.0f);
    EXPECT_EQ(p.b_min, -1.0f);
  }
  EXPECT_EQ(nominal.a_up, t.device.dw_min);
  EXPECT_EQ(nominal.a_down, t.device.dw_min);
  EXPECT_EQ(model->pulse(nominal, 0.5f, +1, 2.0f), 0.5f + t.device.dw_min);
  EXPECT_EQ(model->pulse(nominal, 0.5f, -1, -2.0f), 0.5f - t.device.dw_min);
}

TEST(ChipConfig, ReadModeChangesCrossbarAndCost) {
  const ChipConfig one = load_chip_config("hermes64");
  const ChipConfig four = load_chip_config("hermes64", {"cores.read_mode=four_phase"});
  EXPECT_GT(one.crossbar().output_noise_std, four.crossbar().output_noise_std);
  EXPECT_EQ(one.design_point().phases, 1);
  EXPECT_EQ(four.design_point().phases, 4);
}

TEST(ChipConfig, HermesPeakFigures) {
  const PeakFigures f = peak_figures(load_chip_config("hermes64"));
  EXPECT_EQ(f.weights_capacity, 64 * 256 * 256);
  EXPECT_NEAR(f.one_phase.peak_tops, 63.1, 0.02 * 63.1);
  EXPECT_NEAR(f.one_phase.peak_tops_per_w, 9.76, 0.02 * 9.76);
  EXPECT_NEAR(f.one_phase.peak_tops_per_mm2, 1.55, 0.02 * 1.55);
  EXPECT_NEAR(f.four_phase.peak_tops, 16.1, 0.02 * 16.1);
  EXPECT_NEAR(f.four_phase.peak_tops_per_w, 2.48, 0.02 * 2.48);
  EXPECT_NEAR(f.one_phase.mvm_latency_ns, 133, 1);
  EXPECT_NEAR(f.four_phase.mvm_latency_ns, 520, 1);
  EXPECT_NEAR(f.one_phase.mvm_energy_nj, 13.4, 0.1);
  EXPECT_NEAR(f.four_phase.mvm_energy_nj, 52.8, 0.2);
}

TEST(ChipConfigErrors, UnknownKeyNamesFileLineAndKey) {
  const InputError e = thrown_by([] { parse_chip_config("name: x\ncores:\n  rows: 128\n  colz: 3\n", "chip.yaml"); });
  EXPECT_EQ(e.file(), "chip.yaml");
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(e.key(), "cores.colz");
  EXPECT_NE(std::string(e.what()).find("unknown key"), std::string::npos);
}

TEST(ChipConfigErrors, WrongTypeNamesTheKey) {
  const InputError e = thrown_by([] { parse_chip_config("adc:\n  bits: eight\n", "chip.yaml"); });
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.key(), "adc.bits");
}

TEST(ChipConfigErrors, OutOfRangeNamesTheKey) {
  for (const char* text : {"adc:\n  bits: 17\n", "adc:\n  bits: 0\n", "dac:\n  bits: 1\n", "cores:\n  count: 0\n",
                           "mapping:\n  stuck_on_probability: 1.5\n"}) {
    const InputError e = thrown_by([&] { parse_chip_config(text, "chip.yaml"); });
    EXPECT_EQ(e.line(), 2) << text;
    EXPECT_NE(std::string(e.what()).find("outside"), std::string::npos) << e.what();
  }
}

TEST(ChipConfigErrors, UnknownChoiceNamesTheKey) {
  const InputError e = thrown_by([] { parse_chip_config("cores:\n  read_mode: two_phase\n", "chip.yaml"); });
  EXPECT_EQ(e.key(), "cores.read_mode");
  EXPECT_NE(std::string(e.what()).find("one_phase"), std::string::npos);
  const InputError d = thrown_by([] { parse_chip_config("device:\n  model: rram\n", "chip.yaml"); });
  EXPECT_EQ(d.key(), "device.model");
}

TEST(ChipConfigErrors, TopologyMustFitTheCoreCount) {
  const InputError e = thrown_by([] { parse_chip_config("cores:\n  count: 60\n", "chip.yaml"); });
  EXPECT_EQ(e.key(), "interconnect.grid_x");
  EXPECT_NE(std::string(e.what()).find("does not fit cores.count = 60"), std::string::npos) << e.what();
  EXPECT_NO_THROW(parse_chip_config("cores:\n  count: 60\ninterconnect:\n  grid_x: 10\n  grid_y: 6\n", "c.yaml"));
}

TEST(ChipConfigErrors, OverrideErrorsNameTheOverride) {
  const InputError bad_value = thrown_by([] { load_chip_config("hermes64", {"adc.bits=abc"}); });
  EXPECT_EQ(bad_value.file(), "--set");
  EXPECT_EQ(bad_value.key(), "adc.bits");
  const InputError unknown = thrown_by([] { load_chip_config("hermes64", {"adc.bitz=6"}); });
  EXPECT_EQ(unknown.file(), "--set");
  EXPECT_EQ(unknown.key(), "adc.bitz");
  const InputError malformed = thrown_by([] { load_chip_config("hermes64", {"adc.bits"}); });
  EXPECT_EQ(malformed.file(), "--set");
  const InputError into_value = thrown_by([] { load_chip_config("hermes64", {"adc.bits.x=1"}); });
  EXPECT_EQ(into_value.file(), "--set");
}

/// A file or override that should fail, the key it must name and a part of the message.
struct TrainingDeviceError {
  const char* yaml;      ///< the file's text
  int line;              ///< the line the error must name
  const char* override;  ///< the same mistake as --set overrides, ';'-separated
  const char* key;
  const char* message;
};

const std::vector<TrainingDeviceError> training_device_errors = {
    {"training_device:\n  w_max: 0.2\n  w_min: 0.3\n", 2, "training_device.w_max=0.2;training_device.w_min=0.3",
     "training_device.w_max", "must be above training_device.w_min"},
    {"name: x\ntraining_device:\n  model: constant-step\n  dw_min: 0\n", 4, "training_device.dw_min=0",
     "training_device.dw_min", "outside"},
    {"training_device:\n  up_down: -1.0\n", 2, "training_device.up_down=1", "training_device.up_down", "outside"},
    {"training_device:\n  w_max: -0.1\n", 2, "training_device.w_max=-0.1", "training_device.w_max",
     "soft bounds need w_max > 0"},
    {"training_device:\n  model: ecram\n", 2, "training_device.model=ecram", "training_device.model", "constant-step"},
};

std::vector<std::string> split_overrides(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t start = 0;;) {
    const auto semicolon = text.find(';', start);
    out.push_back(text.substr(start, semicolon - start));
    if (semicolon == std::string::npos) return out;
    start = semicolon + 1;
  }
}

TEST(ChipConfigErrors, TrainingDeviceErrorsNameFileLineAndKey) {
  for (const auto& bad : training_device_errors) {
    const InputError e = thrown_by([&] { parse_chip_config(bad.yaml, "chip.yaml"); });
    EXPECT_EQ(e.file(), "chip.yaml") << bad.yaml;
    EXPECT_EQ(e.line(), bad.line) << bad.yaml;
    EXPECT_EQ(e.key(), bad.key) << bad.yaml;
    EXPECT_NE(std::string(e.what()).find(bad.message), std::string::npos) << e.what();
  }
}

TEST(ChipConfigErrors, TrainingDeviceOverrideErrorsNameTheKey) {
  for (const auto& bad : training_device_errors) {
    const InputError e = thrown_by([&] { load_chip_config("hermes64", split_overrides(bad.override)); });
    EXPECT_EQ(e.file(), "--set") << bad.override;
    EXPECT_EQ(e.key(), bad.key) << bad.override;
    EXPECT_NE(std::string(e.what()).find(bad.message), std::string::npos) << e.what();
  }
}

TEST(ChipConfigErrors, UnknownPresetListsThePresets) {
  const InputError e = thrown_by([] { load_chip_config("hermes65"); });
  EXPECT_NE(std::string(e.what()).find("hermes64"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("ideal"), std::string::npos) << e.what();
}

TEST(ChipConfigErrors, MalformedYamlNamesThePosition) {
  const InputError e = thrown_by([] { parse_chip_config("cores:\n  rows: [1, 2\n", "broken.yaml"); });
  EXPECT_EQ(e.file(), "broken.yaml");
  EXPECT_GT(e.line(), 1);
}

}  // namespace
}  // namespace imcsim::chip
