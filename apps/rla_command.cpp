// imcsim rla: randomized linear algebra on the chip's multi-way arrays (docs/rla.md; issue 19, arXiv:2401.13754).
// Each subcommand is one experiment of the rla libraries (rla/*_experiment.h) on a data set: it prints a summary
// and, with --out DIR, writes NAME.json, NAME-TABLE.csv and NAME.html there (rla/experiment_files.h).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "apps/chip_options.h"
#include "apps/commands.h"
#include "base/durations.h"
#include "base/errors.h"
#include "rla/chip_cost.h"
#include "rla/experiment_data.h"
#include "rla/experiment_files.h"
#include "rla/lstsq_experiment.h"
#include "rla/pca_experiment.h"
#include "rla/stream_experiment.h"
#include "rla/svd_experiment.h"

namespace imcsim::apps {

namespace {

/// What every rla experiment takes.
struct CommonOptions {
  ChipOptions chip;
  std::string dataset = "fashion-mnist:train";
  int rows = 0;
  std::vector<std::uint64_t> seeds{1, 2, 3};
  std::string drift_time = "1h";
  int threads = 2;
  double pj_per_mac = rla::DigitalBaseline{}.pj_per_mac;
  double macs_per_s = rla::DigitalBaseline{}.macs_per_s;
  std::string out;
};

void add_common_options(CLI::App* cmd, CommonOptions& o) {
  add_chip_options(cmd, o.chip);
  cmd->add_option("--dataset", o.dataset, "The data: fashion-mnist:train, fashion-mnist or a data set YAML file")
      ->capture_default_str();
  cmd->add_option("--rows", o.rows, "Use the first N samples (0: all)")
      ->check(CLI::Range(0, 1 << 24))
      ->capture_default_str();
  cmd->add_option("--seeds", o.seeds, "Seeds of the chip's noise and the random matrices (comma-separated)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--drift-time", o.drift_time, "Time after programming the arrays are read (s, m, h, d, y)")
      ->capture_default_str();
  cmd->add_option("--threads", o.threads, "Worker threads (the result does not depend on them)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--digital-pj-per-mac", o.pj_per_mac, "The digital baseline's energy per multiply-accumulate, pJ")
      ->capture_default_str();
  cmd->add_option("--digital-macs-per-s", o.macs_per_s, "The digital baseline's multiply-accumulates per second")
      ->capture_default_str();
  cmd->add_option("-o,--out", o.out, "Write NAME.json, NAME-TABLE.csv and NAME.html into this directory");
}

rla::DigitalBaseline baseline_of(const CommonOptions& o) {
  const rla::DigitalBaseline b{o.pj_per_mac, o.macs_per_s};
  rla::check_digital_baseline(b);
  return b;
}

/// Prints every table of the result, then writes its files (the directory only now: a run that fails writes nothing).
void finish(const CommonOptions& o, const std::string& name, nlohmann::ordered_json result,
            std::chrono::steady_clock::time_point start) {
  result["chip"] = o.chip.chip;
  result["overrides"] = o.chip.overrides;
  result["dataset"] = o.dataset;
  result["wall_time_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const auto& t : result.at("tables")) {
    std::printf("%s\n", t.at("name").get<std::string>().c_str());
    for (const auto& c : t.at("columns")) std::printf(" %14.14s", c.get<std::string>().c_str());
    std::printf("\n");
    for (const auto& row : t.at("rows")) {
      for (const auto& v : row) {
        if (v.is_number())
          std::printf(" %14.6g", v.get<double>());
        else
          std::printf(" %14.14s", v.is_null() ? "-" : v.get<std::string>().c_str());
      }
      std::printf("\n");
    }
  }
  if (o.out.empty()) return;
  std::filesystem::create_directories(o.out);
  rla::write_experiment_files(o.out, name, result);
}

std::function<void(const std::string&)> progress() {
  return [](const std::string& s) { std::cerr << "imcsim rla: " << s << "\n"; };
}

std::vector<rla::SvdVariant> parse_variants(const std::vector<std::string>& names) {
  std::vector<rla::SvdVariant> v;
  for (const std::string& n : names) v.push_back(rla::svd_variant_names().parse(n, "--variants", "variant"));
  return v;
}

/// The range finder's options of `rla svd` and `rla pca`.
void add_range_finder_options(CLI::App* cmd, std::vector<int>& power_iterations, int& oversampling,
                              std::vector<std::string>& variants, int& block_rows) {
  cmd->add_option("--power", power_iterations, "Power iterations q (comma-separated)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--oversampling", oversampling, "Oversampling p")->capture_default_str();
  cmd->add_option("--variants", variants,
                  "exact (exact SVD, digital PCA), digital, omega (Omega on the arrays), a (A on the arrays)")
      ->delimiter(',')
      ->check(CLI::IsMember(rla::svd_variant_names().names()))
      ->capture_default_str();
  cmd->add_option("--block-rows", block_rows, "A on the arrays: data rows per programming (0: the most that fit)")
      ->capture_default_str();
}

void add_svd(CLI::App* rla, int& exit_code) {
  auto o = std::make_shared<CommonOptions>();
  auto s = std::make_shared<rla::SvdExperimentOptions>();
  auto variants =
      std::make_shared<std::vector<std::string>>(std::vector<std::string>{"exact", "digital", "omega", "a"});
  CLI::App* cmd = rla->add_subcommand("svd", "Randomized range finder and SVD: rank-k error and cost of each variant");
  add_common_options(cmd, *o);
  cmd->add_option("--rank", s->ranks, "Ranks k (comma-separated)")->delimiter(',')->capture_default_str();
  add_range_finder_options(cmd, s->power_iterations, s->oversampling, *variants, s->block_rows);
  cmd->callback([o, s, variants, &exit_code]() {
    const auto start = std::chrono::steady_clock::now();
    const chip::ChipConfig chip = o->chip.load();
    rla::SvdExperimentOptions options = *s;
    options.variants = parse_variants(*variants);
    options.seeds = o->seeds;
    options.t_s = parse_duration_s(o->drift_time, "--drift-time");
    options.threads = o->threads;
    rla::ChipCostModel cost(chip, baseline_of(*o));
    const rla::DataMatrix data = rla::load_data_matrix(o->dataset, o->rows);
    rla::check_svd_options(chip, options, data.a.rows(), data.a.cols());
    finish(*o, "rla-svd", rla::svd_experiment(chip, data.a, options, cost, progress()), start);
    exit_code = 0;
  });
}

/// The test set of the classification experiments.
struct TestOptions {
  std::string dataset = "fashion-mnist";
  int rows = 0;
};

void add_test_options(CLI::App* cmd, TestOptions& t) {
  cmd->add_option("--test-dataset", t.dataset, "The test data the classifiers are scored on")->capture_default_str();
  cmd->add_option("--test-rows", t.rows, "Use the first N test samples (0: all)")
      ->check(CLI::Range(0, 1 << 24))
      ->capture_default_str();
}

void add_pca(CLI::App* rla, int& exit_code) {
  auto o = std::make_shared<CommonOptions>();
  auto t = std::make_shared<TestOptions>();
  auto p = std::make_shared<rla::PcaExperimentOptions>();
  auto variants =
      std::make_shared<std::vector<std::string>>(std::vector<std::string>{"exact", "digital", "omega", "a"});
  CLI::App* cmd = rla->add_subcommand("pca", "Randomized PCA features and classifiers on them: test accuracy and cost");
  add_common_options(cmd, *o);
  add_test_options(cmd, *t);
  cmd->add_option("--rank", p->rank, "Principal components k")->capture_default_str();
  add_range_finder_options(cmd, p->power_iterations, p->oversampling, *variants, p->block_rows);
  cmd->callback([o, t, p, variants, &exit_code]() {
    const auto start = std::chrono::steady_clock::now();
    const chip::ChipConfig chip = o->chip.load();
    rla::PcaExperimentOptions options = *p;
    options.variants = parse_variants(*variants);
    options.seeds = o->seeds;
    options.t_s = parse_duration_s(o->drift_time, "--drift-time");
    options.threads = o->threads;
    rla::ChipCostModel cost(chip, baseline_of(*o));
    const rla::DataMatrix train = rla::load_data_matrix(o->dataset, o->rows);
    const rla::DataMatrix test = rla::load_data_matrix(t->dataset, t->rows);
    finish(*o, "rla-pca", rla::pca_experiment(chip, train, test, options, cost, progress()), start);
    exit_code = 0;
  });
}

void add_lstsq(CLI::App* rla, int& exit_code) {
  auto o = std::make_shared<CommonOptions>();
  auto t = std::make_shared<TestOptions>();
  auto l = std::make_shared<rla::LstsqExperimentOptions>();
  auto kinds = std::make_shared<std::vector<std::string>>(std::vector<std::string>{"gaussian", "count"});
  auto where = std::make_shared<std::vector<std::string>>(std::vector<std::string>{"digital", "arrays"});
  CLI::App* cmd = rla->add_subcommand(
      "lstsq", "Sketch-and-solve least squares (one-hot labels on pixels), with and without digital refinement");
  add_common_options(cmd, *o);
  add_test_options(cmd, *t);
  cmd->add_option("--sketch-rows", l->sketch_rows, "Sketch sizes s (comma-separated)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--sketch", *kinds, "gaussian, count (comma-separated)")
      ->delimiter(',')
      ->check(CLI::IsMember(rla::sketch_kind_names().names()))
      ->capture_default_str();
  cmd->add_option("--refine", l->refinement_steps, "Digital refinement steps (comma-separated)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--where", *where, "Where the sketch is applied: digital, arrays (comma-separated)")
      ->delimiter(',')
      ->check(CLI::IsMember({"digital", "arrays"}))
      ->capture_default_str();
  cmd->callback([o, t, l, kinds, where, &exit_code]() {
    const auto start = std::chrono::steady_clock::now();
    const chip::ChipConfig chip = o->chip.load();
    rla::LstsqExperimentOptions options = *l;
    options.kinds.clear();
    for (const std::string& k : *kinds)
      options.kinds.push_back(rla::sketch_kind_names().parse(k, "--sketch", "sketch"));
    options.digital = std::find(where->begin(), where->end(), "digital") != where->end();
    options.on_arrays = std::find(where->begin(), where->end(), "arrays") != where->end();
    options.seeds = o->seeds;
    options.t_s = parse_duration_s(o->drift_time, "--drift-time");
    options.threads = o->threads;
    rla::ChipCostModel cost(chip, baseline_of(*o));
    const rla::DataMatrix train = rla::load_data_matrix(o->dataset, o->rows);
    const rla::DataMatrix test = rla::load_data_matrix(t->dataset, t->rows);
    finish(*o, "rla-lstsq", rla::lstsq_experiment(chip, train, test, options, cost, progress()), start);
    exit_code = 0;
  });
}

void add_stream(CLI::App* rla, int& exit_code) {
  auto o = std::make_shared<CommonOptions>();
  auto s = std::make_shared<rla::StreamExperimentOptions>();
  CLI::App* cmd = rla->add_subcommand(
      "stream", "Streaming sketch by pulsed rank-1 updates on two alternating arrays, against Frequent Directions");
  add_common_options(cmd, *o);
  cmd->add_option("--sketch-rows", s->sketch_rows, "Sketch sizes l (comma-separated)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--window-rows", s->window_rows, "Rows one array accumulates before the banks swap")
      ->capture_default_str();
  cmd->add_option("--pulse-length", s->pulse_length, "Pulse slots BL of each rank-1 update")->capture_default_str();
  cmd->callback([o, s, &exit_code]() {
    const auto start = std::chrono::steady_clock::now();
    const chip::ChipConfig chip = o->chip.load();
    rla::StreamExperimentOptions options = *s;
    options.seeds = o->seeds;
    options.threads = o->threads;
    const rla::DigitalBaseline baseline = baseline_of(*o);
    const rla::DataMatrix data = rla::load_data_matrix(o->dataset, o->rows);
    finish(*o, "rla-stream", rla::stream_experiment(chip, data.a, options, baseline, progress()), start);
    exit_code = 0;
  });
}

}  // namespace

void add_rla_command(CLI::App& app, int& exit_code) {
  CLI::App* rla = app.add_subcommand(
      "rla", "Randomized linear algebra on the multi-way arrays: SVD, PCA, sketched least squares, streaming sketch");
  rla->require_subcommand(1);
  add_svd(rla, exit_code);
  add_pca(rla, exit_code);
  add_lstsq(rla, exit_code);
  add_stream(rla, exit_code);
}

}  // namespace imcsim::apps
