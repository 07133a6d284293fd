#include "chip/model_timing.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "chip/transfer_energy.h"

namespace imcsim::chip {

firmware::ModelProgramOptions model_program_options(const ChipConfig& config, int inferences, bool program_weights) {
  firmware::ModelProgramOptions o;
  o.inferences = inferences;
  o.program_weights = program_weights;
  o.input_buffer_bytes = config.cores.input_buffer_kib * 1024;
  o.output_buffer_bytes = config.cores.output_buffer_kib * 1024;
  return o;
}

ModelTiming summarise_model_timing(const ChipConfig& config, const firmware::CompiledModel& model,
                                   SimulationResult run) {
  ModelTiming t;
  t.chip = config.name;
  t.model = model.model;
  t.inferences = model.inferences;
  t.cores_used = model.cores_used;
  t.simulation = std::move(run);
  const SimulationResult& r = t.simulation;
  const auto& program = model.program;

  const TransferEnergy transfers(config);

  // Per inference: span; per layer: busy, energy, span per inference; programming apart.
  const int n = std::max(1, model.inferences);
  std::vector<double> first(static_cast<std::size_t>(n), std::numeric_limits<double>::max());
  std::vector<double> last(static_cast<std::size_t>(n), 0.0);
  const std::size_t layers = model.layers.size();
  std::vector<std::vector<double>> layer_first(layers, std::vector<double>(static_cast<std::size_t>(n), -1));
  std::vector<std::vector<double>> layer_last(layers, std::vector<double>(static_cast<std::size_t>(n), -1));
  t.layers.resize(layers);
  for (std::size_t k = 0; k < layers; ++k) {
    t.layers[k].name = model.layers[k].name;
    t.layers[k].cores = model.layers[k].cores;
  }
  EnergyBreakdown inference_energy = layer_energy_components();  ///< all inferences: cores and network
  double busy = 0, network_total = 0;
  for (std::size_t i = 0; i < program.instructions.size(); ++i) {
    const auto& ins = program.instructions[i];
    const auto& rec = r.instructions[i];
    if (ins.op == firmware::Op::barrier || rec.start_ns < 0) continue;
    const double net = transfers.pj(ins);
    network_total += net;
    const int inference = model.instruction_inference[i];
    if (inference < 0) {
      t.programming_ns = std::max(t.programming_ns, rec.end_ns);
      t.programming_energy_pj += rec.energy.total_pj() + net;
      continue;
    }
    const auto inf = static_cast<std::size_t>(inference);
    first[inf] = std::min(first[inf], rec.start_ns);
    last[inf] = std::max(last[inf], rec.end_ns);
    inference_energy.add(rec.energy);
    inference_energy[EnergyComponent::network] += net;
    busy += rec.busy_ns;
    if (ins.layer >= 0) {
      const auto k = static_cast<std::size_t>(ins.layer);
      LayerTiming& l = t.layers[k];
      l.busy_ns += rec.busy_ns;
      l.energy_breakdown_pj.add(rec.energy);
      l.energy_breakdown_pj[EnergyComponent::network] += net;
      double& lf = layer_first[k][inf];
      lf = lf < 0 ? rec.start_ns : std::min(lf, rec.start_ns);
      layer_last[k][inf] = std::max(layer_last[k][inf], rec.end_ns);
    }
  }
  // The network's own count is the reference (the flit-level mode may differ from bits x hops): scale to it.
  const double network_scale =
      network_total > 0 ? r.energy_breakdown_pj[EnergyComponent::network] / network_total : 1.0;

  t.completion_ns = last;
  t.start_ns = first;
  std::vector<double> ends = last;
  double latency_sum = 0;
  for (int i = 0; i < n; ++i) latency_sum += last[static_cast<std::size_t>(i)] - first[static_cast<std::size_t>(i)];
  t.mean_inference_ns = latency_sum / n;
  t.per_inference_ns = last[0] - first[0];
  t.run_ns = *std::max_element(last.begin(), last.end()) - *std::min_element(first.begin(), first.end());
  std::sort(ends.begin(), ends.end());
  if (n == 1) {
    t.interval_ns = t.per_inference_ns;
  } else {
    // The median spacing of the second half's completions: the pipeline has filled, and a late burst (producers
    // run ahead of the bottleneck and crowd the links early on) does not dominate.
    const std::size_t from = n >= 4 ? static_cast<std::size_t>(n / 2 - 1) : 0;
    std::vector<double> spacing;
    for (std::size_t i = from + 1; i < ends.size(); ++i) spacing.push_back(ends[i] - ends[i - 1]);
    std::sort(spacing.begin(), spacing.end());
    const std::size_t mid = spacing.size() / 2;
    t.interval_ns = spacing.size() % 2 == 1 ? spacing[mid] : 0.5 * (spacing[mid - 1] + spacing[mid]);
  }
  t.inferences_per_s = t.interval_ns > 0 ? 1e9 / t.interval_ns : 0.0;

  for (const EnergyComponent c : inference_energy.components()) {
    const double scale = c == EnergyComponent::network ? network_scale : 1.0;
    t.energy_breakdown_pj[c] = inference_energy[c] * scale / n;
  }
  t.energy_breakdown_pj[EnergyComponent::static_power] =
      static_energy_pj(config.technology, t.cores_used, t.interval_ns);
  t.energy_per_inference_pj = t.energy_breakdown_pj.total_pj();
  t.programming_energy_pj += static_energy_pj(config.technology, t.cores_used, t.programming_ns);

  for (std::size_t k = 0; k < layers; ++k) {
    LayerTiming& l = t.layers[k];
    l.busy_ns /= n;
    l.energy_breakdown_pj[EnergyComponent::network] *= network_scale;
    for (const EnergyComponent c : l.energy_breakdown_pj.components()) l.energy_breakdown_pj[c] /= n;
    l.energy_pj = l.energy_breakdown_pj.total_pj();
    l.latency_ns = layer_last[k][0] - layer_first[k][0];
    l.utilisation = l.cores > 0 && t.interval_ns > 0 ? l.busy_ns / (l.cores * t.interval_ns) : 0.0;
  }

  t.ops_per_inference = 2.0 * static_cast<double>(model.macs_per_inference);
  t.tops = t.ops_per_inference * t.inferences_per_s * 1e-12;
  t.tops_per_w = t.energy_per_inference_pj > 0 ? t.ops_per_inference / t.energy_per_inference_pj : 0.0;
  t.core_utilisation = t.cores_used > 0 && t.run_ns > 0 ? busy / (t.cores_used * t.run_ns) : 0.0;
  t.mvm_vectors_per_inference = 0;
  for (std::size_t i = 0; i < program.instructions.size(); ++i) {
    const auto& ins = program.instructions[i];
    if (ins.op == firmware::Op::mvm && model.instruction_inference[i] >= 0) t.mvm_vectors_per_inference += ins.vectors;
  }
  t.mvm_vectors_per_inference /= n;

  // Links: busy time within the inference phase, from the recorded bookings.
  const double phase_start = *std::min_element(first.begin(), first.end());
  const double phase_end = phase_start + t.run_ns;
  std::map<std::string, double> link_busy;
  for (const auto& e : r.timeline) {
    if (e.track.rfind("link ", 0) != 0) continue;
    const double b = std::max(e.start_ns, phase_start), f = std::min(e.end_ns, phase_end);
    if (f > b) link_busy[e.track] += f - b;
  }
  const double links = static_cast<double>(transfers.topology().links().size());
  if (t.run_ns > 0 && links > 0) {
    double total = 0;
    for (const auto& [name, ns] : link_busy) {
      total += ns;
      t.link_utilisation_max = std::max(t.link_utilisation_max, ns / t.run_ns);
    }
    t.link_utilisation_mean = total / (links * t.run_ns);
  }
  return t;
}

}  // namespace imcsim::chip
