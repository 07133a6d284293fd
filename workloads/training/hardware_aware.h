#pragma once
// Hardware-aware training of the analog layers' matrix products, as aihwkit users know it: weight noise
// (additive or PCM-like), output noise, DAC and ADC quantisation with straight-through gradients, weight
// clipping after every update, and a learned DAC input range.
//
// One AnalogProduct belongs to one analog layer (Dense, Conv2d, the LSTM's combined input and recurrent
// product). It computes y = x W^T for a block of input vectors (one per row). Units follow the crossbar: an
// input vector is scaled to the DAC's full scale s (its own max |x|, or the learned range r), a weight to
// w_max = max |W| of the layer; output noise and the ADC range are in units of s * w_max, so a normalised
// output of 1.0 is what one full-scale input on one full-scale weight produces (hw/periphery/adc.h).
//
// Contract: forward() and backward() are const and touch only the cache they are given, so the chunks of a
// minibatch can run on any threads; every random draw comes from a counter-based stream keyed by
// (seed, purpose, layer, step) at a position given by the caller, so training is deterministic.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hw/types.h"

namespace imcsim::hw {
class Adc;
class Dac;
class InferenceDeviceModel;
}  // namespace imcsim::hw

namespace imcsim::workloads::training {

using Matrix = hw::BatchMatrix;

enum class WeightNoise { none, additive, pcm, pcm_hermes };

struct HardwareAwareConfig {
  WeightNoise weight_noise = WeightNoise::none;
  /// additive: std relative to the layer's max |w|; pcm: scale k of the PCM programming-noise law sigma_p(g) of
  /// hw's PcmLikeDevice (1 = the device): a weight is a differential pair, one device at g = |w| / w_max, the
  /// other at 0, so its std is k * w_max / g_max * sqrt(sigma_p(g)^2 + sigma_p(0)^2).
  /// pcm-hermes: the chip's device law (hw's PcmHermesDevice, two devices per polarity) applied as the chip maps a
  /// weight: per output (the chip's per-column scale) g = |w| / max |w| of the output, a differential pair with one
  /// device at g and one at 0, each with programming noise; with weight_noise_time_s > 0 also drift with a per-device
  /// exponent and accumulated read noise at that time, followed by a global drift compensation of the layer. k scales
  /// the spreads (programming noise, drift-exponent spread, read noise), not the mean drift.
  double weight_noise_std = 0.0;
  double weight_noise_time_s = 0.0;  ///< pcm-hermes: time after programming the noise describes (0: programming only)
  double output_noise = 0.0;         ///< std of output noise, in units of s * w_max (aihwkit's out_noise)
  int dac_bits = 0;                  ///< 0: ideal inputs
  int adc_bits = 0;                  ///< 0: ideal outputs
  double adc_range = 10.0;           ///< ADC full scale, in units of s * w_max (aihwkit's out_bound)
  double clip_sigma = 0.0;           ///< clip weights to this many standard deviations of the layer; 0: off
  bool learn_input_range = false;
  double input_range_init = 1.0;      ///< the range before (or without) initialisation from data
  int input_range_init_batches = 10;  ///< first steps whose inputs set the range: the mean of 3 x RMS(x)
  double input_range_decay = 0.01;    ///< pulls the range down when few inputs clip
  std::uint64_t seed = 1;

  /// True when any option changes the training forward pass or the updates.
  bool any() const;
  /// Throws ParameterError naming the option.
  void validate() const;
};

WeightNoise parse_weight_noise(const std::string& name);
std::string weight_noise_name(WeightNoise kind);

/// A trainable or buffered tensor of a layer.
struct Parameter {
  std::string name;                 ///< IR tensor name ("" : not exported)
  std::vector<std::int64_t> shape;  ///< IR shape
  Matrix value;
  Matrix grad;
  bool trainable = true;  ///< false: a buffer (BatchNorm running statistics)
};

/// What the forward pass of one block of vectors leaves for the backward pass.
struct ProductCache {
  Matrix x;  ///< the inputs as the array saw them (clipped to the learned range r, quantised); |x| = r: clipped
  double sum_squares = 0;  ///< input statistics for the range initialisation
  double count = 0;
  double clipped_count = 0;  ///< inputs at the learned range
};

class AnalogProduct {
 public:
  /// `layer` keys the layer's random streams.
  AnalogProduct(const HardwareAwareConfig& config, std::uint32_t layer);
  ~AnalogProduct();
  AnalogProduct(AnalogProduct&&) noexcept;
  AnalogProduct& operator=(AnalogProduct&&) noexcept;

  /// Once per pass, before the chunks: fixes the weights the products use (with this step's weight noise when
  /// training). `w` is outputs x inputs.
  void begin(const Matrix& w, std::uint64_t step, bool training);
  /// y = x W'^T (+ noise, quantised) for the rows of x; `first` is the index of row 0 among all vectors this
  /// layer multiplies in this step (the noise position). With a cache (training), the cache keeps what
  /// backward needs.
  Matrix forward(Matrix x, std::uint64_t first, ProductCache* cache) const;
  /// Straight-through backward: dW += dy^T x; returns dx (zero where an input sits at the learned range) and adds
  /// those inputs' gradient to range_grad (aihwkit's InputRangeForward).
  Matrix backward(const Matrix& dy, const ProductCache& cache, Matrix& dw, float& range_grad) const;
  /// After the forward of a training step: initialises the learned range from the caches' statistics.
  void end_forward(const std::vector<const ProductCache*>& caches);
  /// After the backward of a training step: the range gradient of all chunks (reduced in their order) plus decay.
  void set_range_gradient(double clipped_grad, const std::vector<const ProductCache*>& caches);
  /// After an update: clips the weights (when configured).
  void clip(Matrix& w) const;

  /// The learned input range (1 x 1), or nullptr when it is not learned.
  Parameter* input_range() { return m_config.learn_input_range ? &m_range : nullptr; }
  const Matrix& weights() const { return *m_weights; }

 private:
  /// pcm-hermes: this step's weights into m_noisy.
  void hermes_weights(const Matrix& w, std::uint64_t step);

  HardwareAwareConfig m_config;
  std::uint32_t m_layer;
  std::unique_ptr<hw::Dac> m_dac;
  std::unique_ptr<hw::Adc> m_adc;
  std::unique_ptr<hw::InferenceDeviceModel> m_device;
  Parameter m_range;
  int m_range_steps = 0;  ///< steps that have contributed to the range initialisation
  double m_range_mean = 0;
  const Matrix* m_weights = nullptr;
  Matrix m_noisy;
  float m_w_max = 1.0f;
  std::uint64_t m_step = 0;
  bool m_training = false;
};

}  // namespace imcsim::workloads::training
