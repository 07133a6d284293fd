// imcsim train: train a model of the zoo on Fashion-MNIST (char-lstm: on the fortunes corpus, scored in bits per
// character), optionally hardware-aware, or with --analog on the chip's pulsed arrays
// (analog_training/train_on_chip.h; then one minibatch timed on the chip with the measured activity,
// analog_training/measured_training_step.h), and write it as ONNX (JSON summary on stdout with the learning curve,
// progress on stderr: a live bar on a terminal, one line per epoch otherwise).

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "analog_training/measured_training_step.h"
#include "analog_training/pulsed_training_setup.h"
#include "analog_training/train_on_chip.h"
#include "apps/chip_options.h"
#include "apps/commands.h"
#include "apps/progress.h"
#include "base/durations.h"
#include "base/errors.h"
#include "firmware/training_step.h"
#include "workloads/onnx_export.h"
#include "workloads/onnx_import.h"
#include "workloads/reference_executor.h"
#include "workloads/training/pulsed_trainer.h"
#include "workloads/training/trainer.h"
#include "workloads/training/zoo_data.h"

namespace imcsim::apps {

namespace {

struct TrainOptions {
  std::string out;
  int train_images = 0;
  int train_sequences = 0;
  std::string weight_noise = "none";
  std::string weight_noise_time = "0";
  workloads::training::TrainingConfig config;
  // On the chip's pulsed arrays (--analog).
  bool analog = false;
  ChipOptions chip;
  workloads::training::PulsedTrainingConfig pulsed;
  std::string checkpoint;
};

/// Progress on stderr: a bar redrawn in place on a terminal (at most ten times a second), else a line per epoch.
class ProgressPrinter {
 public:
  ProgressPrinter() : m_terminal(isatty(fileno(stderr)) != 0) {}

  void operator()(const workloads::training::Progress& p) {
    const double done = static_cast<double>((p.epoch - 1) * p.batches + p.batch);
    const double total = static_cast<double>(p.epochs) * p.batches;
    const double eta = p.seconds / done * (total - done);
    const bool epoch_end = p.batch == p.batches;
    if (!m_terminal) {
      if (epoch_end) {
        std::fprintf(stderr, "epoch %d/%d  loss %.4f  train accuracy %.4f  elapsed %s  eta %s\n", p.epoch, p.epochs,
                     p.loss, p.accuracy, format_duration(p.seconds).c_str(), format_duration(eta).c_str());
      }
      return;
    }
    if (!epoch_end && p.seconds - m_last < 0.1) return;
    m_last = p.seconds;
    constexpr int width = 24;
    const int filled = p.batch * width / p.batches;
    std::fprintf(stderr, "\repoch %d/%d [%s%s] %d/%d  loss %.4f  acc %.4f  eta %s \x1b[K", p.epoch, p.epochs,
                 std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(width - filled), '.').c_str(), p.batch, p.batches, p.loss,
                 p.accuracy, format_duration(eta).c_str());
    if (epoch_end) std::fprintf(stderr, "\n");
  }

 private:
  bool m_terminal;
  double m_last = -1;
};

/// --train-images or --train-sequences, whichever the model reads.
int training_samples(const TrainOptions& o) {
  return workloads::training::is_text_model(o.config.model) ? o.train_sequences : o.train_images;
}

/// Refuses the option of the other kind of data than the model reads.
void check_data_options(const TrainOptions& o, const CLI::App& cmd) {
  const bool text = workloads::training::is_text_model(o.config.model);
  if (text && cmd.count("--train-images") > 0)
    throw ParameterError("--train-images", o.config.model + " reads text: use --train-sequences");
  if (!text && cmd.count("--train-sequences") > 0)
    throw ParameterError("--train-sequences", o.config.model + " reads images: use --train-images");
}

/// --analog: the zoo network trained on the chip's pulsed arrays; the shared options that the user gave replace
/// the pulsed defaults.
void train_on_chip(const TrainOptions& o, const CLI::App& cmd) {
  workloads::training::PulsedTrainingConfig p = o.pulsed;
  const workloads::training::TrainingConfig& c = o.config;
  if (cmd.count("--model") > 0) p.model = c.model;  // else the pulsed default, mlp
  p.epochs = c.epochs;
  p.seed = c.seed;
  p.threads = c.threads;
  p.init = c.init;
  p.dropout = c.dropout;
  if (cmd.count("--batch") > 0) p.batch = c.batch;
  if (cmd.count("--lr") > 0) p.learning_rate = c.optimizer.learning_rate;
  const chip::ChipConfig chip = o.chip.load();
  const analog_training::OnChipTrainingRequest request{analog_training::on_chip(p, chip), chip.name, o.out,
                                                       o.checkpoint, training_samples(o)};
  ProgressPrinter printer;
  nlohmann::ordered_json summary = analog_training::train_on_chip(request, printer);
  // The training-step compiler says which models it times (docs/training-step.md): the mlp and the lstm.
  if (firmware::training_step_supported(workloads::import_onnx(request.out))) {
    summary["training_step"] = analog_training::time_measured_training_step(chip, summary, "the run's summary");
  }
  std::cout << summary.dump(2) << "\n";
}

}  // namespace

