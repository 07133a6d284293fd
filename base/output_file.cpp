#include "base/output_file.h"

#include <cstdio>
#include <fstream>

#include "base/errors.h"

namespace imcsim {

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".partial";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot write '" + path + "'");
    out << text;
    out.close();
    if (!out) {
      std::remove(temporary.c_str());
      throw Error("cannot write '" + path + "'");
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    throw Error("cannot write '" + path + "'");
  }
}

}  // namespace imcsim
