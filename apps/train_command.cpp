// imcsim train: train a model of the zoo on Fashion-MNIST and write it as ONNX (JSON summary on stdout, progress
// on stderr).

#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "apps/commands.h"
#include "workloads/dataset.h"
#include "workloads/mlp_trainer.h"
#include "workloads/onnx_export.h"
#include "workloads/reference_executor.h"

namespace imcsim::apps {

namespace {
struct TrainOptions {
  std::string model = "mlp";
  std::string out;
  int train_images = 0;
  workloads::MlpTrainingConfig mlp;
};
}  // namespace

void add_train_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* cmd = app.add_subcommand("train", "Train a zoo model on Fashion-MNIST and write it as ONNX");
  cmd->add_option("--model", o->model, "Model kind")->check(CLI::IsMember({"mlp"}))->capture_default_str();
  cmd->add_option("--out", o->out, "The .onnx file to write")->required();
  cmd->add_option("--epochs", o->mlp.epochs, "Epochs")->check(CLI::Range(1, 100000))->capture_default_str();
  cmd->add_option("--batch", o->mlp.batch, "Minibatch size")->check(CLI::Range(1, 1 << 20))->capture_default_str();
  cmd->add_option("--lr", o->mlp.learning_rate, "Adam learning rate")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--seed", o->mlp.seed, "Seed of initialisation and shuffling")->capture_default_str();
  cmd->add_option("--train-images", o->train_images, "Train on at most this many images (0: all 60,000)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([o, &exit_code]() {
    const auto start = std::chrono::steady_clock::now();
    const workloads::Dataset train = workloads::load_fashion_mnist("train", o->train_images);
    const workloads::Dataset test = workloads::load_fashion_mnist("test");
    const workloads::Graph g = workloads::train_mlp(o->mlp, train, [&](const workloads::EpochReport& r) {
      std::fprintf(stderr, "epoch %d/%d  loss %.4f  train accuracy %.4f\n", r.epoch, o->mlp.epochs, r.loss,
                   r.train_accuracy);
    });
    const double top1 = workloads::top1(workloads::ReferenceExecutor(g).run(test.samples, 2), test.labels);
    workloads::export_onnx(g, o->out);
    nlohmann::ordered_json j;
    j["model"] = o->model;
    j["out"] = o->out;
    j["epochs"] = o->mlp.epochs;
    j["seed"] = o->mlp.seed;
    j["train_images"] = train.size();
    j["parameters"] = g.parameter_count();
    j["test_images"] = test.size();
    j["test_top1"] = top1;
    j["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << j.dump(2) << "\n";
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
