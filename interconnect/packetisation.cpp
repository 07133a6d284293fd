#include "interconnect/packetisation.h"

#include "base/errors.h"

namespace imcsim::interconnect {

std::int64_t message_flits(std::int64_t bits, int link_width_bits) {
  if (bits < 0) throw ParameterError("message.bits", "a message cannot have " + std::to_string(bits) + " bits");
  if (link_width_bits < 1) {
    throw ParameterError("interconnect.link_width_bits", "must be >= 1, got " + std::to_string(link_width_bits));
  }
  if (bits == 0) return 1;
  return (bits + link_width_bits - 1) / link_width_bits;
}

std::vector<int> packetise(std::int64_t bits, const NetworkConfig& config) {
  validate(config);
  std::int64_t remaining = message_flits(bits, config.link_width_bits);
  std::vector<int> packets;
  packets.reserve(static_cast<std::size_t>((remaining + config.max_packet_flits - 1) / config.max_packet_flits));
  while (remaining > 0) {
    const std::int64_t size = remaining < config.max_packet_flits ? remaining : config.max_packet_flits;
    packets.push_back(static_cast<int>(size));
    remaining -= size;
  }
  return packets;
}

}  // namespace imcsim::interconnect
