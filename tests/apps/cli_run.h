#pragma once
// Running the built imcsim binary (IMCSIM_BINARY) as a user would, for the command-line tests: stdout and stderr
// are captured in files named after the running test.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace imcsim::test {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::string binary() {
  const char* path = std::getenv("IMCSIM_BINARY");
  return path ? path : "";
}

/// A path in the test temp dir for `purpose`, unique to this process and the running test (the same test may
/// run concurrently from several build trees).
inline std::string scratch_path(const std::string& purpose) {
  return ::testing::TempDir() + "imcsim_" + purpose + "_" + std::to_string(getpid()) + "_" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name();
}

/// Runs `imcsim <args>`; `args` is passed to the shell as written.
inline RunResult run_imcsim(const std::string& args) {
  const std::string base = scratch_path("cli");
  const std::string out_path = base + ".out";
  const std::string err_path = base + ".err";
  const std::string command = "'" + binary() + "' " + args + " >'" + out_path + "' 2>'" + err_path + "'";
  const int status = std::system(command.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// A command that must fail: exit 2 with stderr naming `names`.
struct BadInput {
  std::string args, names;
};
/// Runs every case with `--out out`: exit 2, stderr names the case's option or key, and `out` is not written.
inline void expect_refused_without_output(const std::vector<BadInput>& cases, const std::string& out) {
  for (const BadInput& c : cases) {
    const RunResult r = run_imcsim(c.args + " --out " + out);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.err;
    EXPECT_TRUE(contains(r.err, c.names)) << c.args << "\n" << r.err;
    EXPECT_FALSE(std::ifstream(out).good()) << c.args;
  }
}

}  // namespace imcsim::test
