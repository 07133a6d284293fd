#pragma once
// Weight-to-conductance mapping of inference arrays: differential pairs with N devices per polarity.
//
// A weight w of column j is first clipped to +-clip (when clip > 0), normalised by its scale
// s (per array: max |w| of the array; per column: max |w| of the column) to u = w / s in [-1, 1], and then
// programmed as G+ = g_min + max(u, 0) * (g_max - g_min) and G- = g_min + max(-u, 0) * (g_max - g_min) on
// each of the N devices of each polarity. Reading back: u = sum(G+ - G-) / (N * (g_max - g_min)).

#include "base/name_table.h"
#include "hw/types.h"

namespace imcsim::hw {

/// mapping.scale: what a weight is normalised by.
enum class MappingScale {
  per_column,  ///< max |w| of its column
  per_array,   ///< max |w| of the array
};
/// per_column, per_array.
const NameTable<MappingScale>& mapping_scale_names();

struct MappingConfig {
  int devices_per_polarity = 1;
  float g_min_us = 0.0f;  ///< conductance of a device that holds no weight
  MappingScale scale = MappingScale::per_column;
  float weight_clip = 0.0f;            ///< clip |w| to this before mapping; 0: no clipping
  float stuck_off_probability = 0.0f;  ///< chance that a device is stuck at 0 uS
  float stuck_on_probability = 0.0f;   ///< chance that a device is stuck at g_max
};

/// Validates a mapping against a device of conductance range [0, g_max_us]; throws ParameterError
/// ("mapping.<field>").
void validate_mapping(const MappingConfig& config, float g_max_us);

/// Per-column scales s_j (> 0) of `weights` under `config` (all equal for per_array).
Vector mapping_scales(const WeightMatrix& weights, const MappingConfig& config);

/// u = clip(w) / s per column, clipped to [-1, 1]: with a scale below its column's max |w| (a calibrated
/// conductance range), the larger weights saturate at +-1.
WeightMatrix normalise_weights(const WeightMatrix& weights, const Vector& scales, const MappingConfig& config);

}  // namespace imcsim::hw
