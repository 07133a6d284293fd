// A model on a chip from code, through the run library (runner/run.h): the zoo's MLP on the HERMES preset, its
// top-1 one day after programming, its latency and its energy per inference.
#include <cstdio>

#include "chip/chip_config.h"
#include "runner/run.h"

extern "C" int sc_main(int, char*[]) {  // Debian's libsystemc owns main() and calls this
  imcsim::runner::RunRequest request;
  request.chip = imcsim::chip::load_chip_config("hermes64");
  request.model = "mlp";
  request.images = 500;
  request.drift_times_s = {86400.0};
  const imcsim::runner::RunResult r = imcsim::runner::run(request);
  std::printf("mlp: top-1 %.4f after 1 day (FP32 %.4f), %.1f ns and %.4f uJ per inference\n",
              r.accuracy->result.analog[0].top1, r.accuracy->result.fp32_top1, r.timed.timing.per_inference_ns,
              r.timed.timing.energy_per_inference_pj * 1e-6);
  return 0;
}
