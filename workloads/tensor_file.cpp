#include "workloads/tensor_file.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

#include "base/errors.h"
#include "base/text.h"

namespace imcsim::workloads {

namespace {

/// The decompressed file, or (max_bytes > 0) at least its first max_bytes bytes when it has them.
std::string read_gzip(const std::string& path, std::size_t max_bytes) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw InputError(path, 0, 0, "", "cannot open the file");
  std::string data;
  char buffer[1 << 16];
  for (;;) {
    if (max_bytes > 0 && data.size() >= max_bytes) {
      gzclose(file);
      return data;
    }
    const int n = gzread(file, buffer, sizeof(buffer));
    if (n < 0) {
      int code = 0;
      const std::string message = gzerror(file, &code);
      gzclose(file);
      throw InputError(path, 0, 0, "gzip", "corrupt or truncated compressed data (" + message + ")");
    }
    if (n == 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  // gzread reports a stream cut short only through gzerror once the input is exhausted.
  int code = 0;
  const std::string message = gzerror(file, &code);
  gzclose(file);
  if (code != Z_OK && code != Z_BUF_ERROR) {
    throw InputError(path, 0, 0, "gzip", "corrupt compressed data (" + message + ")");
  }
  if (code == Z_BUF_ERROR) throw InputError(path, 0, 0, "gzip", "truncated compressed data");
  return data;
}

std::uint32_t big_endian_u32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | static_cast<std::uint32_t>(p[3]);
}

template <typename T>
T load(const unsigned char* p, bool big_endian) {
  unsigned char bytes[sizeof(T)];
  for (std::size_t i = 0; i < sizeof(T); ++i) bytes[i] = big_endian ? p[sizeof(T) - 1 - i] : p[i];
  T value;
  std::memcpy(&value, bytes, sizeof(T));
  return value;
}

/// Converts `count` elements of a binary type (`code`: one of the dtype names below) to floats.
void convert(const std::string& path, const unsigned char* p, std::int64_t count, const std::string& code,
             bool big_endian, std::vector<float>& out) {
  out.resize(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) {
    float v = 0;
    if (code == "u1")
      v = p[i];
    else if (code == "i1")
      v = static_cast<float>(static_cast<std::int8_t>(p[i]));
    else if (code == "i2")
      v = load<std::int16_t>(p + 2 * i, big_endian);
    else if (code == "i4")
      v = static_cast<float>(load<std::int32_t>(p + 4 * i, big_endian));
    else if (code == "i8")
      v = static_cast<float>(load<std::int64_t>(p + 8 * i, big_endian));
    else if (code == "f4")
      v = load<float>(p + 4 * i, big_endian);
    else if (code == "f8")
      v = static_cast<float>(load<double>(p + 8 * i, big_endian));
    else
      throw InputError(path, 0, 0, "dtype", "unsupported element type '" + code + "'");
    out[static_cast<std::size_t>(i)] = v;
  }
}

std::int64_t element_size(const std::string& code) {
  if (code == "u1" || code == "i1") return 1;
  if (code == "i2") return 2;
  if (code == "i4" || code == "f4") return 4;
  if (code == "i8" || code == "f8") return 8;
  return 0;
}

std::int64_t product(const std::string& path, const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (const auto d : shape) {
    if (d < 0 || (d > 0 && n > std::numeric_limits<std::int64_t>::max() / d)) {
      throw InputError(path, 0, 0, "shape", "impossible dimensions");
    }
    n *= d;
  }
  return n;
}

}  // namespace

std::int64_t ArrayData::elements() const {
  std::int64_t n = 1;
  for (const auto d : shape) n *= d;
  return n;
}

std::string read_file_bytes(const std::string& path, std::size_t max_bytes) {
  if (ends_with(path, ".gz")) return read_gzip(path, max_bytes);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 0, 0, "", "cannot open the file");
  if (max_bytes == 0) return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  std::string data(max_bytes, '\0');
  in.read(data.data(), static_cast<std::streamsize>(max_bytes));
  data.resize(static_cast<std::size_t>(in.gcount()));
  return data;
}

