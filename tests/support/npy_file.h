#pragma once
// NumPy .npy files (version 1) built in memory, for tests that write their own data sets.

#include <string>
#include <vector>

namespace imcsim::test {

/// An NPY file of `data` (raw little-endian values) with dtype `descr` ("<f4") and `shape` ("40, 6").
inline std::string npy(const std::string& descr, const std::string& shape, const std::string& data,
                       bool fortran = false) {
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': (" + shape + "), }";
  while ((10 + header.size() + 1) % 64 != 0) header.push_back(' ');
  header.push_back('\n');
  std::string s = "\x93NUMPY";
  s.push_back(1);
  s.push_back(0);
  s.push_back(static_cast<char>(header.size() & 0xFF));
  s.push_back(static_cast<char>(header.size() >> 8));
  return s + header + data;
}

/// The raw bytes of `values`.
template <typename T>
std::string raw(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

}  // namespace imcsim::test
