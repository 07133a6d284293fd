// Embedding imcsim models in another SystemC design (docs/embedding.md). One elaboration holds:
//   - a platform initiator of our own whose sockets drive a single imcsim core and a stand-alone imcsim network;
//   - a whole imcsim chip built from the hermes64 preset, running a small program on its own controller.
// Exits non-zero if a figure is not the one the HERMES preset stands for.

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <cmath>
#include <cstdio>
#include <exception>

#include "base/statistics.h"
#include "chip/chip.h"
#include "chip/chip_config.h"
#include "cores/core.h"
#include "cores/core_command.h"
#include "firmware/program.h"
#include "interconnect/network.h"

namespace {

using imcsim::cores::Core;
using imcsim::cores::CoreCommandExtension;
using imcsim::cores::CoreOp;
using imcsim::interconnect::TransferExtension;

// Stands for the architect's own platform: a processor or DMA that talks to the accelerator over TLM-2.0.
class PlatformInitiator : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<PlatformInitiator> core_socket;
  tlm_utils::simple_initiator_socket<PlatformInitiator> network_socket;

  double mvm_delay_ns = -1;
  double transfer_delay_ns = -1;

  SC_HAS_PROCESS(PlatformInitiator);
  explicit PlatformInitiator(const sc_core::sc_module_name& name)
      : sc_module(name), core_socket("core_socket"), network_socket("network_socket") {
    SC_THREAD(run);
  }

 private:
  void run() {
    // One full 256 x 256 MVM on core 0: a WRITE to the core's command register with the command attached.
    CoreCommandExtension command;
    command.command.op = CoreOp::mvm;  // rows = cols = 0: the whole array
    command.command.vectors = 1;
    tlm::tlm_generic_payload payload;
    payload.set_command(tlm::TLM_WRITE_COMMAND);
    payload.set_address(Core::address_of(0));
    payload.set_data_ptr(nullptr);
    payload.set_data_length(0);
    payload.set_extension(&command);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    core_socket->b_transport(payload, delay);
    payload.clear_extension(&command);  // the extension lives on our stack, not in the payload
    if (payload.get_response_status() == tlm::TLM_OK_RESPONSE) mvm_delay_ns = delay.to_seconds() * 1e9;

    // 256 bytes (one output vector) from node 0 to node 9 over the network.
    TransferExtension transfer;
    transfer.src = 0;
    transfer.dst = 9;
    transfer.bits = 256 * 8;
    tlm::tlm_generic_payload move;
    move.set_command(tlm::TLM_WRITE_COMMAND);
    move.set_extension(&transfer);
    delay = sc_core::SC_ZERO_TIME;
    network_socket->b_transport(move, delay);
    move.clear_extension(&transfer);
    if (move.get_response_status() == tlm::TLM_OK_RESPONSE) transfer_delay_ns = delay.to_seconds() * 1e9;
  }
};

constexpr char tiny_program[] =
    "program embed_demo\n"
    "core 0: load bytes=256\n"
    "core 0: mvm rows=256 cols=256 vectors=4\n"
    "core 0: act elements=256\n"
    "core 0: send to=1 bytes=256 tag=x\n"
    "core 1: recv from=0 tag=x\n"
    "core 1: mvm rows=256 cols=128\n"
    "core 1: store bytes=128\n";

int run() {
  const imcsim::chip::ChipConfig defaults = imcsim::chip::default_chip_config();

  // (a) One core and one network driven by our own initiator.
  imcsim::StatisticsRegistry platform_stats;
  Core core("my_core", 0, imcsim::chip::core_params(defaults), platform_stats);
  imcsim::interconnect::Network network("my_network", defaults.interconnect, defaults.technology, platform_stats);
  PlatformInitiator platform("platform");
  platform.core_socket.bind(core.socket);
  platform.network_socket.bind(network.socket);

  // (b) The whole chip from a preset, executing a program on its controller.
  const imcsim::chip::ChipConfig config = imcsim::chip::load_chip_config("hermes64");
  const imcsim::firmware::Program program = imcsim::firmware::parse_program(tiny_program, "embed_demo");
  imcsim::StatisticsRegistry chip_stats;
  imcsim::chip::Chip chip("chip", config, program, chip_stats);

  sc_core::sc_start();
  chip.controller().rethrow_error();

  const double mvm_energy_pj = platform_stats.get("my_core.energy_array_pj").value +
                               platform_stats.get("my_core.energy_adc_pj").value +
                               platform_stats.get("my_core.energy_dac_pj").value;
  const double chip_energy_pj = chip_stats.sum_suffix("_pj");
  std::printf("presets: %s\n", imcsim::chip::preset_directory().c_str());
  std::printf("core mvm: delay %.1f ns, array+adc+dac energy %.1f pJ\n", platform.mvm_delay_ns, mvm_energy_pj);
  std::printf("network transfer 0 -> 9 (2048 bits): delay %.1f ns, energy %.1f pJ\n", platform.transfer_delay_ns,
              platform_stats.get("my_network.energy_network_pj").value);
  std::printf("chip %s (%d cores): program %s finished at %.1f ns, energy %.1f pJ\n", chip.config().name.c_str(),
              chip.core_count(), program.name.c_str(), chip.controller().finish_ns(), chip_energy_pj);

  int failures = 0;
  auto expect = [&failures](bool ok, const char* what) {
    if (!ok) {
      std::fprintf(stderr, "imcsim_embed: FAILED: %s\n", what);
      ++failures;
    }
  };
  expect(std::fabs(platform.mvm_delay_ns - 133.0) < 1e-6, "one-phase MVM takes 133 ns");
  expect(std::fabs(mvm_energy_pj - 13400.0) < 1.0, "one MVM costs 13.4 nJ (array + ADC + PWM)");
  expect(platform.transfer_delay_ns > 0, "the network transfer took time");
  expect(chip.core_count() == 64, "hermes64 has 64 cores");
  // Core 0 alone needs four MVMs and 256 outputs through its 400 MHz digital unit before it can send.
  expect(chip.controller().finish_ns() > 4 * 133.0 + 256 * 2.5, "the program's critical path");
  expect(chip_energy_pj > 4 * 13400.0, "the chip paid for its four full MVMs");
  if (failures == 0) std::printf("imcsim_embed: OK\n");
  return failures == 0 ? 0 : 1;
}

}  // namespace

int sc_main(int, char*[]) {
  try {
    return run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "imcsim_embed: %s\n", e.what());
    return 2;
  }
}
