#include "chip/config_keys.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <optional>
#include <type_traits>
#include <utility>

#include "base/text.h"
#include "base/yaml_section.h"
#include "firmware/replication_names.h"
#include "hw/device/pulsed_device.h"

namespace imcsim::chip {

namespace {

enum class Effect { numbers, timing_only };

/// A field of one section of the config (c.cores.count: &ChipConfig::cores, &CoresConfig::count).
template <typename S, typename T>
struct Field {
  S ChipConfig::*section;
  T S::*member;
  T& of(ChipConfig& c) const { return c.*section.*member; }
  const T& of(const ChipConfig& c) const { return c.*section.*member; }
};
template <typename S, typename T>
Field(S ChipConfig::*, T S::*) -> Field<S, T>;

/// A field of a part of one section (c.training_device.device.dw_min).
template <typename S, typename P, typename T>
struct PartField {
  S ChipConfig::*section;
  P S::*part;
  T P::*member;
  T& of(ChipConfig& c) const { return c.*section.*part.*member; }
  const T& of(const ChipConfig& c) const { return c.*section.*part.*member; }
};

/// The type a field (Field, PartField) holds.
template <typename F>
using field_type = std::decay_t<decltype(std::declval<const F&>().of(std::declval<ChipConfig&>()))>;

/// Floating-point values in their shortest form that reads back to the same number (0.02, not 0.0199999996).
template <typename F>
std::string shortest(F value, std::chars_format format = std::chars_format::general) {
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, format);
  return std::string(buffer.data(), result.ptr);
}

/// A value as YAML scalar text.
template <typename T>
std::string scalar_text(const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else if constexpr (std::is_floating_point_v<T>) {
    return shortest(value);
  } else if constexpr (std::is_integral_v<T>) {
    return std::to_string(value);
  } else {
    return value;
  }
}

/// A range bound as the docs write it: whole numbers below 1e6 in full (65536, 1000), others as 1e-3, 1e9.
template <typename T>
std::string bound_text(T value) {
  if constexpr (std::is_integral_v<T>) {
    return std::to_string(value);
  } else {
    if (value == std::floor(value) && std::fabs(value) < 1e6) return std::to_string(static_cast<long long>(value));
    const std::string s = shortest(value, std::chars_format::scientific);  // "1e+09", "1e-06"
    const auto e = s.find('e');
    const bool negative = s[e + 1] == '-';
    const auto digits = s.find_first_not_of("+-0", e + 1);
    return s.substr(0, e) + "e" + (negative ? "-" : "") + s.substr(digits);
  }
}

template <typename T>
const char* type_name() {
  if constexpr (std::is_same_v<T, bool>) {
    return "boolean";
  } else if constexpr (std::is_floating_point_v<T>) {
    return "real";
  } else {
    return "integer";
  }
}

std::string choice_text(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "`" : ", `") + n + "`";
  return out;
}

/// Reads a name into `text` and fails with the known names when it is none of them.
void read_name(YamlSection& s, const std::string& key, std::string& text, const std::vector<std::string>& names) {
  s.read(key, text);
  if (std::find(names.begin(), names.end(), text) == names.end()) {
    s.fail(key, "unknown value '" + text + "' (known: " + join_names(names) + ")");
  }
}

ConfigKey entry(const char* name, const char* type, const char* unit, std::string range, const char* description,
                Effect effect) {
  ConfigKey k;
  k.name = name;
  k.type = type;
  k.unit = unit;
  k.range = std::move(range);
  k.description = description;
  k.timing_only = effect == Effect::timing_only;
  return k;
}

/// A number in [lo, hi] (of the field's own type).
template <typename F, typename T>
ConfigKey number(const char* name, F f, T lo, T hi, const char* unit, const char* description,
                 Effect effect = Effect::numbers) {
  static_assert(std::is_same_v<field_type<F>, T>, "the range's bounds must have the field's type");
  ConfigKey k = entry(name, type_name<T>(), unit, bound_text(lo) + ".." + bound_text(hi), description, effect);
  k.read = [f, lo, hi](YamlSection& s, const std::string& key, ChipConfig& c) {
    s.read_in_range(key, f.of(c), lo, hi);
  };
  k.value = [f](const ChipConfig& c) { return scalar_text(f.of(c)); };
  return k;
}

