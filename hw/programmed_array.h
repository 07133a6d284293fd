#pragma once
// The devices of one inference array: a weight block mapped to differential conductances, programmed once
// (programming noise, drift exponents, stuck-at faults) and read back at any time after programming
// (drift plus accumulated 1/f read noise). Produces the normalised weights and column scales a Crossbar reads.
//
// Device slot k (0 <= k < 2N) is polarity k / N (0: G+, 1: G-) and device k % N of that polarity; the random
// streams are keyed (seed, purpose, array id, slot), position = column * rows + row.

#include <cstdint>
#include <vector>

#include "hw/device/inference_device.h"
#include "hw/types.h"
#include "hw/weight_mapping.h"

namespace imcsim::hw {

enum class DeviceFault : std::uint8_t { none = 0, stuck_off = 1, stuck_on = 2 };
using FaultMatrix = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic>;

class ProgrammedArray {
 public:
  /// `device` must outlive the array.
  ProgrammedArray(const InferenceDeviceModel& device, const MappingConfig& mapping, std::uint64_t seed,
                  std::uint32_t array_id);

  /// Maps and programs `weights` (rows = inputs, cols = outputs). Draws faults unless set_faults() was called
  /// for this shape.
  void program(const WeightMatrix& weights);
  /// Maps and programs `weights` with the given column scales (one per column, each > 0; ParameterError
  /// "mapping.scale" otherwise) in place of mapping_scales(): a weight beyond its column's scale saturates at +-1
  /// (g_max). Post-training range calibration maps a column at kappa x its mapping scale (chip/range_calibration.h).
  void program(const WeightMatrix& weights, const Vector& scales);
  /// Replaces the drawn stuck-at faults of `slot` (call before program()).
  void set_faults(int slot, const FaultMatrix& faults);

  /// Normalised weights as read t_s seconds after programming: drifted conductances plus one draw of the
  /// accumulated read noise (draw selects an independent draw; the same draw gives the same result).
  WeightMatrix normalised_weights_at(double t_s, std::uint32_t draw = 0) const;
  /// Normalised weights right after programming, without read noise.
  WeightMatrix programmed_normalised_weights() const;
  const Vector& column_scales() const { return m_scales; }

  int slots() const { return 2 * m_mapping.devices_per_polarity; }
  const WeightMatrix& target_us(int slot) const { return m_target_us[static_cast<std::size_t>(slot)]; }
  const WeightMatrix& drift_exponent(int slot) const { return m_nu[static_cast<std::size_t>(slot)]; }
  const FaultMatrix& faults(int slot) const { return m_faults[static_cast<std::size_t>(slot)]; }
  /// Conductances of `slot` at time t (drift and one read-noise draw, faults applied).
  WeightMatrix conductance_at_us(int slot, double t_s, std::uint32_t draw = 0) const;

 private:
  WeightMatrix combine(const std::vector<WeightMatrix>& conductances_us) const;
  void draw_faults(Eigen::Index rows, Eigen::Index cols);
  void apply_faults(int slot, WeightMatrix& g_us) const;
  StreamKey key(RandomPurpose purpose, int slot, std::uint32_t draw = 0) const;

  const InferenceDeviceModel& m_device;
  MappingConfig m_mapping;
  std::uint64_t m_seed;
  std::uint32_t m_array_id;
  Vector m_scales;
  std::vector<WeightMatrix> m_target_us;
  std::vector<WeightMatrix> m_programmed_us;
  std::vector<WeightMatrix> m_nu;
  std::vector<FaultMatrix> m_faults;
};

}  // namespace imcsim::hw
