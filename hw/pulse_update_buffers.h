#pragma once
// The working buffers of one column block of PulsedArray::update (pulsed_update.cpp), kept by the array between
// calls so that an update of one vector pair allocates nothing once the buffers have grown.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace imcsim::hw {

struct PulseUpdateBuffers {
  std::vector<std::uint32_t> words;            ///< random words of the firing decisions being made
  std::vector<std::uint8_t> decision_bytes;    ///< their bytes, one per decision
  std::vector<char> x_positive;                ///< x_i > 0 of the pair's rows
  std::vector<std::size_t> slot_size;          ///< firing rows per slot
  std::vector<int> slot_rows;                  ///< slot s's firing rows at [s rows, s rows + slot_size[s])
  std::vector<std::size_t> pulse_devices;      ///< the pair's pulses in order: device (column-major index)
  std::vector<signed char> pulse_directions;   ///< +1 up, -1 down
  std::vector<std::uint64_t> pulse_positions;  ///< c2c positions
  std::vector<float> xi;                       ///< c2c normals
};

}  // namespace imcsim::hw
