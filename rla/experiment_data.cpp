#include "rla/experiment_data.h"

#include <cmath>

#include "base/errors.h"
#include "workloads/dataset.h"

namespace imcsim::rla {

void check_finite(const Eigen::MatrixXd& a, const std::string& source) {
  for (Eigen::Index j = 0; j < a.cols(); ++j)
    for (Eigen::Index i = 0; i < a.rows(); ++i)
      if (!std::isfinite(a(i, j)))
        throw InputError(
            source, 0, 0, "sample " + std::to_string(i) + ", feature " + std::to_string(j),
            "the value is not finite (" + std::to_string(a(i, j)) + "): randomized algorithms need finite data");
}

DataMatrix load_data_matrix(const std::string& spec, int rows) {
  const workloads::Dataset d = workloads::load_dataset(spec, rows);
  DataMatrix m;
  m.name = d.name;
  m.a = d.samples.cast<double>();
  m.labels = d.labels;
  m.classes = d.classes;
  check_finite(m.a, spec);
  return m;
}

}  // namespace imcsim::rla
