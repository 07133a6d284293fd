#include "rla/svd_experiment.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "base/errors.h"
#include "chip/accuracy.h"
#include "rla/experiment_stats.h"
#include "rla/experiment_tables.h"
#include "rla/matrix_products.h"
#include "rla/randomized_svd.h"

namespace imcsim::rla {

namespace {

/// Errors per seed and the first seed's work of one (variant, k, q).
struct Outcome {
  std::vector<double> errors;
  WorkLog log;
};

}  // namespace

void check_svd_options(const chip::ChipConfig& chip, const SvdExperimentOptions& o, Eigen::Index rows,
                       Eigen::Index cols) {
  if (o.ranks.empty()) throw ParameterError("rla.rank", "no rank given");
  if (o.power_iterations.empty()) throw ParameterError("rla.power_iterations", "no number of power iterations given");
  if (o.seeds.empty()) throw ParameterError("rla.seeds", "no seed given");
  for (const int k : o.ranks)
    for (const int q : o.power_iterations) check_rsvd_options({k, o.oversampling, q}, rows, cols);
  const bool a_on_arrays = std::find(o.variants.begin(), o.variants.end(), SvdVariant::a_on_arrays) != o.variants.end();
  if (a_on_arrays) {
    const int fits = block_rows_that_fit(chip, static_cast<int>(cols));
    if (fits < 1)
      throw ParameterError("rla.block_rows",
                           "A^T has " + std::to_string(cols) + " rows: more than the chip's cores hold");
    if (o.block_rows < 0 || o.block_rows > fits)
      throw ParameterError(
          "rla.block_rows",
          "at most " + std::to_string(fits) + " data rows fit the chip per block, not " + std::to_string(o.block_rows));
  }
}

nlohmann::ordered_json svd_experiment(const chip::ChipConfig& chip, const Eigen::MatrixXd& a,
                                      const SvdExperimentOptions& o, ChipCostModel& cost,
                                      const std::function<void(const std::string&)>& progress) {
  check_svd_options(chip, o, a.rows(), a.cols());
  const auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  say("exact spectrum of the " + std::to_string(a.rows()) + " x " + std::to_string(a.cols()) + " matrix");
  const ExactSpectrum spectrum = exact_spectrum(a);
  const int max_l = *std::max_element(o.ranks.begin(), o.ranks.end()) + o.oversampling;
  const int block_rows = o.block_rows > 0 ? o.block_rows : block_rows_that_fit(chip, static_cast<int>(a.cols()));
  std::map<std::tuple<SvdVariant, int, int>, Outcome> outcomes;
  for (std::size_t s = 0; s < o.seeds.size(); ++s) {
    chip::ChipConfig seeded = chip;
    seeded.sim.seed = o.seeds[s];
    for (const SvdVariant v : o.variants) {
      if (v == SvdVariant::exact) continue;
      say("seed " + std::to_string(o.seeds[s]) + ": " + svd_variant_names().name(v));
      const std::unique_ptr<MatrixProducts> products =
          make_products(v, seeded, a, o.seeds[s], max_l, o.t_s, block_rows, o.threads);
      for (const int k : o.ranks)
        for (const int q : o.power_iterations) {
          WorkLog log;
          const Rsvd r = randomized_svd(*products, {k, o.oversampling, q}, log);
          Outcome& out = outcomes[{v, k, q}];
          out.errors.push_back(projection_error(a, spectrum.frobenius_squared, r.u));
          if (s == 0) out.log = log;
        }
    }
  }

  nlohmann::ordered_json j;
  j["experiment"] = "svd";
  j["matrix"] = {{"rows", a.rows()}, {"cols", a.cols()}};
  j["options"] = {{"ranks", o.ranks},
                  {"power_iterations", o.power_iterations},
                  {"oversampling", o.oversampling},
                  {"seeds", o.seeds},
                  {"t_s", o.t_s},
                  {"block_rows", block_rows},
                  {"blocks", (a.rows() + block_rows - 1) / block_rows}};
  nlohmann::ordered_json errors = table("errors", {"variant", "rank", "power_iterations", "error_mean", "error_std",
                                                   "relative_to_digital_mean", "relative_to_digital_max"});
  std::vector<std::string> cost_header{"variant", "rank", "power_iterations"};
  for (const std::string& c : cost_columns()) cost_header.push_back(c);
  nlohmann::ordered_json costs = table("cost", cost_header);
  j["results"] = nlohmann::ordered_json::array();
  for (const SvdVariant v : o.variants)
    for (const int k : o.ranks)
      for (const int q : o.power_iterations) {
        if (v == SvdVariant::exact && q != o.power_iterations.front()) continue;
        nlohmann::ordered_json r;
        r["variant"] = svd_variant_names().name(v);
        r["rank"] = k;
        r["power_iterations"] = v == SvdVariant::exact ? nlohmann::ordered_json() : nlohmann::ordered_json(q);
        std::vector<double> e;
        WorkLog log;
        if (v == SvdVariant::exact) {
          e.assign(1, exact_rank_error(spectrum, k));
          const double m = double(a.rows()), n = double(a.cols());
          log.macs(m * n * n + 9.0 * n * n * n);
        } else {
          e = outcomes.at({v, k, q}).errors;
          log = outcomes.at({v, k, q}).log;
        }
        r["errors"] = e;
        r["error_mean"] = mean_of(e);
        r["error_std"] = std_of(e);
        const auto digital = outcomes.find({SvdVariant::digital, k, q});
        nlohmann::ordered_json rel_mean, rel_max;
        if (digital != outcomes.end() && v != SvdVariant::exact) {
          std::vector<double> rel;
          for (std::size_t s = 0; s < e.size(); ++s) rel.push_back(e[s] / digital->second.errors[s] - 1.0);
          double worst = 0;
          for (const double x : rel) worst = std::max(worst, std::abs(x));
          rel_mean = mean_of(rel);
          rel_max = worst;
          r["relative_to_digital"] = rel;
        }
        errors["rows"].push_back(
            {r["variant"], k, r["power_iterations"], r["error_mean"], r["error_std"], rel_mean, rel_max});
        const ChipCost c = cost.cost(log);
        r["cost"] = chip_cost_json(c);
        if (digital != outcomes.end()) {
          const ChipCost b = cost.cost(digital->second.log);
          r["baseline"] = chip_cost_json(b);
          nlohmann::ordered_json row{r["variant"], k, r["power_iterations"]};
          for (nlohmann::ordered_json& cell : cost_cells(c, b)) row.push_back(std::move(cell));
          costs["rows"].push_back(std::move(row));
        }
        j["results"].push_back(std::move(r));
      }
  errors["plot"] = {{"x", "rank"}, {"y", "error_mean"}, {"series", {"variant", "power_iterations"}}};
  j["tables"] = {errors, costs};
  return j;
}

}  // namespace imcsim::rla
