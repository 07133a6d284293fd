#include "hw/programmed_array.h"

#include "base/errors.h"

namespace imcsim::hw {

namespace {
constexpr std::uint32_t max_slots = 64;
}

ProgrammedArray::ProgrammedArray(const InferenceDeviceModel& device, const MappingConfig& mapping, std::uint64_t seed,
                                 std::uint32_t array_id)
    : m_device(device), m_mapping(mapping), m_seed(seed), m_array_id(array_id) {
  validate_mapping(mapping, device.params().g_max_us);
}

StreamKey ProgrammedArray::key(RandomPurpose purpose, int slot, std::uint32_t draw) const {
  return {m_seed, purpose, m_array_id, static_cast<std::uint32_t>(slot) + max_slots * draw};
}

void ProgrammedArray::set_faults(int slot, const FaultMatrix& faults) {
  if (slot < 0 || slot >= slots()) throw ParameterError("mapping.faults", "no device slot " + std::to_string(slot));
  if (m_faults.size() != static_cast<std::size_t>(slots())) m_faults.assign(static_cast<std::size_t>(slots()), {});
  m_faults[static_cast<std::size_t>(slot)] = faults;
}

void ProgrammedArray::draw_faults(Eigen::Index rows, Eigen::Index cols) {
  if (m_faults.size() != static_cast<std::size_t>(slots())) m_faults.assign(static_cast<std::size_t>(slots()), {});
  const float p_off = m_mapping.stuck_off_probability;
  const float p_on = m_mapping.stuck_on_probability;
  for (int s = 0; s < slots(); ++s) {
    FaultMatrix& f = m_faults[static_cast<std::size_t>(s)];
    if (f.rows() == rows && f.cols() == cols) continue;  // set explicitly
    f = FaultMatrix::Zero(rows, cols);
    if (p_off == 0 && p_on == 0) continue;
    WeightMatrix u(rows, cols);
    RandomStream(key(RandomPurpose::stuck_faults, s)).uniform(u.data(), static_cast<std::size_t>(u.size()));
    for (Eigen::Index i = 0; i < u.size(); ++i) {
      // u is in (0, 1]: stuck off when u <= p_off, stuck on when p_off < u <= p_off + p_on.
      if (u.data()[i] <= p_off) {
        f.data()[i] = static_cast<std::uint8_t>(DeviceFault::stuck_off);
      } else if (u.data()[i] <= p_off + p_on) {
        f.data()[i] = static_cast<std::uint8_t>(DeviceFault::stuck_on);
      }
    }
  }
}

void ProgrammedArray::apply_faults(int slot, WeightMatrix& g_us) const {
  const FaultMatrix& f = m_faults[static_cast<std::size_t>(slot)];
  const float g_max = m_device.params().g_max_us;
  for (Eigen::Index i = 0; i < g_us.size(); ++i) {
    const auto fault = static_cast<DeviceFault>(f.data()[i]);
    if (fault == DeviceFault::stuck_off) g_us.data()[i] = 0.0f;
    if (fault == DeviceFault::stuck_on) g_us.data()[i] = g_max;
  }
}

void ProgrammedArray::program(const WeightMatrix& weights) { program(weights, mapping_scales(weights, m_mapping)); }

void ProgrammedArray::program(const WeightMatrix& weights, const Vector& scales) {
  if (scales.size() != weights.cols() || !(scales.array() > 0.0f).all()) {
    throw ParameterError("mapping.scale", "program(): one scale > 0 per column is needed");
  }
  m_scales = scales;
  const WeightMatrix u = normalise_weights(weights, m_scales, m_mapping);
  draw_faults(u.rows(), u.cols());
  const float g_min = m_mapping.g_min_us;
  const float span = m_device.params().g_max_us - g_min;
  const int n = m_mapping.devices_per_polarity;
  const auto count = static_cast<std::size_t>(u.size());
  m_target_us.assign(static_cast<std::size_t>(slots()), {});
  m_programmed_us.assign(static_cast<std::size_t>(slots()), {});
  m_nu.assign(static_cast<std::size_t>(slots()), {});
  for (int s = 0; s < slots(); ++s) {
    const float sign = s < n ? 1.0f : -1.0f;
    const auto idx = static_cast<std::size_t>(s);
    m_target_us[idx] = ((sign * u).cwiseMax(0.0f).array() * span + g_min).matrix();
    m_programmed_us[idx].resize(u.rows(), u.cols());
    m_nu[idx].resize(u.rows(), u.cols());
    m_device.program(m_target_us[idx].data(), m_programmed_us[idx].data(), count,
                     RandomStream(key(RandomPurpose::programming_noise, s)), 0);
    m_device.draw_drift_exponents(m_target_us[idx].data(), m_nu[idx].data(), count,
                                  RandomStream(key(RandomPurpose::drift_exponent, s)), 0);
  }
}

WeightMatrix ProgrammedArray::conductance_at_us(int slot, double t_s, std::uint32_t draw) const {
  if (m_programmed_us.empty()) throw Error("ProgrammedArray: read before program()");
  const auto idx = static_cast<std::size_t>(slot);
  WeightMatrix g(m_programmed_us[idx].rows(), m_programmed_us[idx].cols());
  const auto count = static_cast<std::size_t>(g.size());
  m_device.drift(m_programmed_us[idx].data(), m_nu[idx].data(), t_s, g.data(), count);
  m_device.add_read_noise(m_programmed_us[idx].data(), t_s, g.data(), count,
                          RandomStream(key(RandomPurpose::read_noise, slot, draw)), 0);
  apply_faults(slot, g);
  return g;
}

WeightMatrix ProgrammedArray::combine(const std::vector<WeightMatrix>& conductances_us) const {
  const int n = m_mapping.devices_per_polarity;
  WeightMatrix sum = WeightMatrix::Zero(conductances_us[0].rows(), conductances_us[0].cols());
  for (int s = 0; s < slots(); ++s) {
    sum += (s < n ? 1.0f : -1.0f) * conductances_us[static_cast<std::size_t>(s)];
  }
  return sum / (static_cast<float>(n) * (m_device.params().g_max_us - m_mapping.g_min_us));
}

WeightMatrix ProgrammedArray::normalised_weights_at(double t_s, std::uint32_t draw) const {
  std::vector<WeightMatrix> g;
  g.reserve(static_cast<std::size_t>(slots()));
  for (int s = 0; s < slots(); ++s) g.push_back(conductance_at_us(s, t_s, draw));
  return combine(g);
}

WeightMatrix ProgrammedArray::programmed_normalised_weights() const {
  std::vector<WeightMatrix> g = m_programmed_us;
  for (int s = 0; s < slots(); ++s) apply_faults(s, g[static_cast<std::size_t>(s)]);
  return combine(g);
}

}  // namespace imcsim::hw
