#pragma once
// Drift compensation: an output scale measured on the chip itself. Right after programming a known probe
// input is read and its mean absolute output stored as the reference; at read time the same probe is read
// again and outputs are multiplied by reference / now. "global" uses one factor per array (mean over all
// outputs), "per_column" one factor per output column.
//
// The probe should be a calibration batch drawn like the workload's inputs: drift depends on the conductance,
// so the factor is only exact for inputs that weigh the devices as the workload does. identity_probe()
// (aihwkit's choice: every device once) leaves a few percent of the drift of typical outputs uncorrected.
//
// Contract: the readout given to set_reference() and measure() must be the array's own (noisy) read path, as
// the hardware has no other view of its weights.

#include <functional>

#include "base/name_table.h"
#include "hw/types.h"

namespace imcsim::hw {

enum class DriftCompensationKind { none, global, per_column };

/// noise.drift_compensation: none, global, per_column.
const NameTable<DriftCompensationKind>& drift_compensation_names();

/// The one-hot probe: row i drives input line i alone (rows x rows).
BatchMatrix identity_probe(int rows);

class DriftCompensation {
 public:
  using Readout = std::function<BatchMatrix(const BatchMatrix& probe)>;

  DriftCompensation(DriftCompensationKind kind, BatchMatrix probe);

  /// Stores the reference readout (call right after programming).
  void set_reference(const Readout& readout);
  /// Measures the probe now and updates the factors; requires set_reference() first.
  void measure(const Readout& readout);
  /// y (batch x cols) *= factor (per column or global).
  void apply(BatchMatrix& y) const;
  /// One factor per column (all equal for global); ones before measure() and for kind none.
  const Vector& factors() const { return m_factors; }

 private:
  Vector level(const BatchMatrix& y) const;

  DriftCompensationKind m_kind;
  BatchMatrix m_probe;
  Vector m_reference;
  Vector m_factors;
};

}  // namespace imcsim::hw
