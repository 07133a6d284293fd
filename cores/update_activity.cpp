#include "cores/update_activity.h"

namespace imcsim::cores {

UpdateActivity expected_update_activity(int rows, int cols, int vectors, int pulse_length, const LineProbabilities& p) {
  UpdateActivity a;
  a.slots = static_cast<double>(vectors) * pulse_length;
  a.row_pulses = a.slots * rows * p.row;
  a.column_pulses = a.slots * cols * p.column;
  a.coincidences = a.slots * rows * cols * p.row * p.column;
  return a;
}

}  // namespace imcsim::cores
