#include "chip/crossbar_numerics.h"

#include "base/random.h"
#include "hw/programmed_array.h"

namespace imcsim::chip {

CrossbarNumerics::CrossbarNumerics(const ChipConfig& config, int core_id)
    : m_device(hw::make_inference_device(config.device)),
      m_crossbar(config.crossbar(), config.sim.seed, static_cast<std::uint32_t>(core_id)) {
  const auto id = static_cast<std::uint32_t>(core_id);
  hw::WeightMatrix weights(config.cores.rows, config.cores.cols);
  RandomStream({config.sim.seed, RandomPurpose::test_input, id, 0})
      .normal(weights.data(), static_cast<std::size_t>(weights.size()));
  hw::ProgrammedArray array(*m_device, config.mapping, config.sim.seed, id);
  array.program(weights);
  m_crossbar.set_weights(array.normalised_weights_at(config.noise.t_inference_s), array.column_scales());
  m_input.resize(1, config.cores.rows);
  RandomStream({config.sim.seed, RandomPurpose::test_input, id, 1})
      .uniform(m_input.data(), static_cast<std::size_t>(m_input.size()));
}

void CrossbarNumerics::execute(const cores::CoreCommand& command) {
  if (command.op != cores::CoreOp::mvm) return;
  if (command.input != nullptr && command.output != nullptr) {
    m_crossbar.forward(*command.input, hw::ReadId{m_pass++, 0}, *command.output);
    return;
  }
  for (int v = 0; v < command.vectors; ++v) m_crossbar.forward(m_input, hw::ReadId{m_pass++, 0}, m_output);
}

}  // namespace imcsim::chip
