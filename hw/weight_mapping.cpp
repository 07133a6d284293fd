#include "hw/weight_mapping.h"

#include <algorithm>

#include "base/check.h"

namespace imcsim::hw {

const NameTable<MappingScale>& mapping_scale_names() {
  static const NameTable<MappingScale> table{{MappingScale::per_column, "per_column"},
                                             {MappingScale::per_array, "per_array"}};
  return table;
}

void validate_mapping(const MappingConfig& config, float g_max_us) {
  require_in_range("mapping.devices_per_polarity", config.devices_per_polarity, 1, 16);
  require_non_negative("mapping.g_min_us", config.g_min_us);
  if (config.g_min_us >= g_max_us) {
    throw ParameterError("mapping.g_min_us", "must be below the device's g_max (" + std::to_string(g_max_us) + " uS)");
  }
  require_non_negative("mapping.weight_clip", config.weight_clip);
  require_in_range("mapping.stuck_off_probability", config.stuck_off_probability, 0.0, 1.0);
  require_in_range("mapping.stuck_on_probability", config.stuck_on_probability, 0.0, 1.0);
  if (config.stuck_off_probability + config.stuck_on_probability > 1.0f) {
    throw ParameterError("mapping.stuck_on_probability", "stuck-off plus stuck-on probability exceeds 1");
  }
}

Vector mapping_scales(const WeightMatrix& weights, const MappingConfig& config) {
  Vector scales = weights.cwiseAbs().colwise().maxCoeff().transpose();
  if (config.weight_clip > 0) scales = scales.cwiseMin(config.weight_clip);
  if (config.scale == MappingScale::per_array) scales.setConstant(scales.size() > 0 ? scales.maxCoeff() : 1.0f);
  // An all-zero column keeps scale 1 so that it maps to g_min and reads back as zero.
  for (Eigen::Index j = 0; j < scales.size(); ++j) {
    if (!(scales[j] > 0)) scales[j] = 1.0f;
  }
  return scales;
}

WeightMatrix normalise_weights(const WeightMatrix& weights, const Vector& scales, const MappingConfig& config) {
  WeightMatrix u = weights;
  if (config.weight_clip > 0) u = u.cwiseMax(-config.weight_clip).cwiseMin(config.weight_clip);
  u.array().rowwise() /= scales.transpose().array();
  return u.cwiseMax(-1.0f).cwiseMin(1.0f);
}

}  // namespace imcsim::hw
