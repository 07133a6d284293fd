#include "chip/energy_breakdown.h"

#include "base/errors.h"

namespace imcsim::chip {

const NameTable<EnergyComponent>& energy_component_names() {
  static const NameTable<EnergyComponent> table{{EnergyComponent::adc, "adc"},
                                                {EnergyComponent::array, "array"},
                                                {EnergyComponent::dac, "dac"},
                                                {EnergyComponent::digital, "digital"},
                                                {EnergyComponent::network, "network"},
                                                {EnergyComponent::programming, "programming"},
                                                {EnergyComponent::sram, "sram"},
                                                {EnergyComponent::static_power, "static"}};
  return table;
}

EnergyBreakdown::EnergyBreakdown(std::initializer_list<EnergyComponent> carried) {
  for (const EnergyComponent c : carried) m_carried[index(c)] = true;
}

double& EnergyBreakdown::operator[](EnergyComponent c) {
  if (!carries(c)) throw Error("this energy breakdown has no component " + energy_component_names().name(c));
  return m_pj[index(c)];
}

double EnergyBreakdown::operator[](EnergyComponent c) const {
  if (!carries(c)) throw Error("this energy breakdown has no component " + energy_component_names().name(c));
  return m_pj[index(c)];
}

void EnergyBreakdown::add(const cores::CommandEnergy& e) {
  const std::pair<EnergyComponent, double> parts[] = {
      {EnergyComponent::array, e.array_pj}, {EnergyComponent::adc, e.adc_pj},
      {EnergyComponent::dac, e.dac_pj},     {EnergyComponent::digital, e.digital_pj},
      {EnergyComponent::sram, e.sram_pj},   {EnergyComponent::programming, e.programming_pj}};
  for (const auto& [c, pj] : parts) {
    if (carries(c)) m_pj[index(c)] += pj;
  }
}

std::vector<EnergyComponent> EnergyBreakdown::components() const {
  std::vector<EnergyComponent> out;
  for (const EnergyComponent c : energy_component_names().values()) {
    if (carries(c)) out.push_back(c);
  }
  return out;
}

double EnergyBreakdown::total_pj() const {
  double total = 0;
  for (const EnergyComponent c : components()) total += m_pj[index(c)];
  return total;
}

EnergyBreakdown every_energy_component() {
  using C = EnergyComponent;
  return EnergyBreakdown{C::adc, C::array, C::dac, C::digital, C::network, C::programming, C::sram, C::static_power};
}

EnergyBreakdown inference_energy_components() {
  using C = EnergyComponent;
  return EnergyBreakdown{C::adc, C::array, C::dac, C::digital, C::network, C::sram, C::static_power};
}

EnergyBreakdown layer_energy_components() {
  using C = EnergyComponent;
  return EnergyBreakdown{C::adc, C::array, C::dac, C::digital, C::network, C::sram};
}

double static_energy_pj(const hw::TechnologyTable& technology, int powered_cores, double duration_ns) {
  return powered_cores * technology.core_static_power_mw * 1e-3 * duration_ns * 1e3;
}

}  // namespace imcsim::chip
