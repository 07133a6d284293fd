#pragma once
// Writing an output file whole or not at all: the text goes to a temporary file next to the target, which is
// renamed over it once complete, so a failed run leaves no half-written report.

#include <string>

namespace imcsim {

/// Throws imcsim::Error naming the path when it cannot be written.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace imcsim
