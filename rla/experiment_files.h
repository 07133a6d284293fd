#pragma once
// The files an `imcsim rla` experiment writes into its --out directory (docs/rla.md): NAME.json (the whole
// result), NAME-TABLE.csv for every table of its "tables" ({"name", "columns", "rows"}), and NAME.html: the
// tables, and for every table with a "plot" ({"x", "y", "series": [columns]}) a line chart of y against x, one line
// per combination of the series columns (a log y axis when every y is positive).
//
// Contract: every file is rendered before any is written, each atomically (base/output_file.h); `dir` must exist.

#include <nlohmann/json.hpp>
#include <string>

namespace imcsim::rla {

void write_experiment_files(const std::string& dir, const std::string& name, const nlohmann::ordered_json& result);

/// The page alone (for tests).
std::string experiment_html(const std::string& name, const nlohmann::ordered_json& result);

}  // namespace imcsim::rla
