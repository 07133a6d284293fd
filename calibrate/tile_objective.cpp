#include "calibrate/tile_objective.h"

#include <algorithm>
#include <cmath>

#include "base/errors.h"
#include "base/random.h"

namespace imcsim::calibrate {

namespace {

/// Read passes of the drift-compensation probe (reference, then at the drift time) and of the objective's read.
constexpr std::uint32_t reference_pass = 0xFFFFFF00u;
constexpr std::uint32_t measure_pass = reference_pass + 1;
constexpr std::uint32_t objective_pass = 0;

}  // namespace

std::uint64_t noise_seed(std::uint64_t base_seed, std::uint32_t k) {
  std::uint32_t words[2];
  RandomStream({base_seed, RandomPurpose::calibration_seed, k, 0}).bits(words, 2);
  return (std::uint64_t{words[0]} << 32) | words[1];
}

const NameTable<Mode>& mode_names() {
  static const NameTable<Mode> names{{Mode::offline, "offline"}, {Mode::on_chip, "on_chip"}};
  return names;
}

ObjectiveSetting objective_setting(const chip::ChipConfig& config, const hw::InferenceDeviceModel& device,
                                   double drift_time_s, int noise_seeds, Mode mode) {
  if (noise_seeds < 1) throw ParameterError("noise_seeds", "must be >= 1");
  if (mode == Mode::on_chip && noise_seeds != 1) {
    throw ParameterError("noise_seeds", "an on-chip calibration reads the one programmed instance: must be 1");
  }
  if (!(drift_time_s >= 0.0) || !std::isfinite(drift_time_s)) {
    throw ParameterError("drift_time_s", "must be finite and >= 0");
  }
  ObjectiveSetting s;
  s.crossbar = config.crossbar();
  s.mapping = config.mapping;
  s.compensation = config.noise.drift_compensation;
  s.drift_time_s = drift_time_s;
  s.device = &device;
  if (mode == Mode::on_chip) {
    s.noise_seeds = {config.sim.seed};
    s.first_image = on_chip_first_image;
    return s;
  }
  for (int k = 0; k < noise_seeds; ++k) {
    s.noise_seeds.push_back(noise_seed(config.sim.seed, static_cast<std::uint32_t>(k)));
  }
  return s;
}

TileObjective::TileObjective(const ObjectiveSetting& setting, const TileProblem& problem)
    : m_setting(setting), m_problem(problem), m_reference(problem.inputs * problem.weights) {
  if (setting.device == nullptr || setting.noise_seeds.empty()) {
    throw Error("TileObjective: the setting needs a device and at least one noise seed");
  }
  if (problem.inputs.cols() != problem.weights.rows()) {
    throw Error("TileObjective: the inputs' width differs from the tile's rows");
  }
}

TileObjective::Programmed TileObjective::program(const std::vector<float>& kappa) const {
  if (kappa.size() != static_cast<std::size_t>(m_problem.weights.cols())) {
    throw Error("TileObjective::program(): one kappa per column expected");
  }
  const hw::Vector factors = Eigen::Map<const hw::Vector>(kappa.data(), static_cast<Eigen::Index>(kappa.size()));
  if (!((factors.array() > 0.0f) && (factors.array() <= 1.0f)).all()) {
    throw Error("TileObjective::program(): kappa must be in (0, 1]");
  }
  // Column c mapped at kappa_c x its mapping scale, as the accuracy model maps a calibrated tile (AnalogModel).
  const hw::Vector scales = hw::mapping_scales(m_problem.weights, m_setting.mapping).cwiseProduct(factors);
  Programmed p;
  for (const std::uint64_t seed : m_setting.noise_seeds) {
    hw::ProgrammedArray array(*m_setting.device, m_setting.mapping, seed, m_problem.array_id);
    array.program(m_problem.weights, scales);
    p.at_time.push_back(array.normalised_weights_at(m_setting.drift_time_s));
    p.programmed.push_back(array.programmed_normalised_weights());
    p.scales.push_back(array.column_scales());
  }
  return p;
}

TileObjective::Read TileObjective::read_at(const Programmed& programmed, std::size_t seed, float input_range,
                                           float adc_range) const {
  hw::CrossbarConfig config = m_setting.crossbar;
  config.adc.output_range = adc_range;
  const std::uint64_t noise = m_setting.noise_seeds.at(seed);
  Read r{hw::Crossbar(config, noise, m_problem.array_id), hw::Vector::Ones(m_problem.weights.cols())};
  r.crossbar.set_weights(programmed.at_time[seed], programmed.scales[seed]);
  if (m_setting.compensation == hw::DriftCompensationKind::none || m_problem.inputs.rows() == 0) return r;
  hw::Crossbar fresh(config, noise, m_problem.array_id);
  fresh.set_weights(programmed.programmed[seed], programmed.scales[seed]);
  hw::DriftCompensation compensation(m_setting.compensation, m_problem.inputs / input_range);
  compensation.set_reference(
      [&](const hw::BatchMatrix& probe) { return fresh.forward(probe, hw::ReadId{reference_pass, 0}); });
  compensation.measure(
      [&](const hw::BatchMatrix& probe) { return r.crossbar.forward(probe, hw::ReadId{measure_pass, 0}); });
  r.factors = compensation.factors();
  return r;
}

hw::Vector TileObjective::column_errors(const Programmed& programmed, float input_range, float adc_range) const {
  const hw::BatchMatrix scaled = m_problem.inputs / input_range;
  hw::Vector errors = hw::Vector::Zero(m_problem.weights.cols());
  for (std::size_t k = 0; k < m_setting.noise_seeds.size(); ++k) {
    const Read now = read_at(programmed, k, input_range, adc_range);
    hw::BatchMatrix y = now.crossbar.forward(scaled, hw::ReadId{objective_pass, m_setting.first_image});
    y.array().rowwise() *= (now.factors * input_range).transpose().array();
    errors += (y - m_reference).colwise().squaredNorm().transpose();
  }
  const double count = double(std::max<Eigen::Index>(1, scaled.rows())) * double(m_setting.noise_seeds.size());
  return errors / static_cast<float>(count);
}

double TileObjective::operator()(const Programmed& programmed, float input_range, float adc_range) const {
  const hw::Vector e = column_errors(programmed, input_range, adc_range);
  return e.size() == 0 ? 0.0 : e.cast<double>().mean();
}

}  // namespace imcsim::calibrate
