#pragma once
// Energy by component (pJ): of a run, of one inference, of one layer. Plain C++.

#include <array>
#include <initializer_list>
#include <vector>

#include "base/name_table.h"
#include "cores/core_costs.h"

namespace imcsim::chip {

/// The components, in the order reports list them and totals are summed (alphabetical: report.json has always
/// listed them so).
enum class EnergyComponent { adc, array, dac, digital, network, programming, sram, static_power };
/// adc, array, dac, digital, network, programming, sram, static (report.json's energy.breakdown keys).
const NameTable<EnergyComponent>& energy_component_names();

/// Energy by component, pJ, over a fixed set of components: a layer's dynamic energy has no static part, an
/// inference's no programming (every_energy_component, inference_energy_components, layer_energy_components).
/// Contract: only the components it carries can be read or written (an Error otherwise), and it reports and sums
/// only those, in EnergyComponent order, so two runs of the same kind list the same components.
class EnergyBreakdown {
 public:
  explicit EnergyBreakdown(std::initializer_list<EnergyComponent> carried);

  bool carries(EnergyComponent c) const { return m_carried[index(c)]; }
  double& operator[](EnergyComponent c);
  double operator[](EnergyComponent c) const;
  /// Adds a core command's energy to the core components this breakdown carries (programming only if carried).
  void add(const cores::CommandEnergy& e);
  /// The carried components, in EnergyComponent order.
  std::vector<EnergyComponent> components() const;
  /// Their sum, in that order.
  double total_pj() const;

 private:
  static constexpr std::size_t count = 8;
  static std::size_t index(EnergyComponent c) { return static_cast<std::size_t>(c); }
  std::array<double, count> m_pj{};
  std::array<bool, count> m_carried{};
};

/// A whole run (chip::simulate, trace replay): every component.
EnergyBreakdown every_energy_component();
/// One inference of a pipelined run: the cores, the network and the powered cores' static energy.
EnergyBreakdown inference_energy_components();
/// One layer's dynamic energy: its cores and the network.
EnergyBreakdown layer_energy_components();

/// Static energy: `powered_cores` cores drawing the technology's static.core_power_mw each for `duration_ns`
/// (W x ns x 1e3 = pJ). A powered core is one the program uses (it has instructions); the others are
/// power-gated and draw nothing (docs/technology.md, "Static power").
double static_energy_pj(const hw::TechnologyTable& technology, int powered_cores, double duration_ns);

}  // namespace imcsim::chip
