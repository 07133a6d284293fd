#pragma once
// The on-chip network as a SystemC module: a TLM-2.0 target socket that accepts transfers between nodes
// (a tlm_generic_payload WRITE with a TransferExtension) and returns when, or annotates the delay until, the
// last flit has arrived. Two modes (interconnect.mode):
//   lt  loosely timed: every transfer reserves the links of its route (interconnect/link_reservations.h) and
//       b_transport returns at once with the delay annotated;
//   at  approximately timed: transfers are cut into packets that a cycle-driven flit-level wormhole network
//       (interconnect/flit_network.h) moves with its router pipelines, credits and arbitration; b_transport
//       waits until the last flit has arrived and returns with zero delay. A clocked thread steps the flit
//       network only while packets are in flight (idle cycles are counted, not evaluated router by router).
// Energy is bit-hops times the technology table's link and router energy per bit ("<name>.energy_network_pj").

#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <map>
#include <memory>
#include <vector>

#include "base/statistics.h"
#include "hw/technology.h"
#include "interconnect/flit_network.h"
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
  /// lt mode: its link bookings are links().bookings()[first_booking, first_booking + bookings)
  std::size_t first_booking = 0;
  std::size_t bookings = 0;
};

class Network : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Network> socket;

  Network(const sc_core::sc_module_name& name, const NetworkConfig& config, const hw::TechnologyTable& technology,
          StatisticsRegistry& stats);

  const LinkReservations& links() const { return m_links; }
  const std::vector<TransferInterval>& transfers() const { return m_transfers; }
  /// Records transfers and, in lt mode, every link booking (links().bookings()).
  void record_transfers(bool on) {
    m_record = on;
    m_links.record_bookings(on);
  }

 private:
  struct Message {
    int packets_left = 0;
    double head_ns = -1;
    double tail_ns = 0;
    double bit_hops = 0;
    sc_core::sc_event done;
  };

  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  /// at mode: moves the message through the flit network; returns when its last flit has arrived.
  TransferResult transfer_flits(const TransferExtension& t);
  /// at mode: the clocked thread that steps the flit network while packets are in flight.
  void run_flits();
  /// Steps the flit network up to the cycle of the current kernel time.
  void catch_up();

  LinkReservations m_links;
  std::unique_ptr<FlitNetwork> m_flits;
  double m_cycle_ns = 0;
  std::uint64_t m_next_message = 0;
  std::map<std::uint64_t, Message*> m_messages;
  sc_core::sc_event m_injected;
  std::vector<DeliveredPacket> m_delivered;  ///< scratch of run_flits (a member: that thread never returns)
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
