#pragma once
// Post-training range calibration of a mapped model (Lammie et al., arXiv:2401.09859; docs/calibration.md): per
// physical tile, the DAC input range beta (inputs are clipped at +-beta, in the layer's input units, then quantised;
// the digital unit multiplies the tile's partial sum back by beta before partial sums are added) and the ADC full
// scale, and per column of a tile the conductance-range factor kappa (the column is mapped at kappa x max|W_c|, so
// kappa < 1 saturates its largest weights at g_max for a finer resolution of the rest; the digital unit rescales
// the output). Plain C++.
//
// A value a file leaves out keeps the default: the layer's 99th-percentile input scale (chip/analog_model.h), the
// ADC range of compiler.adc_range, kappa 1. `imcsim calibrate` writes the file, `imcsim run --calibration FILE`
// and sweeps read it; the accuracy path and the timed cores read the same tiles (chip/tile_numerics.h).
//
// File (YAML, version 1):
//   imcsim_range_calibration: 1
//   model: cnn                 # the graph's name
//   chip: hermes64             # the chip config's name
//   method: both               # columns | dac | both (provenance)
//   objective: mse             # mse | loss (provenance)
//   mode: offline              # offline | on_chip (provenance)
//   seed: 1                    # provenance: the noise seeds' base
//   layers:
//     - name: conv1            # the weight layer's name (firmware::LayerShape::name)
//       tiles:
//         - row_tile: 0
//           col_tile: 0
//           replica: 0         # optional: absent means every replica of this tile
//           rows: 25           # the tile's size, checked against the mapping
//           cols: 16
//           input_range: 2.5   # optional, > 0
//           adc_range: 0.75    # optional, > 0 (normalised output units)
//           column_kappa: [1.0, 0.9, ...]   # optional: cols entries in (0, 1]
//
// Contract: load_range_calibration throws InputError (file, line, column, key) for a malformed file, a missing or
// unknown key, a wrong version, an out-of-range value; resolve() throws InputError naming the file, the layer and
// the tile when the file does not fit the model's mapping (unknown or missing layer, tile outside the layer's
// tiles, rows/cols or column_kappa length that differ, a tile given twice, or a tile of the mapping that no entry
// covers: a file names every tile, so a truncated one cannot pass), and when input ranges are given while the
// chip's noise.input_scaling is abs_max (no fixed DAC range). Required keys: imcsim_range_calibration, model,
// chip, layers, and per layer name and tiles, per tile row_tile, col_tile, rows, cols. The file's model and chip
// are provenance: the fit is checked by layer name and tile. to_yaml(load(f)) reproduces the values exactly.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chip/chip_config.h"
#include "firmware/model_mapping.h"

namespace imcsim::chip {

struct TileRanges {
  int row_tile = 0;
  int col_tile = 0;
  int replica = -1;  ///< -1: every replica
  int rows = 0;
  int cols = 0;
  std::optional<float> input_range;  ///< beta, layer input units
  std::optional<float> adc_range;    ///< ADC full scale, normalised output units
  std::vector<float> column_kappa;   ///< empty: all 1
  int line = 0;                      ///< the entry's line in its file (0: built in code), for errors
};

struct LayerRanges {
  std::string name;
  std::vector<TileRanges> tiles;
  int line = 0;  ///< the entry's line in its file (0: built in code), for errors
};

struct RangeCalibration {
  std::string model;
  std::string chip;
  std::string method = "both";
  std::string objective = "mse";
  std::string mode = "offline";
  std::uint64_t seed = 0;
  std::vector<LayerRanges> layers;
};

RangeCalibration load_range_calibration(const std::string& path);
/// Parses YAML text (tests); `name` stands for the file in messages.
RangeCalibration parse_range_calibration(const std::string& yaml_text, const std::string& name);
std::string to_yaml(const RangeCalibration& calibration);

/// The values for one tile of the mapping, defaults left empty.
struct ResolvedTile {
  std::optional<float> input_range;
  std::optional<float> adc_range;
  std::vector<float> column_kappa;  ///< empty or the tile's cols entries
};
/// Per weight layer, per tile of LayerPlacement::tiles (replica-major, mapping order): what the file gives.
using ResolvedRanges = std::vector<std::vector<ResolvedTile>>;
/// `file` names the source in errors.
ResolvedRanges resolve(const RangeCalibration& calibration, const firmware::ModelMapping& mapping,
                       const ChipConfig& config, const std::string& file);

}  // namespace imcsim::chip
