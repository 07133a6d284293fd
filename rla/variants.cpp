#include "rla/variants.h"

#include <algorithm>

#include "chip/accuracy.h"

namespace imcsim::rla {

const NameTable<SvdVariant>& svd_variant_names() {
  static const NameTable<SvdVariant> names{{SvdVariant::exact, "exact"},
                                           {SvdVariant::digital, "digital"},
                                           {SvdVariant::omega_on_arrays, "omega"},
                                           {SvdVariant::a_on_arrays, "a"}};
  return names;
}

std::unique_ptr<MatrixProducts> make_products(SvdVariant v, const chip::ChipConfig& chip, const Eigen::MatrixXd& a,
                                              std::uint64_t seed, int max_sketch_cols, double t_s, int block_rows,
                                              int threads) {
  switch (v) {
    case SvdVariant::omega_on_arrays:
      return std::make_unique<OmegaOnArrays>(chip, a, seed, max_sketch_cols, t_s, threads);
    case SvdVariant::a_on_arrays:
      return std::make_unique<AOnArrays>(
          chip, a, seed, block_rows > 0 ? block_rows : block_rows_that_fit(chip, static_cast<int>(a.cols())), t_s,
          threads);
    case SvdVariant::digital:
    case SvdVariant::exact:
      break;
  }
  return std::make_unique<DigitalProducts>(a, seed);
}

int block_rows_that_fit(const chip::ChipConfig& chip, int n) {
  const firmware::ChipGeometry g = chip::chip_geometry(chip);
  const int row_tiles = (n + g.core_rows - 1) / g.core_rows;
  return std::max(0, g.cores() / row_tiles) * g.core_cols;
}

}  // namespace imcsim::rla
