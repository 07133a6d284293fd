#pragma once
// The ADC kinds a core can have (adc.kind); each scales its costs differently (hw/technology.h).

#include "base/name_table.h"

namespace imcsim::hw {

enum class AdcKind {
  cco,    ///< current-controlled oscillator counting during the input pulse (HERMES): one count per LSB
  sar,    ///< successive approximation: one cycle per bit
  flash,  ///< one comparator per code: one step per conversion
  ramp,   ///< single-slope: one count per LSB after the pulse
};
/// cco, sar, flash, ramp.
const NameTable<AdcKind>& adc_kind_names();

}  // namespace imcsim::hw
