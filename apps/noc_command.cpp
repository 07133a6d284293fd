// imcsim noc: synthetic traffic on the configured network (flit-level wormhole model), latency and throughput
// per injection rate (JSON).

#include <iostream>
#include <nlohmann/json.hpp>

#include "apps/chip_options.h"
#include "apps/commands.h"
#include "base/errors.h"
#include "interconnect/traffic.h"

namespace imcsim::apps {

namespace {
struct NocOptions {
  ChipOptions chip;
  std::string traffic = "uniform";
  std::string rates = "0.01,0.02,0.04";
  std::string topology;
  interconnect::TrafficConfig config;
};
}  // namespace

void add_noc_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<NocOptions>();
  CLI::App* cmd = app.add_subcommand("noc", "Synthetic traffic on the on-chip network: latency and throughput (JSON)");
  add_chip_options(cmd, o->chip);
  cmd->add_option("--traffic", o->traffic, "uniform | transpose | hotspot | neighbour")->capture_default_str();
  cmd->add_option("--rates", o->rates, "Injection rates, packets per cycle per node, comma-separated")
      ->capture_default_str();
  cmd->add_option("--packet-flits", o->config.packet_flits, "Flits per packet")->capture_default_str();
  cmd->add_option("--cycles", o->config.measure_cycles, "Measured cycles per rate")->capture_default_str();
  cmd->add_option("--warmup", o->config.warmup_cycles, "Warm-up cycles per rate")->capture_default_str();
  cmd->add_option("--drain-limit", o->config.drain_limit_cycles, "Most cycles to drain after measuring")
      ->capture_default_str();
  cmd->add_option("--hotspot-fraction", o->config.hotspot_fraction, "Share of packets to the hotspot")
      ->capture_default_str();
  cmd->add_option("--topology", o->topology, "Override interconnect.topology: mesh | torus | neighbour");
  cmd->callback([o, &exit_code]() {
    ChipOptions chip = o->chip;
    if (!o->topology.empty()) chip.overrides.push_back("interconnect.topology=" + o->topology);
    const chip::ChipConfig config = chip.load();
    interconnect::TrafficConfig traffic = o->config;
    traffic.pattern = interconnect::parse_traffic_pattern(o->traffic);
    traffic.rates = interconnect::parse_rates(o->rates);
    traffic.seed = config.sim.seed;
    traffic.link_bit_energy_pj = config.technology.link_bit_energy_pj;
    traffic.router_bit_energy_pj = config.technology.router_bit_energy_pj;
    interconnect::validate(traffic, config.interconnect);
    std::cout << interconnect::to_json(interconnect::run_synthetic_traffic(config.interconnect, traffic)).dump(2)
              << "\n";
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
