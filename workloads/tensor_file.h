#pragma once
// Reading arrays from the file formats data sets come in: IDX (the MNIST family; optionally gzip-compressed)
// and NumPy's NPY. Both give a flat float array in C order with its shape.
//
// Contract: a malformed, truncated or unsupported file is an InputError naming the file, the field and, where
// it helps, the byte offset; nothing is guessed.

#include <cstdint>
#include <string>
#include <vector>

namespace imcsim::workloads {

struct ArrayData {
  std::vector<std::int64_t> shape;
  std::vector<float> values;  ///< C order
  std::int64_t elements() const;
};

/// IDX: magic 0x0000 TT DD (TT type code, DD dimensions), big-endian dimension sizes, then the data.
/// Types: 0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64.
/// Files ending in .gz are decompressed. With `max_items` > 0, only the first `max_items` entries of the first
/// dimension are read (and the rest of the file is not checked).
ArrayData read_idx(const std::string& path, std::int64_t max_items = 0);

/// NPY versions 1-3, C order, dtypes |u1 |i1 <i2 <i4 <i8 <f4 <f8 (little-endian).
ArrayData read_npy(const std::string& path);

/// Reads a whole file, decompressing gzip when the name ends in .gz; with `max_bytes` > 0, at least its first
/// `max_bytes` bytes (all of a shorter file) and possibly a little more.
std::string read_file_bytes(const std::string& path, std::size_t max_bytes = 0);

}  // namespace imcsim::workloads
