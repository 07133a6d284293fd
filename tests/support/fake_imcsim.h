#pragma once
// Test helper: a stand-in for the imcsim binary, for engines that take the executable to run as a parameter
// (regress/run_suite.h, sweep/local_runner.h). The script writes a fixed report.json into the directory after
// --out and exits 0, unless that directory's name contains "fails": then it prints an error and exits 2.

#include <sys/stat.h>

#include <fstream>
#include <string>

namespace imcsim::test {

/// The report the stand-in writes.
inline const char* fake_report_json() {
  return R"({"model_file": "/anywhere/mlp.onnx", "latency": {"per_inference_ns": 100.0}, "mapping": {"cores_used": 7}})";
}

/// Writes the stand-in as an executable script at `path` and returns `path`.
inline std::string write_fake_imcsim(const std::string& path) {
  std::ofstream(path) << "#!/bin/sh\n"
                         "out=''\n"
                         "while [ $# -gt 0 ]; do if [ \"$1\" = --out ]; then out=\"$2\"; fi; shift; done\n"
                         "mkdir -p \"$out\"\n"
                         "case \"$out\" in *fails*) echo 'imcsim: error: it failed' >&2; exit 2;; esac\n"
                         "printf '%s' '"
                      << fake_report_json() << "' > \"$out/report.json\"\n";
  chmod(path.c_str(), 0755);
  return path;
}

}  // namespace imcsim::test
