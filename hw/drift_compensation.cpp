#include "hw/drift_compensation.h"

#include "base/errors.h"

namespace imcsim::hw {

namespace {
constexpr float min_level = 1e-6f;  // below this the probe sees nothing; keep factor 1
}

const NameTable<DriftCompensationKind>& drift_compensation_names() {
  static const NameTable<DriftCompensationKind> table{{DriftCompensationKind::none, "none"},
                                                      {DriftCompensationKind::global, "global"},
                                                      {DriftCompensationKind::per_column, "per_column"}};
  return table;
}

BatchMatrix identity_probe(int rows) { return BatchMatrix::Identity(rows, rows); }

DriftCompensation::DriftCompensation(DriftCompensationKind kind, BatchMatrix probe)
    : m_kind(kind), m_probe(std::move(probe)) {}

Vector DriftCompensation::level(const BatchMatrix& y) const {
  const Vector per_column = y.cwiseAbs().colwise().mean().transpose();
  if (m_kind == DriftCompensationKind::per_column) return per_column;
  return Vector::Constant(per_column.size(), per_column.mean());
}

void DriftCompensation::set_reference(const Readout& readout) {
  if (m_kind == DriftCompensationKind::none) return;
  m_reference = level(readout(m_probe));
  m_factors = Vector::Ones(m_reference.size());
}

void DriftCompensation::measure(const Readout& readout) {
  if (m_kind == DriftCompensationKind::none) return;
  if (m_reference.size() == 0) throw Error("drift compensation measured before its reference was set");
  const Vector now = level(readout(m_probe));
  m_factors.resize(now.size());
  for (Eigen::Index j = 0; j < now.size(); ++j) {
    m_factors[j] = (now[j] > min_level && m_reference[j] > min_level) ? m_reference[j] / now[j] : 1.0f;
  }
}

void DriftCompensation::apply(BatchMatrix& y) const {
  if (m_kind == DriftCompensationKind::none || m_factors.size() == 0) return;
  y.array().rowwise() *= m_factors.head(y.cols()).transpose().array();
}

}  // namespace imcsim::hw
