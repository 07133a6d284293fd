#include "sweep/bench.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "base/errors.h"
#include "base/text.h"
#include "sweep/mpi_runner.h"
#include "sweep/sweep_spec.h"

namespace imcsim::sweep {

namespace {

/// Runs a shell command with its output in `log`; returns the wall time in seconds.
double timed(const std::string& command, const std::string& log) {
  const auto start = std::chrono::steady_clock::now();
  const int status = std::system((command + " >'" + log + "' 2>&1").c_str());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (status != 0) {
    throw Error("bench sweep: '" + command + "' failed:\n" + read_file_text(log));
  }
  return seconds;
}

}  // namespace

nlohmann::ordered_json bench_sweep(const std::string& executable, const std::string& sweep_file) {
  const SweepSpec spec = load_sweep(sweep_file);
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("imcsim_bench_sweep_" + std::to_string(getpid()))).string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string sweep = "'" + executable + "' sweep '" + sweep_file + "' --threads 1 --restart";
  const double one = timed(sweep + " --jobs 1 --out " + dir + "/jobs1", dir + "/jobs1.log");
  const double two = timed(sweep + " --jobs 2 --out " + dir + "/jobs2", dir + "/jobs2.log");
  const bool mpi_run = built_with_mpi();
  const double mpi =
      mpi_run ? timed("mpirun -np 2 --allow-run-as-root --oversubscribe " + sweep + " --out " + dir + "/mpi2",
                      dir + "/mpi2.log")
              : 0.0;
  const std::string reference = read_file_text(dir + "/jobs1/results.csv");
  const bool identical = !reference.empty() && reference == read_file_text(dir + "/jobs2/results.csv") &&
                         (!mpi_run || reference == read_file_text(dir + "/mpi2/results.csv"));
  std::filesystem::remove_all(dir);
  nlohmann::ordered_json j;
  j["benchmark"] = "sweep";
  j["sweep"] = sweep_file;
  j["points"] = spec.points.size();
  j["cores"] = std::thread::hardware_concurrency();
  j["jobs_1_s"] = one;
  j["jobs_2_s"] = two;
  j["mpi_2_ranks_s"] = mpi_run ? nlohmann::ordered_json(mpi) : nlohmann::ordered_json();
  j["speedup_jobs_2"] = one / two;
  j["speedup_mpi_2_ranks"] = mpi_run ? nlohmann::ordered_json(one / mpi) : nlohmann::ordered_json();
  j["target_speedup"] = 1.7;
  j["identical_results"] = identical;
  return j;
}

}  // namespace imcsim::sweep
