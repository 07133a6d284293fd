#include "firmware/replication_names.h"

namespace imcsim::firmware {

const NameTable<Replication>& replication_names() {
  static const NameTable<Replication> table{
      {Replication::none, "none"}, {Replication::balance, "balance"}, {Replication::fill, "fill"}};
  return table;
}

}  // namespace imcsim::firmware
