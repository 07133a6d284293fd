#include "sweep/local_runner.h"

#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>

#include "base/child_process.h"
#include "base/errors.h"
#include "base/task_pool.h"
#include "regress/report_diff.h"

namespace imcsim::sweep {

namespace {

/// The number at `path` in `report`, if there is one.
std::optional<double> metric_value(const nlohmann::json& report, const std::string& path) {
  const nlohmann::json* node = &report;
  for (const auto& segment : regress::path_segments(path)) {
    if (segment.front() == '[') {
      const std::size_t index = std::stoul(segment.substr(1, segment.size() - 2));
      if (!node->is_array() || index >= node->size()) {
        return std::nullopt;
      }
      node = &(*node)[index];
    } else {
      if (!node->is_object() || !node->contains(segment)) {
        return std::nullopt;
      }
      node = &(*node)[segment];
    }
  }
  if (!node->is_number()) {
    return std::nullopt;
  }
  return node->get<double>();
}

/// The last non-empty line of a child's standard error: its error message.
std::string last_line(const std::string& text) {
  std::istringstream in(text);
  std::string last;
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) {
      last = line;
    }
  }
  return last.empty() ? "no error message" : last;
}

}  // namespace

std::string point_directory(const std::string& out, const SweepSpec& spec, int index) {
  const int width = static_cast<int>(std::to_string(std::max<std::size_t>(1, spec.points.size() - 1)).size());
  char name[32];
  std::snprintf(name, sizeof name, "%0*d", std::max(width, 4), index);
  return out + "/points/" + name;
}

PointOutcome run_point(const std::string& executable, const SweepSpec& spec, const PointTask& task,
                       const std::string& point_dir, int threads) {
  const DesignPoint& p = spec.points[task.point];
  regress::RunJob job = spec.base;
  if (job.kind == regress::CaseKind::model && !task.accuracy) {
    job.timing_only = true;
  }
  std::vector<std::string> args = regress::run_job_arguments(job, point_dir, threads, p.overrides);
  if (job.kind != regress::CaseKind::trace) {
    args.emplace_back("--no-timeline");
  }
  PointOutcome o;
  o.row.point = task.point;
  o.row.parameters = p.values;
  o.accuracy_key = p.accuracy_key;
  o.ran_accuracy = task.accuracy;
  o.row.metrics.assign(spec.metrics.size(), std::nullopt);
  const ChildResult child = run_child(executable, args);
  if (child.exit_code != 0) {
    o.row.status = PointStatus::failed;
    o.row.error = last_line(child.err);
    o.ran_accuracy = false;
    return o;
  }
  std::ifstream in(point_dir + "/report.json");
  nlohmann::json report;
  try {
    report = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    o.row.status = PointStatus::failed;
    o.row.error = "unreadable " + point_dir + "/report.json: " + e.what();
    o.ran_accuracy = false;
    return o;
  }
  for (std::size_t k = 0; k < spec.metrics.size(); ++k) {
    o.row.metrics[k] = metric_value(report, spec.metrics[k].path);
  }
  return o;
}

void run_local(const std::string& executable, const SweepSpec& spec, const std::vector<PointTask>& tasks,
               const std::string& out, int jobs, int threads, const std::function<void(const PointOutcome&)>& done) {
  std::mutex done_mutex;
  run_tasks(tasks.size(), jobs, [&](std::size_t k) {
    const PointOutcome o = run_point(executable, spec, tasks[k], point_directory(out, spec, tasks[k].point), threads);
    const std::lock_guard<std::mutex> lock(done_mutex);
    done(o);
  });
}

}  // namespace imcsim::sweep