/// A number in [lo, hi] whose range the docs state in their own words (it depends on another key).
template <typename F, typename T>
ConfigKey number(const char* name, F f, T lo, T hi, const char* unit, const char* range, const char* description,
                 Effect effect) {
  ConfigKey k = number(name, f, lo, hi, unit, description, effect);
  k.range = range;
  return k;
}

/// true or false.
template <typename S>
ConfigKey flag(const char* name, Field<S, bool> f, const char* description, Effect effect = Effect::numbers) {
  ConfigKey k = entry(name, "boolean", "boolean", "`true`, `false`", description, effect);
  k.read = [f](YamlSection& s, const std::string& key, ChipConfig& c) { s.read(key, f.of(c)); };
  k.value = [f](const ChipConfig& c) { return scalar_text(f.of(c)); };
  return k;
}

/// One of an enum's names.
template <typename S, typename E>
ConfigKey choice(const char* name, Field<S, E> f, const NameTable<E>& names, const char* description,
                 Effect effect = Effect::numbers) {
  ConfigKey k = entry(name, "choice", "choice", choice_text(names.names()), description, effect);
  k.read = [f, &names](YamlSection& s, const std::string& key, ChipConfig& c) {
    std::string text = names.name(f.of(c));
    read_name(s, key, text, names.names());
    f.of(c) = *names.find(text);
  };
  k.value = [f, &names](const ChipConfig& c) { return names.name(f.of(c)); };
  return k;
}

/// One of a list of names, held as text (a device model).
template <typename F>
ConfigKey text_choice(const char* name, F f, std::vector<std::string> names, const char* description) {
  ConfigKey k = entry(name, "choice", "choice", choice_text(names), description, Effect::numbers);
  k.read = [f, names](YamlSection& s, const std::string& key, ChipConfig& c) { read_name(s, key, f.of(c), names); };
  k.value = [f](const ChipConfig& c) { return f.of(c); };
  return k;
}

/// A device parameter that overrides the device model's own when set; `config show` prints the resolved one.
ConfigKey device_override(const char* name, std::optional<float> hw::InferenceDeviceConfig::*member,
                          float hw::InferenceDeviceParams::*resolved, float lo, float hi, const char* unit,
                          const char* description) {
  ConfigKey k = entry(name, "real", unit, bound_text(lo) + ".." + bound_text(hi), description, Effect::numbers);
  k.read = [member, lo, hi](YamlSection& s, const std::string& key, ChipConfig& c) {
    std::optional<float>& value = c.device.*member;
    if (!s.has(key)) {
      float unused{};
      s.read(key, unused);  // marks the key as known
      return;
    }
    float v{};
    s.read_in_range(key, v, lo, hi);
    value = v;
  };
  k.value = [resolved](const ChipConfig& c) {
    return scalar_text(hw::make_inference_device(c.device)->params().*resolved);
  };
  return k;
}

/// A text key at the top level.
ConfigKey top_text(const char* name, std::string ChipConfig::*member, const char* unit, const char* range,
                   const char* description, Effect effect) {
  ConfigKey k = entry(name, "text", unit, range, description, effect);
  k.read = [member](YamlSection& s, const std::string& key, ChipConfig& c) { s.read(key, c.*member); };
  k.value = [member](const ChipConfig& c) { return c.*member; };
  return k;
}

