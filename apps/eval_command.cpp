// imcsim eval: FP32 reference accuracy of an ONNX model on a data set (JSON).

#include <iostream>
#include <nlohmann/json.hpp>

#include "apps/commands.h"
#include "base/errors.h"
#include "workloads/dataset.h"
#include "workloads/model_zoo.h"
#include "workloads/onnx_import.h"
#include "workloads/reference_executor.h"

namespace imcsim::apps {

namespace {
struct EvalOptions {
  std::string model;
  std::string dataset = "fashion-mnist";
  int images = 0;
  int threads = 1;
};
}  // namespace

void add_eval_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand("eval", "FP32 reference accuracy of an ONNX model on a data set (JSON)");
  cmd->add_option("--model", o->model, "A zoo model's name (e.g. cnn-hwa) or an .onnx file")->required();
  cmd->add_option("--dataset", o->dataset, "fashion-mnist, fashion-mnist:train, or a data set YAML file")
      ->capture_default_str();
  cmd->add_option("--images", o->images, "At most this many images (0: all)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--threads", o->threads, "Worker threads")->check(CLI::Range(1, 256))->capture_default_str();
  cmd->callback([o, &exit_code]() {
    const workloads::ReferenceExecutor exec(workloads::import_onnx(workloads::resolve_model(o->model)));
    const workloads::Dataset d = workloads::load_dataset(o->dataset, o->images);
    workloads::check_dataset_fits(exec.graph(), d, o->model);
    const hw::BatchMatrix outputs = exec.run(d.samples, o->threads);
    nlohmann::ordered_json j;
    j["model"] = o->model;
    j["dataset"] = d.name;
    j["images"] = d.size();
    j["top1"] = workloads::top1(outputs, d.labels);
    std::cout << j.dump(2) << "\n";
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
