#pragma once
// Resistive devices trained in place by voltage pulses (for analog training): each pulse moves the
// device state w up (potentiation) or down (depression) by a state-dependent step, with device-to-device
// (d2d) variation of the parameters and cycle-to-cycle (c2c) variation of every step.
//
// Step magnitudes at state w for a device with parameters p (all >= 0):
//   constant-step:  up = a+,                      down = a-
//   linear-step:    up = a+ (1 - gamma+ w),       down = a- (1 + gamma- w)
//   soft-bounds:    up = a+ (1 - w / b_max),      down = a- (1 - w / b_min)
// A pulse applies w <- clip(w +- step * (1 + dw_min_std * xi), b_min, b_max), xi ~ N(0, 1).
// Nominal a+ = dw_min (1 + up_down), a- = dw_min (1 - up_down).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/random.h"

namespace imcsim::hw {

struct PulsedDeviceConfig {
  std::string model = "soft-bounds";  ///< constant-step | linear-step | soft-bounds
  float dw_min = 0.001f;              ///< nominal step size
  float up_down = 0.0f;               ///< up/down asymmetry, in (-1, 1)
  float w_max = 1.0f;                 ///< upper bound b_max
  float w_min = -1.0f;                ///< lower bound b_min
  float gamma_up = 0.0f;              ///< linear-step slope of the up step
  float gamma_down = 0.0f;            ///< linear-step slope of the down step
  float dw_min_dtod = 0.0f;           ///< relative d2d spread of the step size
  float up_down_dtod = 0.0f;          ///< absolute d2d spread of up_down
  float w_bounds_dtod = 0.0f;         ///< relative d2d spread of the bounds
  float dw_min_std = 0.0f;            ///< relative c2c spread of every step
};

/// Parameters of one device (after d2d variation).
struct PulsedDeviceParams {
  float a_up = 0;
  float a_down = 0;
  float b_max = 1;
  float b_min = -1;
  float gamma_up = 0;
  float gamma_down = 0;
};

/// The key prefix that errors about a PulsedDeviceConfig name by default ("device.dw_min"); the chip config's
/// section names its own ("training_device.").
inline constexpr const char* device_keys = "device.";

class PulsedDeviceModel {
 public:
  /// Validates the config; a ParameterError names the field after `key_prefix` ("device.dw_min").
  explicit PulsedDeviceModel(const PulsedDeviceConfig& config, const std::string& key_prefix = device_keys);
  virtual ~PulsedDeviceModel() = default;

  virtual std::string name() const = 0;
  virtual float step_up(const PulsedDeviceParams& p, float w) const = 0;
  virtual float step_down(const PulsedDeviceParams& p, float w) const = 0;
  /// The up step when `up`, else the down step (the implementations' list updates inline their own).
  float step(const PulsedDeviceParams& p, float w, bool up) const { return up ? step_up(p, w) : step_down(p, w); }
  /// The state where up and down steps are equal (alternating pulses converge there); the bound the
  /// device runs to when the steps never balance. Default: bisection on step_up - step_down.
  virtual float symmetry_point(const PulsedDeviceParams& p) const;

  const PulsedDeviceConfig& config() const { return m_config; }
  /// Parameters without d2d variation.
  PulsedDeviceParams nominal() const;
  /// n devices with d2d variation, from positions [4 first, 4 (first + n)) of `stream`.
  void draw_devices(PulsedDeviceParams* out, std::size_t n, const RandomStream& stream, std::uint64_t first) const;
  /// One pulse (direction +1 up, -1 down) with c2c draw xi; returns the new state.
  float pulse(const PulsedDeviceParams& p, float w, int direction, float xi) const;
  /// Applies n pulses in order by the law of pulse(): pulse k moves states[devices[k]] (parameters
  /// params[devices[k]]) up (directions[k] = +1) or down (-1) with c2c draw xi[k]. One virtual call for the
  /// whole list; the implementations (pulse_law.h) inline their steps.
  virtual void apply_pulses(const PulsedDeviceParams* params, float* states, const std::size_t* devices,
                            const signed char* directions, const float* xi, std::size_t n) const = 0;

 private:
  PulsedDeviceConfig m_config;
};

/// The model `config.model` names; errors name the fields after `key_prefix` ("device.model").
std::unique_ptr<PulsedDeviceModel> make_pulsed_device(const PulsedDeviceConfig& config,
                                                      const std::string& key_prefix = device_keys);
std::vector<std::string> pulsed_device_models();

/// aihwkit's SoftBoundsDevice defaults (aihwkit.simulator.configs.devices.PulsedDevice): dw_min 0.001, bounds
/// +-0.6, 30 % d2d spread of the step and the bounds (w_bounds_dtod is aihwkit's w_max_dtod = w_min_dtod), 1 %
/// of up_down, 30 % c2c.
PulsedDeviceConfig aihwkit_soft_bounds();

}  // namespace imcsim::hw