constexpr Effect timing = Effect::timing_only;
using hw::AdcConfig;
using hw::DacConfig;
using hw::InferenceDeviceConfig;
using hw::InferenceDeviceParams;
using hw::MappingConfig;
using hw::PulsedDeviceConfig;
using interconnect::NetworkConfig;
constexpr auto cores = &ChipConfig::cores;
constexpr auto device = &ChipConfig::device;
constexpr auto mapping = &ChipConfig::mapping;
/// training_device.<field>: a field of the pulsed device or of its zero-shifting.
template <typename T>
PartField<TrainingDeviceConfig, hw::PulsedDeviceConfig, T> training(T hw::PulsedDeviceConfig::*member) {
  return {&ChipConfig::training_device, &TrainingDeviceConfig::device, member};
}
template <typename T>
PartField<TrainingDeviceConfig, hw::ZeroShiftConfig, T> zero_shift(T hw::ZeroShiftConfig::*member) {
  return {&ChipConfig::training_device, &TrainingDeviceConfig::zero_shift, member};
}
constexpr auto dac = &ChipConfig::dac;
constexpr auto adc = &ChipConfig::adc;
constexpr auto noise = &ChipConfig::noise;
constexpr auto digital = &ChipConfig::digital;
constexpr auto network = &ChipConfig::interconnect;
constexpr auto compiler = &ChipConfig::compiler;
constexpr auto sim = &ChipConfig::sim;

