#pragma once
// Small text helpers shared by error messages and file handling.

#include <string>
#include <vector>

namespace imcsim {

/// "a, b, c": the names a message offers as the known choices.
std::string join_names(const std::vector<std::string>& names);
bool ends_with(const std::string& text, const std::string& suffix);
/// The shortest decimal (at most 9 significant digits) that reads back as `value`: 0.1, 0.33333334, 1e-06.
std::string shortest_float_text(float value);
/// The shortest decimal (at most 17 significant digits) that reads back as `value`: 0.1, 3038, 0.30000000000000004.
std::string shortest_double_text(double value);
/// A file's whole content; empty when it cannot be read.
std::string read_file_text(const std::string& path);

}  // namespace imcsim
