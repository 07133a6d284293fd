#pragma once
// The working buffers of one column block of PulsedArray::update (pulsed_update.cpp), kept by the array between
// calls so that an update of one vector pair allocates nothing once the buffers have grown.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/random.h"

namespace imcsim::hw {

struct PulseUpdateBuffers {
  std::vector<std::uint32_t> words;  ///< random words of the firing decisions being made (a byte each)
  std::vector<std::size_t> slot_size;        ///< firing rows per slot
  std::vector<int> slot_rows;                ///< slot s's firing rows at [s rows, s rows + slot_size[s])
  std::vector<signed char> slot_signs;       ///< and the signs of their x_i, +1 or -1
  /// The pair's pulses in order, the first `pulses` entries of each list (the lists only grow):
  std::size_t pulses = 0;
  std::vector<std::size_t> pulse_devices;      ///< device (column-major index)
  std::vector<signed char> pulse_directions;   ///< +1 up, -1 down
  std::vector<float> xi;                       ///< c2c normals (all zero without c2c spread)
  /// The c2c positions of the pulses: a run per column that has any, in the order of the list.
  std::vector<RandomStream::Run> runs;
};

}  // namespace imcsim::hw
