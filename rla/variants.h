#pragma once
// The variants of the randomized range finder (docs/rla.md) by name, and their products (rla/matrix_products.h).

#include <cstdint>
#include <memory>

#include <Eigen/Core>

#include "base/name_table.h"
#include "chip/chip_config.h"
#include "rla/matrix_products.h"

namespace imcsim::rla {

enum class SvdVariant { exact, digital, omega_on_arrays, a_on_arrays };
/// exact, digital, omega, a.
const NameTable<SvdVariant>& svd_variant_names();

/// The products of variant `v` (exact and digital: DigitalProducts) on `chip`, whose seed keys the noise; `seed` draws
/// Omega. block_rows 0: the most that fit.
std::unique_ptr<MatrixProducts> make_products(SvdVariant v, const chip::ChipConfig& chip, const Eigen::MatrixXd& a,
                                              std::uint64_t seed, int max_sketch_cols, double t_s, int block_rows,
                                              int threads);

/// Data rows of the largest block of an m x n matrix's rows that fits the chip as A^T (n x rows).
int block_rows_that_fit(const chip::ChipConfig& chip, int n);

}  // namespace imcsim::rla
