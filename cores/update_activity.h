#pragma once
// What the sample updates of one pulsed update fire (plain C++): the events a pulsed update is costed by
// (cores/core_costs.h), either counted by the numerics (hw::PulsedArray::update) or expected from line
// probabilities.
//
// One sample update of a rows x cols block at pulse length BL (the RPU scheme, hw/pulsed_array.h): in each of its
// slots (BL, or fewer with BL management) row i fires with probability p_i and column j with q_j; a device is
// pulsed where its row and its column fire in the same slot (a coincidence).

namespace imcsim::cores {

/// BL of an update that names none: aihwkit's default desired_bl.
constexpr int default_pulse_length = 31;

/// Totals over the sample updates of one command.
struct UpdateActivity {
  double slots = 0;          ///< slots used: the sum of each sample update's BL (after BL management)
  double row_pulses = 0;     ///< row firings over all slots, whether or not a column fired with them
  double column_pulses = 0;  ///< column firings over all slots
  double coincidences = 0;   ///< device pulses: a row and a column firing in the same slot
};

/// The mean probability that a row (a column) fires in one slot: the rule of the expected activity.
/// Default 1/2 on both sides: line probabilities spread evenly between 0 and 1, as update management leaves them
/// when it scales the largest on each side to 1 (an assumption, not a measurement: docs/training-step.md).
struct LineProbabilities {
  double row = 0.5;
  double column = 0.5;
};

/// The expected activity of `vectors` sample updates of a rows x cols block at pulse length BL: every update
/// uses all BL slots, and lines fire independently with the probabilities p:
///   slots = vectors x BL, row_pulses = slots x rows x p.row, column_pulses = slots x cols x p.column,
///   coincidences = slots x rows x cols x p.row x p.column.
UpdateActivity expected_update_activity(int rows, int cols, int vectors, int pulse_length,
                                        const LineProbabilities& p = {});

}  // namespace imcsim::cores
