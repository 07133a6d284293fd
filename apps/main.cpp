// The imcsim command line. Debian's libsystemc provides main() and calls sc_main(), so this is the entry.

#include <malloc.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <csignal>

#include <cstdlib>
#include <iostream>

#include "apps/commands.h"
#include "base/errors.h"
#include "hw/gemm_backend.h"

// SystemC declares the entry with C linkage (sc_externs.h); repeated here to keep <systemc> out of this file.
extern "C" int sc_main(int argc, char* argv[]);

namespace {
// SystemC prints its banner before sc_main runs; only an environment variable set during static
// initialisation keeps the output of imcsim free of it.
const int systemc_banner_off = setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
}  // namespace

int sc_main(int argc, char* argv[]) {
  static_cast<void>(systemc_banner_off);
  // A child of another imcsim (base/child_process.h) is killed when that process ends, however it ends.
  if (const char* parent = std::getenv("IMCSIM_DIE_WITH_PARENT")) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != std::atoi(parent)) return 3;  // the parent died before prctl took effect
  }
  // Keep freed buffers in the heap: the accuracy path allocates and frees megabyte activations per chunk, and
  // returning them to the kernel each time costs a page fault per page on the next use.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  mallopt(M_ARENA_MAX, 1);
  imcsim::hw::use_single_threaded_gemm();
  CLI::App app{"imcsim: a SystemC/TLM-2.0 simulator of analog in-memory-computing chips", "imcsim"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "imcsim " IMCSIM_VERSION);
  int exit_code = 0;
  imcsim::apps::add_device_command(app, exit_code);
  imcsim::apps::add_bench_command(app, exit_code);
  imcsim::apps::add_demo_command(app, exit_code);
  imcsim::apps::add_config_command(app, exit_code);
  imcsim::apps::add_chip_command(app, exit_code);
  imcsim::apps::add_layer_command(app, exit_code);
  imcsim::apps::add_compile_command(app, exit_code);
  imcsim::apps::add_validate_command(app, exit_code);
  imcsim::apps::add_noc_command(app, exit_code);
  imcsim::apps::add_dataset_command(app, exit_code);
  imcsim::apps::add_model_command(app, exit_code);
  imcsim::apps::add_eval_command(app, exit_code);
  imcsim::apps::add_train_command(app, exit_code);
  imcsim::apps::add_run_command(app, exit_code);
  imcsim::apps::add_calibrate_command(app, exit_code);
  imcsim::apps::add_trace_command(app, exit_code);
  imcsim::apps::add_regress_command(app, exit_code);
  imcsim::apps::add_sweep_command(app, exit_code);
  imcsim::apps::add_rla_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version succeed; every other parse error is bad input (exit 2), whatever CLI11's own code.
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const imcsim::Error& e) {
    std::cerr << "imcsim: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "imcsim: internal error: " << e.what() << "\n";
    return 3;
  }
  return exit_code;
}
