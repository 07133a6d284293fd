#include "rla/pca_experiment.h"

#include <map>
#include <tuple>

#include "base/errors.h"
#include "rla/experiment_stats.h"
#include "rla/experiment_tables.h"
#include "rla/pca_features.h"
#include "rla/randomized_svd.h"

namespace imcsim::rla {

namespace {

struct Outcome {
  std::vector<double> nearest_centroid, linear;
  WorkLog log;
};

}  // namespace

nlohmann::ordered_json pca_experiment(const chip::ChipConfig& chip, const DataMatrix& train, const DataMatrix& test,
                                      const PcaExperimentOptions& o, ChipCostModel& cost,
                                      const std::function<void(const std::string&)>& progress) {
  if (test.a.cols() != train.a.cols())
    throw InputError(test.name, 0, 0, "features",
                     "the test set has " + std::to_string(test.a.cols()) + " features, the training set " +
                         std::to_string(train.a.cols()));
  SvdExperimentOptions svd;
  svd.ranks = {o.rank};
  svd.oversampling = o.oversampling;
  svd.power_iterations = o.power_iterations;
  svd.variants = o.variants;
  svd.seeds = o.seeds;
  svd.block_rows = o.block_rows;
  check_svd_options(chip, svd, train.a.rows(), train.a.cols());
  const auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  const Eigen::RowVectorXd mean = column_means(train.a);
  const Eigen::MatrixXd centred = train.a.rowwise() - mean;
  const Eigen::MatrixXd test_centred = test.a.rowwise() - mean;
  const auto score = [&](const Eigen::MatrixXd& v, Outcome& out) {
    const Eigen::MatrixXd f = centred * v, g = test_centred * v;
    out.nearest_centroid.push_back(accuracy(NearestCentroid(f, train.labels, train.classes).predict(g), test.labels));
    out.linear.push_back(accuracy(LinearClassifier(f, train.labels, train.classes).predict(g), test.labels));
  };
  std::map<std::tuple<SvdVariant, int>, Outcome> outcomes;
  say("digital PCA of the " + std::to_string(train.a.rows()) + " x " + std::to_string(train.a.cols()) +
      " training set");
  {
    const ExactSpectrum spectrum = exact_spectrum(centred);
    Outcome& exact = outcomes[{SvdVariant::exact, -1}];
    score(spectrum.v.leftCols(o.rank), exact);
    const double m = double(train.a.rows()), n = double(train.a.cols());
    exact.log.macs(m * n * n + 9.0 * n * n * n);
  }
  for (std::size_t s = 0; s < o.seeds.size(); ++s) {
    chip::ChipConfig seeded = chip;
    seeded.sim.seed = o.seeds[s];
    for (const SvdVariant v : o.variants) {
      if (v == SvdVariant::exact) continue;
      say("seed " + std::to_string(o.seeds[s]) + ": " + svd_variant_names().name(v));
      const auto products =
          make_products(v, seeded, centred, o.seeds[s], o.rank + o.oversampling, o.t_s, o.block_rows, o.threads);
      for (const int q : o.power_iterations) {
        WorkLog log;
        const Rsvd r = randomized_svd(*products, {o.rank, o.oversampling, q}, log);
        Outcome& out = outcomes[{v, q}];
        score(r.v, out);
        if (s == 0) out.log = log;
      }
    }
  }
  const Outcome& exact = outcomes.at({SvdVariant::exact, -1});
  nlohmann::ordered_json accuracy_table =
      table("accuracy", {"variant", "power_iterations", "nearest_centroid_mean", "nearest_centroid_std",
                         "nearest_centroid_vs_pca_points", "linear_mean", "linear_std", "linear_vs_pca_points"});
  std::vector<std::string> cost_header{"variant", "power_iterations"};
  for (const std::string& c : cost_columns()) cost_header.push_back(c);
  nlohmann::ordered_json costs = table("cost", cost_header);
  for (const auto& [key, out] : outcomes) {
    const auto [v, q] = key;
    const nlohmann::ordered_json name = svd_variant_names().name(v);
    const nlohmann::ordered_json iterations = q < 0 ? nlohmann::ordered_json() : nlohmann::ordered_json(q);
    accuracy_table["rows"].push_back({name, iterations, mean_of(out.nearest_centroid), std_of(out.nearest_centroid),
                                      100.0 * (mean_of(out.nearest_centroid) - exact.nearest_centroid.front()),
                                      mean_of(out.linear), std_of(out.linear),
                                      100.0 * (mean_of(out.linear) - exact.linear.front())});
    const auto digital = outcomes.find({SvdVariant::digital, q < 0 ? o.power_iterations.front() : q});
    if (digital == outcomes.end()) continue;
    nlohmann::ordered_json row{name, iterations};
    for (nlohmann::ordered_json& cell : cost_cells(cost.cost(out.log), cost.cost(digital->second.log)))
      row.push_back(std::move(cell));
    costs["rows"].push_back(std::move(row));
  }
  nlohmann::ordered_json j;
  j["experiment"] = "pca";
  j["train"] = {{"name", train.name}, {"rows", train.a.rows()}, {"cols", train.a.cols()}};
  j["test"] = {{"name", test.name}, {"rows", test.a.rows()}};
  j["options"] = {
      {"rank", o.rank}, {"oversampling", o.oversampling}, {"power_iterations", o.power_iterations}, {"seeds", o.seeds},
      {"t_s", o.t_s},   {"block_rows", o.block_rows}};
  j["tables"] = {accuracy_table, costs};
  return j;
}

}  // namespace imcsim::rla
