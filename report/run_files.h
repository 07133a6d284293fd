#pragma once
// The files `imcsim run --out DIR` writes from its report (docs/report.md): report.json, report.html
// (report/html_report.h), layers.csv and components.csv (report/csv_tables.h). All of them derive from the one
// report object, so they cannot disagree.
//
// Contract: every file is rendered before any is written, and each is written atomically
// (base/output_file.h): a report the writers reject leaves none of them, and no file is ever half-written.
// `dir` must exist. Throws imcsim::Error naming what failed.

#include <nlohmann/json.hpp>
#include <string>

namespace imcsim::report {

void write_run_files(const std::string& dir, const nlohmann::ordered_json& report);

}  // namespace imcsim::report
