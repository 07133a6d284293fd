#pragma once
// Statistical models of non-volatile inference devices (PCM-like): programming noise, conductance drift and
// accumulated 1/f read noise, as functions of the normalised target conductance g = G_target / g_max.
//
// Contract: conductances are in uS and never negative; times are in seconds measured from the end of
// programming. The laws (prog_noise_std_us, drift_nu_mean, ...) are pure functions of g; the batched
// operations draw their randomness only from the RandomStream they are given, at the positions given, so
// results do not depend on batching or threads.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/random.h"

namespace imcsim::hw {

/// Raw configuration: the model name plus optional overrides of its defaults.
struct InferenceDeviceConfig {
  std::string model = "pcm";  ///< pcm | pcm-hermes | ideal
  std::optional<float> g_max_us;
  std::optional<float> t0_s;
  std::optional<float> t_read_s;
  float prog_noise_scale = 1.0f;
  float drift_scale = 1.0f;
  float read_noise_scale = 1.0f;
};

/// Resolved parameters shared by every inference-device model.
struct InferenceDeviceParams {
  float g_max_us = 25.0f;    ///< conductance of the fully SET device
  float t0_s = 20.0f;        ///< drift reference time
  float t_read_s = 250e-9f;  ///< duration of one read (lower cut-off of the 1/f noise)
  float prog_noise_scale = 1.0f;
  float drift_scale = 1.0f;  ///< scales the mean and spread of the drift exponent
  float read_noise_scale = 1.0f;
};

class InferenceDeviceModel {
 public:
  explicit InferenceDeviceModel(InferenceDeviceParams params);
  virtual ~InferenceDeviceModel() = default;

  virtual std::string name() const = 0;
  /// Std of the programmed conductance around the target, uS (>= 0).
  virtual float prog_noise_std_us(float g) const = 0;
  /// Mean and std of the drift exponent nu (before drift_scale).
  virtual float drift_nu_mean(float g) const = 0;
  virtual float drift_nu_std(float g) const = 0;
  /// Relative 1/f read-noise magnitude Q_s(g).
  virtual float read_noise_q(float g) const = 0;

  const InferenceDeviceParams& params() const { return m_params; }
  /// sqrt(ln((T + t_read) / (2 t_read))) with T = t + t0: growth of accumulated 1/f noise with time.
  float read_noise_time_factor(double t_s) const;
  /// Std of the read noise alone at time t of a device programmed to g_prog_us that now conducts g_us:
  /// |g| * Q_s(g_prog / g_max) * read_noise_time_factor(t).
  float read_noise_std_us(float g_prog_us, float g_us, double t_s) const;

  // Batched operations on n devices; position i of each stream belongs to device first + i.
  /// g_prog = max(0, g_target + prog_noise_scale * sigma_p(g) * xi).
  void program(const float* g_target_us, float* g_prog_us, std::size_t n, const RandomStream& stream,
               std::uint64_t first) const;
  /// nu = drift_scale * |N(mu_nu(g), sigma_nu(g))|, drawn once per device.
  void draw_drift_exponents(const float* g_target_us, float* nu, std::size_t n, const RandomStream& stream,
                            std::uint64_t first) const;
  /// g_out = g_prog * ((t + t0) / t0)^(-nu).
  void drift(const float* g_prog_us, const float* nu, double t_s, float* g_out_us, std::size_t n) const;
  /// g = max(0, g + read_noise_std_us(g_prog, g, t) * xi), one draw per device and stream position.
  void add_read_noise(const float* g_prog_us, double t_s, float* g_us, std::size_t n, const RandomStream& stream,
                      std::uint64_t first) const;

 protected:
  float normalised(float g_us) const;

 private:
  InferenceDeviceParams m_params;
};

/// Builds the named model with its defaults, applies the overrides and validates every value.
/// Throws ParameterError naming the offending parameter ("device.g_max_us", ...).
std::unique_ptr<InferenceDeviceModel> make_inference_device(const InferenceDeviceConfig& config);
/// Names accepted by make_inference_device.
std::vector<std::string> inference_device_models();

}  // namespace imcsim::hw
