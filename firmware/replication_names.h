#pragma once
// The names of the replication policies (compiler.replication, imcsim compile --replication).

#include "base/name_table.h"
#include "firmware/model_mapping.h"

namespace imcsim::firmware {

/// none, balance, fill.
const NameTable<Replication>& replication_names();

}  // namespace imcsim::firmware