void add_train_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<TrainOptions>();
  workloads::training::TrainingConfig& c = o->config;
  CLI::App* cmd = app.add_subcommand("train", "Train a zoo model on Fashion-MNIST and write it as ONNX");
  cmd->add_option("--model", c.model, "Model kind (with --analog: mlp by default)")
      ->check(CLI::IsMember(workloads::training::model_kinds()))
      ->capture_default_str();
  cmd->add_option("--out", o->out, "The .onnx file to write")->required();
  cmd->add_option("--epochs", c.epochs, "Epochs")->check(CLI::Range(1, 100000))->capture_default_str();
  cmd->add_option("--batch", c.batch, "Minibatch size")->check(CLI::Range(1, 1 << 20))->capture_default_str();
  cmd->add_option("--optimizer", c.optimizer.kind, "adam | sgd")
      ->check(CLI::IsMember(workloads::training::optimizer_kinds()))
      ->capture_default_str();
  cmd->add_option("--lr", c.optimizer.learning_rate, "Learning rate")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--momentum", c.optimizer.momentum, "SGD momentum")
      ->check(CLI::Range(0.0, 0.999999))
      ->capture_default_str();
  cmd->add_option("--weight-decay", c.optimizer.weight_decay, "L2 weight decay")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--schedule", c.schedule, "Learning-rate schedule: constant | cosine")
      ->check(CLI::IsMember(workloads::training::schedule_kinds()))
      ->capture_default_str();
  cmd->add_option("--seed", c.seed, "Seed of initialisation, shuffling and noise")->capture_default_str();
  cmd->add_option("--threads", c.threads, "Worker threads (the result does not depend on them)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--train-images", o->train_images, "Train on at most this many images (0: all 60,000)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--train-sequences", o->train_sequences,
                  "char-lstm: train on at most this many sequences of the corpus's training split (0: all)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--init", c.init, "Start from the weights of this .onnx file (as train writes them)");
  cmd->add_option("--dropout", c.dropout,
                  "Dropout probability after the hidden layers (mlp: both ReLUs; lstm: its output; char-lstm: each "
                  "LSTM's outputs), digital and with --analog")
      ->check(CLI::Range(0.0, 0.95))
      ->capture_default_str();
  // Hardware-aware training.
  cmd->add_option("--weight-noise", o->weight_noise,
                  "Weight noise in the forward pass: none | additive | pcm | pcm-hermes")
      ->check(CLI::IsMember({"none", "additive", "pcm", "pcm-hermes"}))
      ->capture_default_str();
  cmd->add_option("--weight-noise-std", c.hwa.weight_noise_std,
                  "additive: std relative to the layer's max |w|; pcm: scale of the PCM programming noise; "
                  "pcm-hermes: scale of the device's spreads")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--weight-noise-time", o->weight_noise_time,
                  "pcm-hermes: add drift and read noise at this time after programming, e.g. 1h, 1d (0: off)");
  cmd->add_option("--output-noise", c.hwa.output_noise, "Output noise std (units of input scale x max |w|)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--dac-bits", c.hwa.dac_bits, "Quantise the analog layers' inputs (0: off)")
      ->check(CLI::Range(0, 16));
  cmd->add_option("--adc-bits", c.hwa.adc_bits, "Quantise the analog layers' outputs (0: off)")
      ->check(CLI::Range(0, 16));
  cmd->add_option("--adc-range", c.hwa.adc_range, "ADC full scale (units of input scale x max |w|)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--clip-sigma", c.hwa.clip_sigma, "Clip weights to this many std of the layer (0: off)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--learn-input-range", c.hwa.learn_input_range, "Learn each analog layer's DAC input range");
  cmd->add_option("--input-range-decay", c.hwa.input_range_decay, "Decay of the learned input range")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  // On the chip's pulsed arrays.
  workloads::training::PulsedTrainingConfig& p = o->pulsed;
  CLI::Option* analog = cmd->add_flag(
      "--analog", o->analog,
      "Train on the chip's pulsed arrays (training_device section; docs/analog-training.md): SGD, batch 10 and "
      "lr 0.01 unless given");
  add_chip_options(cmd, o->chip);
  cmd->get_option("--chip")->needs(analog);
  cmd->get_option("--set")->needs(analog);
  cmd->add_flag("--zero-shift", p.layers.zero_shift,
                "Program each reference device to its device's symmetry point, found by pulsing")
      ->needs(analog);
  cmd->add_flag("--zero-shift-by-formula", p.layers.zero_shift_by_formula,
                "With --zero-shift: the analytic symmetry points instead of the found ones (for comparison)")
      ->needs("--zero-shift");
  cmd->add_option("--pulse-length", p.layers.update.pulse_length, "BL: pulse slots per update")
      ->check(CLI::Range(1, 1 << 16))
      ->capture_default_str()
      ->needs(analog);
  cmd->add_flag("--update-management", p.layers.update.update_management,
                "Balance the row and column pulse probabilities (sqrt(d_max / x_max))")
      ->needs(analog);
  cmd->add_flag("--bl-management", p.layers.update.bl_management, "Shorten BL to what lr max|x| max|d| / dw_min needs")
      ->needs(analog);
  cmd->add_option("--weight-scale", p.layers.weight_scale, "Network weight per device unit")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->needs(analog);
  cmd->add_option("--checkpoint", o->checkpoint,
                  "Write the training state here after every epoch; resume from it when it exists")
      ->needs(analog);
  for (const char* digital_only :
       {"--optimizer", "--momentum", "--weight-decay", "--schedule", "--weight-noise", "--weight-noise-std",
        "--weight-noise-time", "--output-noise", "--dac-bits", "--adc-bits", "--adc-range", "--clip-sigma",
        "--learn-input-range", "--input-range-decay"})
    cmd->get_option(digital_only)->excludes(analog);
  cmd->callback([o, cmd, &exit_code]() {
    check_data_options(*o, *cmd);
    if (o->analog) {
      train_on_chip(*o, *cmd);
      exit_code = 0;
      return;
    }
    workloads::training::TrainingConfig& config = o->config;
    config.hwa.weight_noise = workloads::training::parse_weight_noise(o->weight_noise);
    config.hwa.weight_noise_time_s = parse_duration_s(o->weight_noise_time, "--weight-noise-time");
    const auto start = std::chrono::steady_clock::now();
    const workloads::training::ZooData data(config.model, training_samples(*o));
    const workloads::training::TrainingSet& test = data.test();
    const std::string score = "test_" + test.score_name();
    workloads::training::Trainer trainer(config);
    ProgressPrinter printer;
    // The learning curve: the test set after every epoch (FP32, as the trainer holds the model).
    const hw::BatchMatrix test_inputs = test.inputs();
    nlohmann::ordered_json curve = nlohmann::ordered_json::array();
    trainer.train(data.train(), [&](const workloads::training::Progress& progress) {
      printer(progress);
      if (progress.batch == progress.batches) {
        curve.push_back({{"epoch", progress.epoch},
                         {"loss", progress.loss},
                         {"train_accuracy", progress.accuracy},
                         {score, test.score(trainer.predict(test_inputs))}});
      }
    });
    const double train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const workloads::Graph g = trainer.export_graph();
    workloads::export_onnx(g, o->out);
    nlohmann::ordered_json j;
    j["model"] = config.model;
    j["out"] = o->out;
    j["epochs"] = config.epochs;
    j["seed"] = config.seed;
    j["train_" + data.sample_name()] = data.train().size();
    if (!config.init.empty()) j["init"] = config.init;
    if (config.hwa.any()) {
      const auto& h = config.hwa;
      j["hardware_aware"] = {{"weight_noise", workloads::training::weight_noise_name(h.weight_noise)},
                             {"weight_noise_std", h.weight_noise_std},
                             {"weight_noise_time_s", h.weight_noise_time_s},
                             {"output_noise", h.output_noise},
                             {"dac_bits", h.dac_bits},
                             {"adc_bits", h.adc_bits},
                             {"adc_range", h.adc_range},
                             {"clip_sigma", h.clip_sigma},
                             {"learn_input_range", h.learn_input_range}};
    }
    j["parameters"] = g.parameter_count();
    j["test_" + data.sample_name()] = test.size();
    // The figure of record: the written file, imported again and run by the reference executor.
    try {
      const workloads::ReferenceExecutor exec(workloads::import_onnx(o->out));
      j[score] = test.score(exec.run(test_inputs, config.threads));
    } catch (const std::exception& e) {  // e.g. an operator the executor does not run yet
      j[score] = nullptr;
      j["reference_error"] = e.what();
    }
    j[score + "_trainer"] = test.score(trainer.predict(test_inputs));
    j["curve"] = curve;
    j["train_seconds"] = train_seconds;
    j["seconds_per_epoch"] = train_seconds / config.epochs;
    std::cout << j.dump(2) << "\n";
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
