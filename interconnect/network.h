#pragma once
// The on-chip network as a SystemC module: a TLM-2.0 target socket that accepts transfers between nodes
// (a tlm_generic_payload WRITE with a TransferExtension) and annotates the delay until the last flit has
// arrived. The loosely timed mode reserves links (interconnect/link_reservations.h); energy is bit-hops times
// the technology table's link and router energy per bit, under "<name>.energy_network_pj".

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <vector>

#include "base/statistics.h"
#include "hw/technology.h"
#include "interconnect/link_reservations.h"

namespace imcsim::interconnect {

/// What to move: `bits` from node `src` to node `dst`.
class TransferExtension : public tlm::tlm_extension<TransferExtension> {
 public:
  int src = 0;
  int dst = 0;
  double bits = 0;
  double source_tail_ns = -1;  ///< streamed source: data produced until then (absolute ns)
  /// Absolute start (ns) when it lies before the initiator's local time (a stream that began producing in
  /// an earlier quantum); negative: start at the annotated time.
  double start_ns = -1;
  double head_arrival_ns = 0;  ///< filled in: first flit at the destination (absolute ns)
  double tail_arrival_ns = 0;  ///< filled in: last flit at the destination (absolute ns)
  tlm::tlm_extension_base* clone() const override { return new TransferExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const TransferExtension&>(other);
  }
};

/// A transfer as the timeline shows it.
struct TransferInterval {
  int src = 0;
  int dst = 0;
  double start_ns = 0;
  double end_ns = 0;
};

class Network : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Network> socket;

  Network(const sc_core::sc_module_name& name, const NetworkConfig& config, const hw::TechnologyTable& technology,
          StatisticsRegistry& stats);

  const LinkReservations& links() const { return m_links; }
  const std::vector<TransferInterval>& transfers() const { return m_transfers; }
  void record_transfers(bool on) { m_record = on; }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);

  LinkReservations m_links;
  double m_energy_per_bit_hop_pj;
  double m_released_ns = 0;
  bool m_record = false;
  std::vector<TransferInterval> m_transfers;
  Stat& m_count;
  Stat& m_bits;
  Stat& m_bit_hops;
  Stat& m_energy;
};

}  // namespace imcsim::interconnect
