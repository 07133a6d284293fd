#include "rla/lstsq_experiment.h"

#include <map>
#include <tuple>

#include "base/errors.h"
#include "rla/experiment_stats.h"
#include "rla/experiment_tables.h"
#include "rla/pca_features.h"

namespace imcsim::rla {

namespace {

struct Outcome {
  std::vector<double> residual_excess, prediction_error, test_accuracy;
  WorkLog log;
};

Eigen::MatrixXd with_bias(const Eigen::MatrixXd& a) {
  Eigen::MatrixXd x(a.rows(), a.cols() + 1);
  x << a, Eigen::VectorXd::Ones(a.rows());
  return x;
}

double test_accuracy(const Eigen::MatrixXd& x_test, const Eigen::MatrixXd& solution, const std::vector<int>& labels) {
  const Eigen::MatrixXd scores = x_test * solution;
  std::vector<int> predicted(static_cast<std::size_t>(scores.rows()));
  for (Eigen::Index i = 0; i < scores.rows(); ++i) scores.row(i).maxCoeff(&predicted[static_cast<std::size_t>(i)]);
  return accuracy(predicted, labels);
}

}  // namespace

nlohmann::ordered_json lstsq_experiment(const chip::ChipConfig& chip, const DataMatrix& train, const DataMatrix& test,
                                        const LstsqExperimentOptions& o, ChipCostModel& cost,
                                        const std::function<void(const std::string&)>& progress) {
  if (test.a.cols() != train.a.cols())
    throw InputError(test.name, 0, 0, "features",
                     "the test set has " + std::to_string(test.a.cols()) + " features, the training set " +
                         std::to_string(train.a.cols()));
  if (o.seeds.empty()) throw ParameterError("rla.seeds", "no seed given");
  if (!o.digital && !o.on_arrays) throw ParameterError("rla.where", "neither digital nor on-array sketches asked for");
  const Eigen::MatrixXd a = with_bias(train.a), b = one_hot(train.labels, train.classes);
  const Eigen::MatrixXd x_test = with_bias(test.a);
  for (const int s : o.sketch_rows)
    for (const int r : o.refinement_steps)
      check_least_squares_options({s, SketchKind::gaussian, r}, a.rows(), a.cols());
  const auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  say("exact least squares on the " + std::to_string(a.rows()) + " x " + std::to_string(a.cols()) + " training set");
  WorkLog exact_log;
  const Eigen::MatrixXd exact = exact_least_squares(a, b, exact_log);
  const double exact_residual = (a * exact - b).norm();
  const double exact_prediction = (a * exact).norm();
  const double exact_accuracy = test_accuracy(x_test, exact, test.labels);
  Eigen::MatrixXd ab(a.rows(), a.cols() + b.cols());
  ab << a, b;
  std::vector<bool> where;
  if (o.digital) where.push_back(false);
  if (o.on_arrays) where.push_back(true);
  std::map<std::tuple<int, int, bool, int>, Outcome> outcomes;  // kind, rows, on arrays, refinement steps
  for (std::size_t seed = 0; seed < o.seeds.size(); ++seed) {
    chip::ChipConfig seeded = chip;
    seeded.sim.seed = o.seeds[seed];
    for (const SketchKind kind : o.kinds)
      for (const int rows : o.sketch_rows)
        for (const bool arrays : where) {
          say("seed " + std::to_string(o.seeds[seed]) + ": " + sketch_kind_names().name(kind) + " sketch of " +
              std::to_string(rows) + " rows " + (arrays ? "on the arrays" : "digitally"));
          LeastSquaresOptions options{rows, kind, 0, o.seeds[seed], o.threads};
          WorkLog sketch_log;
          const Eigen::MatrixXd sketch = sketch_rows(ab, options, arrays ? &seeded : nullptr, o.t_s, sketch_log);
          for (const int steps : o.refinement_steps) {
            WorkLog log = sketch_log;
            const Eigen::MatrixXd x = sketch_and_solve(sketch, a, b, steps, log);
            Outcome& out = outcomes[{static_cast<int>(kind), rows, arrays, steps}];
            out.residual_excess.push_back((a * x - b).norm() / exact_residual - 1.0);
            out.prediction_error.push_back((a * (x - exact)).norm() / exact_prediction);
            out.test_accuracy.push_back(test_accuracy(x_test, x, test.labels));
            if (seed == 0) out.log = log;
          }
        }
  }
  nlohmann::ordered_json residuals =
      table("residuals", {"sketch", "sketch_rows", "where", "refinement_steps", "residual_excess_mean",
                          "residual_excess_std", "prediction_error_mean", "prediction_error_std", "test_accuracy_mean",
                          "test_accuracy_std", "exact_test_accuracy"});
  std::vector<std::string> cost_header{"sketch", "sketch_rows", "where", "refinement_steps"};
  for (const std::string& c : cost_columns()) cost_header.push_back(c);
  nlohmann::ordered_json costs = table("cost", cost_header);
  const ChipCost baseline = cost.cost(exact_log);
  for (const auto& [key, out] : outcomes) {
    const auto [kind, rows, arrays, steps] = key;
    const nlohmann::ordered_json name = sketch_kind_names().name(static_cast<SketchKind>(kind));
    const nlohmann::ordered_json place = arrays ? "arrays" : "digital";
    residuals["rows"].push_back({name, rows, place, steps, mean_of(out.residual_excess), std_of(out.residual_excess),
                                 mean_of(out.prediction_error), std_of(out.prediction_error),
                                 mean_of(out.test_accuracy), std_of(out.test_accuracy), exact_accuracy});
    nlohmann::ordered_json row{name, rows, place, steps};
    for (nlohmann::ordered_json& cell : cost_cells(cost.cost(out.log), baseline)) row.push_back(std::move(cell));
    costs["rows"].push_back(std::move(row));
  }
  residuals["plot"] = {{"x", "refinement_steps"}, {"y", "residual_excess_mean"}, {"series", {"sketch", "where"}}};
  nlohmann::ordered_json j;
  j["experiment"] = "lstsq";
  j["train"] = {{"name", train.name}, {"rows", a.rows()}, {"cols", a.cols()}, {"targets", b.cols()}};
  j["test"] = {{"name", test.name}, {"rows", test.a.rows()}};
  j["exact"] = {{"residual", exact_residual}, {"test_accuracy", exact_accuracy}, {"cost", chip_cost_json(baseline)}};
  j["options"] = {
      {"sketch_rows", o.sketch_rows}, {"refinement_steps", o.refinement_steps}, {"seeds", o.seeds}, {"t_s", o.t_s}};
  j["tables"] = {residuals, costs};
  return j;
}

}  // namespace imcsim::rla
