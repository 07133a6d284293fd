#include "base/errors.h"

namespace imcsim {

ParameterError::ParameterError(std::string parameter, const std::string& message)
    : Error("parameter '" + parameter + "': " + message), m_parameter(std::move(parameter)) {}

namespace {
std::string format_input_error(const std::string& file, int line, int column, const std::string& key,
                               const std::string& message) {
  std::string where = file;
  if (line > 0) {
    where += ":" + std::to_string(line);
    if (column > 0) where += ":" + std::to_string(column);
  }
  return where + ": " + (key.empty() ? "" : "'" + key + "': ") + message;
}
}  // namespace

InputError::InputError(std::string file, int line, int column, std::string key, const std::string& message)
    : Error(format_input_error(file, line, column, key, message)),
      m_file(std::move(file)),
      m_line(line),
      m_column(column),
      m_key(std::move(key)) {}

}  // namespace imcsim
