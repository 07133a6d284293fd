#include "base/scratch_directory.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "base/errors.h"

namespace imcsim {

namespace fs = std::filesystem;

ScratchDirectory::ScratchDirectory(const std::string& purpose) {
  static std::atomic<int> counter{0};
  std::error_code ec;
  const fs::path base = fs::temp_directory_path(ec);
  if (ec) throw Error("no temporary directory: " + ec.message());
  m_path = (base / (purpose + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++))).string();
  fs::create_directories(m_path, ec);
  if (ec) throw Error("cannot create " + m_path + ": " + ec.message());
}

ScratchDirectory::~ScratchDirectory() {
  std::error_code ignore_error;
  fs::remove_all(m_path, ignore_error);
}

}  // namespace imcsim
