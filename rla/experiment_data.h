#pragma once
// The data an `imcsim rla` experiment reads (docs/rla.md): a data set (workloads/dataset.h: fashion-mnist:train,
// fashion-mnist, or a data set YAML; pixels / 255 for Fashion-MNIST) as an FP64 matrix, one sample per row.

#include <string>
#include <vector>

#include <Eigen/Core>

namespace imcsim::rla {

struct DataMatrix {
  std::string name;
  Eigen::MatrixXd a;  ///< samples x features
  std::vector<int> labels;
  int classes = 0;
};

/// The first `rows` samples of `spec` (0: all). Throws InputError naming the data set (file, sample and feature)
/// for a non-finite value, and what workloads::load_dataset throws for one that does not load.
DataMatrix load_data_matrix(const std::string& spec, int rows = 0);

/// InputError naming `source`, the row and the column of the first non-finite entry.
void check_finite(const Eigen::MatrixXd& a, const std::string& source);

}  // namespace imcsim::rla
