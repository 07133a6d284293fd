#pragma once
// A one-layer model (workloads/single_layer.h) mapped and compiled for one inference as `imcsim layer` does it.

#include "chip/accuracy.h"
#include "chip/chip_config.h"
#include "chip/model_timing.h"
#include "firmware/model_compiler.h"
#include "workloads/single_layer.h"

namespace imcsim::test {

struct OneLayer {
  firmware::ModelMapping mapping;
  firmware::Program program;
  const firmware::LayerPlacement& layer() const { return mapping.layers.front(); }
};

inline OneLayer compile_one_layer(const workloads::Graph& graph, const firmware::ChipGeometry& chip,
                                  bool inputs_preloaded = false, bool outputs_kept = false) {
  OneLayer o;
  o.mapping = firmware::map_model(chip::layer_shapes(graph), chip, firmware::Replication::none);
  firmware::ModelProgramOptions options = chip::model_program_options(chip::default_chip_config(), 1, false);
  options.inputs_preloaded = inputs_preloaded;
  options.outputs_kept = outputs_kept;
  o.program = firmware::compile_model(graph, o.mapping, options).program;
  return o;
}

}  // namespace imcsim::test
