#pragma once
// A directory of its own under the system's temporary directory for the files of child processes, removed with
// everything in it when the object goes (also when an exception passes).
//
// Contract: the name is unique in this process and across processes (pid and a counter); construction throws
// imcsim::Error when the directory cannot be created; removal never throws.

#include <string>

namespace imcsim {

class ScratchDirectory {
 public:
  /// `purpose` starts the directory's name ("imcsim_regress" -> /tmp/imcsim_regress_<pid>_<n>).
  explicit ScratchDirectory(const std::string& purpose);
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  ~ScratchDirectory();

  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
};

}  // namespace imcsim
