#pragma once
// The numbers of one core in a timed run of a Program without a model (`imcsim layer`, `imcsim bench timed`):
// a crossbar (hw/) programmed with seeded random weights (stream keyed by seed and core id), reading its input
// buffer into its output buffer for every MVM, so the run costs what the numeric work costs. A mapped model's
// cores read its real tiles instead (chip/tile_numerics.h, chip/timed_inference.h).

#include <cstdint>
#include <memory>

#include "chip/chip_config.h"
#include "cores/core_numerics.h"
#include "hw/crossbar.h"
#include "hw/device/inference_device.h"

namespace imcsim::chip {

class CrossbarNumerics : public cores::CoreNumerics {
 public:
  CrossbarNumerics(const ChipConfig& config, int core_id);
  void execute(const cores::CoreCommand& command) override;


 private:
  std::unique_ptr<hw::InferenceDeviceModel> m_device;
  hw::Crossbar m_crossbar;
  hw::BatchMatrix m_input;
  hw::BatchMatrix m_output;
  std::uint32_t m_pass = 0;
};

}  // namespace imcsim::chip
