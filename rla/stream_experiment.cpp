#include "rla/stream_experiment.h"

#include "base/errors.h"
#include "rla/experiment_stats.h"
#include "rla/experiment_tables.h"
#include "rla/frequent_directions.h"

namespace imcsim::rla {

nlohmann::ordered_json stream_experiment(const chip::ChipConfig& chip, const Eigen::MatrixXd& a,
                                         const StreamExperimentOptions& o, const DigitalBaseline& baseline,
                                         const std::function<void(const std::string&)>& progress) {
  if (o.seeds.empty()) throw ParameterError("rla.seeds", "no seed given");
  if (o.sketch_rows.empty()) throw ParameterError("rla.sketch_rows", "no sketch size given");
  for (const int l : o.sketch_rows)
    check_streaming_options(chip, {l, o.window_rows, o.pulse_length, 1, 1}, a.rows(), a.cols());
  check_digital_baseline(baseline);
  const auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  nlohmann::ordered_json errors =
      table("covariance_error", {"sketch_rows", "analog_mean", "analog_std", "digital_gaussian_mean",
                                 "digital_gaussian_std", "frequent_directions", "analog_vs_digital_sketch_mean"});
  nlohmann::ordered_json costs =
      table("cost", {"sketch_rows", "windows", "time_ns", "energy_uj", "static_energy_uj", "updates_energy_uj",
                     "read_out_energy_uj", "reset_energy_uj", "gaussian_baseline_time_ns",
                     "gaussian_baseline_energy_uj", "fd_baseline_time_ns", "fd_baseline_energy_uj",
                     "energy_ratio_gaussian", "dynamic_energy_ratio_gaussian", "energy_ratio_fd", "time_ratio_fd"});
  nlohmann::ordered_json runs = nlohmann::ordered_json::array();
  for (const int l : o.sketch_rows) {
    say("frequent directions, l = " + std::to_string(l));
    const FrequentDirections fd = frequent_directions(a, l);
    const double fd_error = covariance_error(a, fd.sketch.transpose() * fd.sketch);
    std::vector<double> analog, digital, distance;
    StreamingSketch first;
    for (std::size_t s = 0; s < o.seeds.size(); ++s) {
      say("seed " + std::to_string(o.seeds[s]) + ", l = " + std::to_string(l));
      chip::ChipConfig seeded = chip;
      seeded.sim.seed = o.seeds[s];
      StreamingSketch sk = streaming_sketch(seeded, a, {l, o.window_rows, o.pulse_length, o.seeds[s], o.threads});
      analog.push_back(covariance_error(a, sk.analog.transpose() * sk.analog / double(l)));
      digital.push_back(covariance_error(a, sk.digital.transpose() * sk.digital / double(l)));
      distance.push_back((sk.analog - sk.digital).norm() / sk.digital.norm());
      runs.push_back({{"sketch_rows", l},
                      {"seed", o.seeds[s]},
                      {"analog", analog.back()},
                      {"digital_gaussian", digital.back()},
                      {"analog_vs_digital_sketch", distance.back()},
                      {"windows", sk.windows},
                      {"eta", sk.eta},
                      {"device_pulses", sk.coincidences},
                      {"reset_pulses", sk.reset_pulses},
                      {"time_ns", sk.time_ns},
                      {"energy_uj", sk.energy_uj + sk.static_energy_uj},
                      {"energy_breakdown_uj", sk.energy_breakdown_uj}});
      if (s == 0) first = std::move(sk);
    }
    errors["rows"].push_back(
        {l, mean_of(analog), std_of(analog), mean_of(digital), std_of(digital), fd_error, mean_of(distance)});
    const double energy = first.energy_uj + first.static_energy_uj;
    const double g_ns = baseline.time_ns(first.digital_macs), g_uj = baseline.energy_uj(first.digital_macs);
    const double fd_ns = baseline.time_ns(fd.macs), fd_uj = baseline.energy_uj(fd.macs);
    costs["rows"].push_back({l, first.windows, first.time_ns, energy, first.static_energy_uj,
                             first.energy_breakdown_uj["updates"], first.energy_breakdown_uj["read_out"],
                             first.energy_breakdown_uj["reset"], g_ns, g_uj, fd_ns, fd_uj, energy / g_uj,
                             first.energy_uj / g_uj, energy / fd_uj, first.time_ns / fd_ns});
  }
  nlohmann::ordered_json j;
  j["experiment"] = "stream";
  j["matrix"] = {{"rows", a.rows()}, {"cols", a.cols()}};
  j["options"] = {{"sketch_rows", o.sketch_rows},
                  {"window_rows", o.window_rows},
                  {"pulse_length", o.pulse_length},
                  {"seeds", o.seeds}};
  j["runs"] = runs;
  errors["plot"] = {{"x", "sketch_rows"}, {"y", "analog_mean"}, {"series", nlohmann::ordered_json::array()}};
  j["tables"] = {errors, costs};
  return j;
}

}  // namespace imcsim::rla
