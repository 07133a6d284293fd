#include "chip/core_params.h"

namespace imcsim::chip {

cores::CoreParams core_params(const ChipConfig& config) {
  cores::CoreParams p;
  p.rows = config.cores.rows;
  p.cols = config.cores.cols;
  p.device_slots = 2 * config.mapping.devices_per_polarity;
  p.program_verify_iterations = config.cores.program_verify_iterations;
  p.global_unit_slices = config.digital.global_unit_slices;
  p.input_buffer_kib = config.cores.input_buffer_kib;
  p.output_buffer_kib = config.cores.output_buffer_kib;
  p.global_unit_cycles_per_output = config.digital.global_unit_cycles_per_output;
  p.pipeline_stages = config.digital.pipeline_stages;
  p.accumulate_pipeline_stages = config.digital.accumulate_pipeline_stages;
  p.global_unit_pipeline_stages = config.digital.global_unit_pipeline_stages;
  p.technology = config.technology;
  p.design = config.design_point();
  return p;
}

}  // namespace imcsim::chip