std::vector<ConfigKey> make_keys() {
  return {
      top_text("name", &ChipConfig::name, "text", "any", "name of the design point (reports carry it)",
               Effect::numbers),
      top_text("technology", &ChipConfig::technology_file, "path", "a YAML file",
               "technology table file, relative to the config file; empty: the built-in HERMES table", timing),

      number("cores.count", Field{cores, &CoresConfig::count}, 1, 4096, "cores", "number of cores"),
      number("cores.rows", Field{cores, &CoresConfig::rows}, 1, 65536, "rows", "crossbar rows (inputs)"),
      number("cores.cols", Field{cores, &CoresConfig::cols}, 1, 65536, "columns",
             "crossbar columns (outputs, one ADC each)"),
      choice("cores.read_mode", Field{cores, &CoresConfig::read_mode}, read_mode_names(),
             "sign quadrants read in one integration or four"),
      number("cores.input_buffer_kib", Field{cores, &CoresConfig::input_buffer_kib}, 0.0, 1e9, "KiB",
             "input SRAM buffer per core", timing),
      number("cores.output_buffer_kib", Field{cores, &CoresConfig::output_buffer_kib}, 0.0, 1e9, "KiB",
             "output SRAM buffer per core", timing),
      number("cores.one_phase_noise_std", Field{cores, &CoresConfig::one_phase_noise_std}, 0.0f, 1e6f,
             "normalised output units", "extra output noise of one-phase reads, added in quadrature"),
      number("cores.one_phase_nonlinearity_lsb", Field{cores, &CoresConfig::one_phase_nonlinearity_lsb}, 0.0f, 1e6f,
             "ADC LSB", "extra ADC nonlinearity of one-phase reads"),
      number("cores.program_verify_iterations", Field{cores, &CoresConfig::program_verify_iterations}, 0.0, 1e6,
             "pulses", "program-and-verify pulses per device row when programming weights", timing),

      text_choice("device.model", Field{device, &InferenceDeviceConfig::model}, hw::inference_device_models(),
                  "the PCM device model"),
      device_override("device.g_max_us", &InferenceDeviceConfig::g_max_us, &InferenceDeviceParams::g_max_us, 1e-6f,
                      1e6f, "µS", "largest programmable conductance; overrides the model's own"),
      device_override("device.t0_s", &InferenceDeviceConfig::t0_s, &InferenceDeviceParams::t0_s, 1e-9f, 1e9f, "s",
                      "drift reference time; overrides the model's own"),
      device_override("device.t_read_s", &InferenceDeviceConfig::t_read_s, &InferenceDeviceParams::t_read_s, 1e-15f,
                      1e3f, "s", "read duration (read-noise bandwidth); overrides the model's own"),
      number("device.prog_noise_scale", Field{device, &InferenceDeviceConfig::prog_noise_scale}, 0.0f, 1e3f, "factor",
             "scales the programming noise"),
      number("device.drift_scale", Field{device, &InferenceDeviceConfig::drift_scale}, 0.0f, 1e3f, "factor",
             "scales the drift exponents"),
      number("device.read_noise_scale", Field{device, &InferenceDeviceConfig::read_noise_scale}, 0.0f, 1e3f, "factor",
             "scales the read (1/f) noise"),

      text_choice("training_device.model", training(&PulsedDeviceConfig::model), hw::pulsed_device_models(),
                  "the pulsed device model that analog training updates"),
      number("training_device.dw_min", training(&PulsedDeviceConfig::dw_min), 1e-9f, 1.0f, "device units",
             "nominal step of one pulse"),
      number("training_device.up_down", training(&PulsedDeviceConfig::up_down), -0.999f, 0.999f, "relative",
             "-0.999..0.999", "up/down asymmetry: up step dw_min (1 + up_down), down step dw_min (1 - up_down)",
             Effect::numbers),
      number("training_device.w_max", training(&PulsedDeviceConfig::w_max), -1e3f, 1e3f, "device units",
             "upper bound of the device state; above w_min (soft-bounds: above 0)"),
      number("training_device.w_min", training(&PulsedDeviceConfig::w_min), -1e3f, 1e3f, "device units",
             "lower bound of the device state (soft-bounds: below 0)"),
      number("training_device.gamma_up", training(&PulsedDeviceConfig::gamma_up), 0.0f, 1e3f, "1/device units",
             "linear-step: slope of the up step, up = a+ (1 - gamma_up w)"),
      number("training_device.gamma_down", training(&PulsedDeviceConfig::gamma_down), 0.0f, 1e3f, "1/device units",
             "linear-step: slope of the down step, down = a- (1 + gamma_down w)"),
      number("training_device.dw_min_dtod", training(&PulsedDeviceConfig::dw_min_dtod), 0.0f, 1e3f, "relative",
             "device-to-device spread (std) of the step, relative to dw_min"),
      number("training_device.up_down_dtod", training(&PulsedDeviceConfig::up_down_dtod), 0.0f, 1e3f, "relative",
             "device-to-device spread (std) of up_down"),
      number("training_device.w_bounds_dtod", training(&PulsedDeviceConfig::w_bounds_dtod), 0.0f, 1e3f, "relative",
             "device-to-device spread (std) of each bound, relative to it"),
      number("training_device.dw_min_std", training(&PulsedDeviceConfig::dw_min_std), 0.0f, 1e3f, "relative",
             "cycle-to-cycle spread (std) of every step, relative to it"),
      number("training_device.zero_shift_pulse_pairs", zero_shift(&hw::ZeroShiftConfig::pulse_pairs), 1, 1 << 24,
             "pulse pairs", "up/down pulse pairs that take a device to its symmetry point before it is read"),
      number("training_device.reference_programming_std", zero_shift(&hw::ZeroShiftConfig::reference_programming_std),
             0.0f, 1e3f, "device units", "programming error (std) of a reference device set to the read state"),

      number("mapping.devices_per_polarity", Field{mapping, &MappingConfig::devices_per_polarity}, 1, 16, "devices",
             "devices per polarity of one weight"),
      number("mapping.g_min_us", Field{mapping, &MappingConfig::g_min_us}, 0.0f, 1e6f, "µS",
             "conductance of a device holding no weight"),
      choice("mapping.scale", Field{mapping, &MappingConfig::scale}, hw::mapping_scale_names(),
             "weights normalised per column or per array"),
      number("mapping.weight_clip", Field{mapping, &MappingConfig::weight_clip}, 0.0f, 1e9f, "weight units",
             "clip |w| before mapping; 0: off"),
      number("mapping.stuck_off_probability", Field{mapping, &MappingConfig::stuck_off_probability}, 0.0f, 1.0f,
             "probability", "stuck-at-off (zero conductance) rate per device"),
      number("mapping.stuck_on_probability", Field{mapping, &MappingConfig::stuck_on_probability}, 0.0f, 1.0f,
             "probability", "stuck-at-on (g_max) rate per device"),

      number("dac.bits", Field{dac, &DacConfig::bits}, 2, 16, "bits", "input resolution including sign"),
      number("dac.input_range", Field{dac, &DacConfig::input_range}, 1e-9f, 1e9f, "input units",
             "input that maps to full scale"),
      flag("dac.stochastic_rounding", Field{dac, &DacConfig::stochastic_rounding}, "unbiased stochastic rounding"),
      flag("dac.quantise", Field{dac, &DacConfig::quantise}, "false: ideal converter"),

      number("adc.bits", Field{adc, &AdcConfig::bits}, 2, 16, "bits", "output resolution including sign"),
      choice("adc.kind", Field{adc, &AdcConfig::kind}, hw::adc_kind_names(), "converter type; sets the cost scaling"),
      number("adc.output_range", Field{adc, &AdcConfig::output_range}, 1e-9f, 1e9f, "normalised output units",
             "output that maps to full scale"),
      number("adc.noise_std_lsb", Field{adc, &AdcConfig::noise_std_lsb}, 0.0f, 1e6f, "ADC LSB", "conversion noise"),
      number("adc.gain_error_std", Field{adc, &AdcConfig::gain_error_std}, 0.0f, 1.0f, "relative",
             "per-column gain error"),
      number("adc.offset_error_std_lsb", Field{adc, &AdcConfig::offset_error_std_lsb}, 0.0f, 1e6f, "ADC LSB",
             "per-column offset error"),
      number("adc.nonlinearity_lsb", Field{adc, &AdcConfig::nonlinearity_lsb}, 0.0f, 1e6f, "ADC LSB",
             "integral nonlinearity"),
      flag("adc.calibrate", Field{adc, &AdcConfig::calibrate}, "one-time affine calibration of gain and offset"),
      number("adc.calibration_points", Field{adc, &AdcConfig::calibration_points}, 2, 1 << 20, "points",
             "inputs of that calibration"),
      flag("adc.quantise", Field{adc, &AdcConfig::quantise}, "false: no rounding or clipping"),

      number("noise.output_noise_std", Field{noise, &NoiseConfig::output_noise_std}, 0.0f, 1e6f,
             "normalised output units", "additive per-read output noise"),
      number("noise.pcm_read_noise", Field{noise, &NoiseConfig::pcm_read_noise}, 0.0f, 1e6f, "coefficient",
             "PCM-read-type per-read weight noise"),
      choice("noise.input_scaling", Field{noise, &NoiseConfig::input_scaling}, hw::input_scaling_names(),
             "DAC full scale: fixed, or per input vector (noise management)"),
      choice("noise.drift_compensation", Field{noise, &NoiseConfig::drift_compensation}, hw::drift_compensation_names(),
             "how read-out drift is corrected"),
      number("noise.t_inference_s", Field{noise, &NoiseConfig::t_inference_s}, 0.0, 1e12, "s",
             "time after programming at which the network is evaluated"),

      number("digital.clock_mhz", Field{digital, &DigitalConfig::clock_mhz}, 1e-3, 1e6, "MHz",
             "local digital units, one datum per clock", timing),
      number("digital.global_unit_slices", Field{digital, &DigitalConfig::global_unit_slices}, 1, 4096, "slices",
             "parallel slices of each core's global digital unit", timing),
      number("digital.global_unit_cycles_per_output", Field{digital, &DigitalConfig::global_unit_cycles_per_output}, 1,
             1 << 20, "cycles", "clocks one slice needs per output", timing),
      number("digital.pipeline_stages", Field{digital, &DigitalConfig::pipeline_stages}, 0.0, 1e6, "clocks",
             "pipeline depth of the local digital unit's act and pool passes", timing),
      number("digital.accumulate_pipeline_stages", Field{digital, &DigitalConfig::accumulate_pipeline_stages}, 0.0, 1e6,
             "clocks", "pipeline depth of an acc pass: a streamed partial sum received, added and passed on", timing),
      number("digital.global_unit_pipeline_stages", Field{digital, &DigitalConfig::global_unit_pipeline_stages}, 0.0,
             1e6, "clocks", "pipeline depth of the global digital unit (one output's dependent gate operations)",
             timing),

      choice("interconnect.topology", Field{network, &NetworkConfig::topology}, interconnect::topology_names(),
             "network topology", timing),
      number("interconnect.grid_x", Field{network, &NetworkConfig::grid_x}, 1, 4096, "nodes",
             "node grid columns; grid_x * grid_y = cores.count"),
      number("interconnect.grid_y", Field{network, &NetworkConfig::grid_y}, 1, 4096, "nodes", "node grid rows"),
      number("interconnect.link_width_bits", Field{network, &NetworkConfig::link_width_bits}, 1, 4096, "bits",
             "one flit, moved per network cycle", timing),
      number("interconnect.clock_mhz", Field{network, &NetworkConfig::clock_mhz}, 1e-3, 1e6, "MHz", "network clock",
             timing),
      number("interconnect.router_latency_cycles", Field{network, &NetworkConfig::router_latency_cycles}, 0, 1000,
             "cycles", "pipeline delay of one router", timing),
      number("interconnect.buffer_flits", Field{network, &NetworkConfig::buffer_flits}, 1, 1 << 16, "flits",
             "input buffer per port and virtual channel (at mode)", timing),
      number("interconnect.virtual_channels", Field{network, &NetworkConfig::virtual_channels}, 1, 64, "channels",
             "virtual channels per port (at mode)", timing),
      number("interconnect.max_packet_flits", Field{network, &NetworkConfig::max_packet_flits}, 1, 1 << 20, "flits",
             "longer messages are split into packets", timing),
      choice("interconnect.mode", Field{network, &NetworkConfig::mode}, interconnect::network_mode_names(),
             "lt: link reservations; at: flit-level wormhole model", timing),
      number("interconnect.offchip_node", Field{network, &NetworkConfig::offchip_node}, 0, 1 << 20, "node",
             "0..`cores.count` - 1", "node whose router also connects the off-chip port", timing),

      choice("compiler.replication", Field{compiler, &CompilerConfig::replication}, firmware::replication_names(),
             "copies of the heaviest layers on spare cores"),
      number("compiler.inferences", Field{compiler, &CompilerConfig::inferences}, 1, 10000, "inferences",
             "inferences pipelined through the timed run of a model", timing),
      choice("compiler.adc_range", Field{compiler, &CompilerConfig::adc_range}, adc_range_names(),
             "ADC full scale: adc.output_range, or chosen per core at programming time"),
      choice("compiler.placement", Field{compiler, &CompilerConfig::placement}, firmware::placement_names(),
             "the order in which accumulation chains take the grid's cores"),

      [] {
        ConfigKey k = entry("sim.seed", "integer", "integer", "0..2^64 - 1", "the one seed of every random stream",
                            Effect::numbers);
        k.read = [](YamlSection& s, const std::string& key, ChipConfig& c) { s.read(key, c.sim.seed); };
        k.value = [](const ChipConfig& c) { return scalar_text(c.sim.seed); };
        return k;
      }(),
      number("sim.quantum_ns", Field{sim, &SimConfig::quantum_ns}, 1e-3, 1e12, "ns",
             "temporal-decoupling quantum of the loosely timed mode", timing),
  };
}

}  // namespace

std::string ConfigKey::section() const {
  const auto dot = name.find('.');
  return dot == std::string::npos ? "" : name.substr(0, dot);
}

std::string ConfigKey::leaf() const {
  const auto dot = name.find('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys = make_keys();
  return keys;
}

const ConfigKey* find_config_key(const std::string& dotted_name) {
  for (const auto& k : config_keys()) {
    if (k.name == dotted_name) return &k;
  }
  return nullptr;
}

}  // namespace imcsim::chip
