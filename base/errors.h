#pragma once
// Error types of imcsim. Every error a user can cause names what was wrong: the parameter, or the file,
// position and key of the input. Library code throws; only the command line turns errors into exit codes.

#include <stdexcept>
#include <string>

namespace imcsim {

/// Base class of every error imcsim raises on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A parameter of a resolved configuration is invalid. `parameter()` is its dotted name (e.g. "adc.bits").
class ParameterError : public Error {
 public:
  ParameterError(std::string parameter, const std::string& message);
  const std::string& parameter() const { return m_parameter; }

 private:
  std::string m_parameter;
};

/// An input file is malformed. The message has the form "file:line:column: key: what".
class InputError : public Error {
 public:
  InputError(std::string file, int line, int column, std::string key, const std::string& message);
  const std::string& file() const { return m_file; }
  int line() const { return m_line; }
  int column() const { return m_column; }
  const std::string& key() const { return m_key; }

 private:
  std::string m_file;
  int m_line;
  int m_column;
  std::string m_key;
};

}  // namespace imcsim
