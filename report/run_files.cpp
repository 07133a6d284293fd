#include "report/run_files.h"

#include <utility>
#include <vector>

#include "base/output_file.h"
#include "report/csv_tables.h"
#include "report/html_report.h"

namespace imcsim::report {

void write_run_files(const std::string& dir, const nlohmann::ordered_json& report) {
  const std::vector<std::pair<std::string, std::string>> files = {{"report.json", report.dump(2) + "\n"},
                                                                  {"report.html", html_report(report)},
                                                                  {"layers.csv", layers_csv(report)},
                                                                  {"components.csv", components_csv(report)}};
  for (const auto& [name, text] : files) write_file_atomically((dir + "/").append(name), text);
}

}  // namespace imcsim::report
