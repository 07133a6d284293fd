#pragma once
// Packetisation: a message of some bits becomes flits of one link width each, split into packets of at most
// max_packet_flits flits. Every packet is routed on its own (its head flit carries the route); there is no
// separate header flit.

#include <cstdint>
#include <vector>

#include "interconnect/network_config.h"

namespace imcsim::interconnect {

/// ceil(bits / link_width_bits), at least 1 (an empty message still sends one flit). Throws ParameterError
/// ("message.bits") for negative bits.
std::int64_t message_flits(std::int64_t bits, int link_width_bits);

/// Sizes in flits of the packets of a message of `bits`: full packets of config.max_packet_flits, then the
/// remainder. Their sum is message_flits(bits, config.link_width_bits).
std::vector<int> packetise(std::int64_t bits, const NetworkConfig& config);

}  // namespace imcsim::interconnect
