#pragma once
// What a randomized algorithm ran where (docs/rla.md), for its cost (rla/chip_cost.h, rla/digital_cost.h): the
// reads of every matrix it held on the arrays, every programming of one, and the multiply-accumulates of its
// digital part (QR, small SVDs, the products a variant leaves digital). Plain data.

#include <cstdint>
#include <vector>

namespace imcsim::rla {

/// `vectors` reads of a rows x cols matrix held on the arrays, forward (rows drive) or transposed (cols drive).
struct ArrayReads {
  int rows = 0;
  int cols = 0;
  bool transposed = false;
  std::int64_t vectors = 0;
};

/// One programming of a rows x cols matrix onto the arrays.
struct ArrayProgramming {
  int rows = 0;
  int cols = 0;
};

struct WorkLog {
  std::vector<ArrayReads> reads;
  std::vector<ArrayProgramming> programmings;
  double digital_macs = 0;  ///< multiply-accumulates (a flop pair) of the digital part

  void read(int rows, int cols, bool transposed, std::int64_t vectors) {
    reads.push_back({rows, cols, transposed, vectors});
  }
  void program(int rows, int cols) { programmings.push_back({rows, cols}); }
  void macs(double n) { digital_macs += n; }
  /// Multiply-accumulates the analog reads stand for (rows x cols per vector).
  double analog_macs() const {
    double n = 0;
    for (const ArrayReads& r : reads) n += double(r.rows) * r.cols * double(r.vectors);
    return n;
  }
};

}  // namespace imcsim::rla
