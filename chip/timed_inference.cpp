#include "chip/timed_inference.h"

#include <tlm_utils/simple_initiator_socket.h>

#include <exception>
#include <map>
#include <string>
#include <vector>

#include "base/errors.h"
#include "base/statistics.h"
#include "chip/chip.h"
#include "cores/core.h"
#include "workloads/reference_executor.h"

namespace imcsim::chip {

namespace {

using Socket = tlm_utils::simple_initiator_socket_tagged<sc_core::sc_module>;

/// The analog engine whose tile reads are MVM commands to the tiles' cores, issued from a SystemC thread.
class CoreDrivenEngine : public AnalogEngine {
 public:
  CoreDrivenEngine(const AnalogEngine& engine, std::vector<std::unique_ptr<Socket>>& sockets)
      : AnalogEngine(engine), m_sockets(sockets) {}

  std::int64_t commands() const { return m_commands; }
  std::int64_t vectors() const { return m_vectors; }

 protected:
  void read_tile(const TileNumerics& tile, const hw::BatchMatrix& x, const hw::ReadId& read,
                 hw::BatchMatrix& y) const override {
    cores::CoreCommandExtension extension;
    extension.command.op = cores::CoreOp::mvm;
    extension.command.rows = tile.tile().rows;
    extension.command.cols = tile.tile().cols;
    extension.command.vectors = static_cast<int>(x.rows());
    extension.command.input = &x;
    extension.command.output = &y;
    extension.command.read = read;
    tlm::tlm_generic_payload payload;
    payload.set_command(tlm::TLM_WRITE_COMMAND);
    payload.set_address(cores::Core::address_of(tile.tile().core));
    payload.set_data_ptr(nullptr);
    payload.set_data_length(0);
    payload.set_extension(&extension);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    (*m_sockets[static_cast<std::size_t>(tile.tile().core)])->b_transport(payload, delay);
    payload.clear_extension(&extension);
    if (payload.get_response_status() != tlm::TLM_OK_RESPONSE) {
      throw ParameterError("cores",
                           "core " + std::to_string(tile.tile().core) + " rejected an MVM command: " + extension.error);
    }
    sc_core::wait(delay);
    m_commands += 1;
    m_vectors += x.rows();
  }

 private:
  std::vector<std::unique_ptr<Socket>>& m_sockets;
  mutable std::int64_t m_commands = 0;  ///< one SystemC thread issues every command
  mutable std::int64_t m_vectors = 0;
};

/// The initiator: runs the graph in one SystemC thread (the executor on one host thread).
class Driver : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Driver);
  Driver(const sc_core::sc_module_name& name, int cores, const workloads::Graph& graph, const AnalogEngine& engine,
         const hw::BatchMatrix& images, std::uint64_t first_image)
      : sc_module(name), m_graph(graph), m_images(images), m_first_image(first_image) {
    for (int i = 0; i < cores; ++i) {
      m_sockets.push_back(std::make_unique<Socket>(("core_socket_" + std::to_string(i)).c_str()));
    }
    m_engine = std::make_shared<CoreDrivenEngine>(engine, m_sockets);
    SC_THREAD(run);
    // The executor's call chain (graph walk, Eigen, the GEMM backend) needs more than a coroutine's default stack.
    set_stack_size(64u << 20);
  }

  Socket& socket(int core) { return *m_sockets[static_cast<std::size_t>(core)]; }
  TimedInferenceResult result() {
    if (m_error) std::rethrow_exception(m_error);
    return m_result;
  }

 private:
  void run() {
    try {
      m_result.outputs = workloads::ReferenceExecutor(m_graph, m_engine).run(m_images, 1, m_first_image);
      m_result.mvm_commands = m_engine->commands();
      m_result.mvm_vectors = m_engine->vectors();
      m_result.simulated_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
    } catch (...) {
      m_error = std::current_exception();
    }
  }

  const workloads::Graph& m_graph;
  const hw::BatchMatrix& m_images;
  std::uint64_t m_first_image;
  std::vector<std::unique_ptr<Socket>> m_sockets;
  std::shared_ptr<CoreDrivenEngine> m_engine;
  TimedInferenceResult m_result;
  std::exception_ptr m_error;
};

}  // namespace

TimedInferenceResult run_on_timed_cores(const ChipConfig& config, const workloads::Graph& graph,
                                        const AnalogEngine& engine, const hw::BatchMatrix& images,
                                        std::uint64_t first_image) {
  std::map<int, const TileNumerics*> tile_on_core;
  for (const AnalogEngine::Layer& layer : engine.layers()) {
    for (const TileNumerics& t : layer.tiles) tile_on_core[t.tile().core] = &t;
  }
  StatisticsRegistry stats;
  const cores::CoreParams params = core_params(config);
  std::vector<std::unique_ptr<cores::Core>> cores;
  for (int i = 0; i < config.cores.count; ++i) {
    std::unique_ptr<cores::CoreNumerics> numerics;
    if (const auto it = tile_on_core.find(i); it != tile_on_core.end()) {
      numerics = std::make_unique<TileCoreNumerics>(*it->second);
    }
    cores.push_back(
        std::make_unique<cores::Core>(("core" + std::to_string(i)).c_str(), i, params, stats, std::move(numerics)));
  }
  Driver driver("driver", config.cores.count, graph, engine, images, first_image);
  for (int i = 0; i < config.cores.count; ++i) driver.socket(i).bind(cores[static_cast<std::size_t>(i)]->socket);
  sc_core::sc_start();
  return driver.result();
}

}  // namespace imcsim::chip