ArrayData read_idx(const std::string& path, std::int64_t max_items) {
  // The header first (at most 4 + 4 * 255 bytes) when only the first items are wanted: a few test images need
  // not decompress and convert the whole training set.
  constexpr std::size_t max_header_bytes = 4 + 4 * 255;
  std::string bytes = read_file_bytes(path, max_items > 0 ? max_header_bytes : 0);
  const unsigned char* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 4 || p[0] != 0 || p[1] != 0) {
    throw InputError(path, 0, 0, "magic", "not an IDX file (the first two bytes must be zero)");
  }
  std::string code;
  switch (p[2]) {
    case 0x08:
      code = "u1";
      break;
    case 0x09:
      code = "i1";
      break;
    case 0x0B:
      code = "i2";
      break;
    case 0x0C:
      code = "i4";
      break;
    case 0x0D:
      code = "f4";
      break;
    case 0x0E:
      code = "f8";
      break;
    default:
      throw InputError(path, 0, 0, "magic", "unknown IDX element type 0x" + std::to_string(p[2]));
  }
  const int dims = p[3];
  if (dims < 1 || bytes.size() < 4 + 4 * static_cast<std::size_t>(dims)) {
    throw InputError(path, 0, 0, "dimensions", "header cut short or no dimensions");
  }
  ArrayData a;
  for (int d = 0; d < dims; ++d) a.shape.push_back(big_endian_u32(p + 4 + 4 * d));
  std::int64_t count = product(path, a.shape);
  const std::size_t offset = 4 + 4 * static_cast<std::size_t>(dims);
  if (max_items > 0 && max_items < a.shape[0]) {
    count = count / a.shape[0] * max_items;
    a.shape[0] = max_items;
    bytes = read_file_bytes(path, offset + static_cast<std::size_t>(count * element_size(code)));
    bytes.resize(std::min(bytes.size(), offset + static_cast<std::size_t>(count * element_size(code))));
  } else if (max_items > 0) {
    bytes = read_file_bytes(path, 0);
  }
  p = reinterpret_cast<const unsigned char*>(bytes.data());  // the bytes may have been read again
  const std::int64_t needed = count * element_size(code);
  if (static_cast<std::int64_t>(bytes.size() - offset) != needed) {
    throw InputError(path, 0, 0, "data",
                     "expected " + std::to_string(needed) + " bytes of data after the header (byte offset " +
                         std::to_string(offset) + "), found " + std::to_string(bytes.size() - offset) +
                         (static_cast<std::int64_t>(bytes.size() - offset) < needed ? ": file truncated" : ""));
  }
  convert(path, p + offset, count, code, true, a.values);
  return a;
}

ArrayData read_npy(const std::string& path) {
  const std::string bytes = read_file_bytes(path);
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 10 || std::memcmp(p, "\x93NUMPY", 6) != 0) {
    throw InputError(path, 0, 0, "magic", "not an NPY file");
  }
  const int major = p[6];
  std::size_t header_len = 0;
  std::size_t header_start = 0;
  if (major == 1) {
    header_len = p[8] | static_cast<std::size_t>(p[9]) << 8;
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw InputError(path, 0, 0, "header", "header cut short");
    header_len = p[8] | static_cast<std::size_t>(p[9]) << 8 | static_cast<std::size_t>(p[10]) << 16 |
                 static_cast<std::size_t>(p[11]) << 24;
    header_start = 12;
  } else {
    throw InputError(path, 0, 0, "version", "unsupported NPY version " + std::to_string(major));
  }
  if (bytes.size() < header_start + header_len) throw InputError(path, 0, 0, "header", "header cut short");
  const std::string header = bytes.substr(header_start, header_len);
  const auto field = [&](const std::string& key) {
    const auto k = header.find("'" + key + "'");
    if (k == std::string::npos) throw InputError(path, 0, 0, key, "missing in the NPY header");
    return header.substr(header.find(':', k) + 1);
  };
  std::string descr = field("descr");
  descr = descr.substr(descr.find('\'') + 1);
  descr = descr.substr(0, descr.find('\''));
  if (descr.size() != 3 || (descr[0] != '<' && descr[0] != '|' && descr[0] != '=') ||
      element_size(descr.substr(1)) == 0) {
    throw InputError(path, 0, 0, "descr", "unsupported dtype '" + descr + "' (little-endian ints and floats only)");
  }
  const std::string order = field("fortran_order");
  if (order.find("True") < order.find(','))
    throw InputError(path, 0, 0, "fortran_order", "Fortran order is not supported");
  std::string shape_text = field("shape");
  shape_text = shape_text.substr(shape_text.find('(') + 1);
  shape_text = shape_text.substr(0, shape_text.find(')'));
  ArrayData a;
  std::size_t pos = 0;
  while (pos < shape_text.size()) {
    const auto comma = shape_text.find(',', pos);
    const std::string item = shape_text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (item.find_first_not_of(" ") != std::string::npos) {
      try {
        a.shape.push_back(std::stoll(item));
      } catch (const std::exception&) {
        throw InputError(path, 0, 0, "shape", "cannot read '" + item + "'");
      }
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  const std::int64_t count = product(path, a.shape);
  const std::size_t offset = header_start + header_len;
  const std::int64_t needed = count * element_size(descr.substr(1));
  if (static_cast<std::int64_t>(bytes.size() - offset) != needed) {
    throw InputError(
        path, 0, 0, "data",
        "expected " + std::to_string(needed) + " bytes of data, found " + std::to_string(bytes.size() - offset));
  }
  convert(path, p + offset, count, descr.substr(1), false, a.values);
  return a;
}

}  // namespace imcsim::workloads
