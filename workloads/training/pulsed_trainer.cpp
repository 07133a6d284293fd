#include "workloads/training/pulsed_trainer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "base/check.h"
#include "base/errors.h"
#include "base/text.h"
#include "hw/gemm_backend.h"
#include "workloads/onnx_import.h"
#include "workloads/reference_executor.h"
#include "workloads/training/minibatch.h"
#include "workloads/training/pulsed_dense.h"
#include "workloads/training/pulsed_lstm.h"

namespace imcsim::workloads::training {

namespace {

constexpr const char* checkpoint_format = "imcsim-pulsed-training-checkpoint";
constexpr int checkpoint_version = 1;
/// Test reads are keyed apart from every training step (steps stay below 2^31): evaluation e, group g reads as
/// step 2^31 + e 2^12 + g.
constexpr std::uint64_t evaluation_steps = std::uint64_t{1} << 31;

nlohmann::json::binary_t bytes_of(const float* data, Eigen::Index n) {
  std::vector<std::uint8_t> b(static_cast<std::size_t>(n) * sizeof(float));
  std::memcpy(b.data(), data, b.size());
  return nlohmann::json::binary_t(std::move(b));
}

/// Fills `out` (already shaped) from `b`; false when the sizes differ.
template <typename M>
bool fill(M& out, const nlohmann::json::binary_t& b) {
  if (b.size() != static_cast<std::size_t>(out.size()) * sizeof(float)) return false;
  std::memcpy(out.data(), b.data(), b.size());
  return true;
}

}  // namespace

std::vector<std::string> pulsed_model_kinds() { return {"mlp", "lstm", "char-lstm"}; }

void PulsedTrainingConfig::validate() const {
  const std::vector<std::string> kinds = pulsed_model_kinds();
  if (std::find(kinds.begin(), kinds.end(), model) == kinds.end()) {
    throw ParameterError("train.model", "'" + model + "' does not train on pulsed arrays (known: " +
                                            join_names(pulsed_model_kinds()) + ")");
  }
  require_in_range("train.epochs", epochs, 1, 100000);
  require_in_range("train.batch", batch, 1, 1 << 16);
  require_in_range("train.threads", threads, 1, 256);
  require_in_range("train.dropout", dropout, 0.0, 0.95);
  require_positive("train.learning_rate", learning_rate);
  require_positive("train.weight_scale", static_cast<double>(layers.weight_scale));
  require_in_range("train.pulse_length", layers.update.pulse_length, 1, 1 << 16);
}

PulsedTrainer::PulsedTrainer(PulsedTrainingConfig config) : m_config(std::move(config)) {
  m_config.layers.seed = m_config.seed;
  m_config.layers.threads = m_config.threads;
  m_config.validate();
  hw::use_single_threaded_gemm();
  m_device = hw::make_pulsed_device(m_config.device);
  LayerFactories factories;
  factories.dense = [this](const std::string& name, int in, int out, std::uint32_t id) {
    auto layer = std::make_unique<PulsedDense>(name, in, out, m_config.layers, *m_device, id);
    layer->set_input_gradient(!m_pulsed.empty());
    m_pulsed.push_back(layer.get());
    return layer;
  };
  factories.lstm = [this](const std::string& name, int steps, int inputs, int hidden, bool sequence, std::uint32_t id) {
    auto layer = std::make_unique<PulsedLstm>(name, steps, inputs, hidden, m_config.layers, *m_device, id, sequence);
    m_pulsed.push_back(layer.get());
    return layer;
  };
  m_network = build_network(m_config.model, HardwareAwareConfig{}, factories, {m_config.dropout, m_config.seed});
  for (PulsedLayer* l : m_pulsed)
    for (int t = 0; t < l->tiles(); ++t) m_tile_jobs.emplace_back(l, t);
  if (!m_config.init.empty()) m_network->import_from(onnx_initializers(m_config.init));
  m_pool = std::make_unique<ChunkPool>(m_config.threads);
}

PulsedTrainer::~PulsedTrainer() = default;

void PulsedTrainer::minibatch_step(const TrainingSet& train, const std::vector<int>& order, int first, int rows,
                                   LossSum& sum) {
  Minibatch b = train.minibatch(order, first, rows, *m_pool, m_step);
  m_network->forward(b.x, b.pass);
  sum += train.loss(b);
  m_network->backward(b.x, b.pass);
  for (Parameter* p : m_network->parameters()) p->value -= static_cast<float>(m_config.learning_rate) * p->grad;
  const auto lr = static_cast<float>(m_config.learning_rate);
  m_pool->run(static_cast<int>(m_tile_jobs.size()), [&](int j) {
    const auto& [layer, tile] = m_tile_jobs[static_cast<std::size_t>(j)];
    layer->update_tile(tile, lr, m_step);
  });
  for (PulsedLayer* l : m_pulsed) l->refresh_reads();
  ++m_step;
}

void PulsedTrainer::train(const Dataset& train_images, const Dataset& test_images, const std::string& checkpoint,
                          const std::function<void(const Progress&)>& progress) {
  train(ImageSet(train_images), ImageSet(test_images), checkpoint, progress);
}

void PulsedTrainer::train(const TrainingSet& train, const TrainingSet& test, const std::string& checkpoint,
                          const std::function<void(const Progress&)>& progress) {
  check_network_input(train, *m_network);
  check_network_input(test, *m_network);
  const Matrix test_inputs = test.inputs();
  const int n = train.size();
  const int batches = (n + m_config.batch - 1) / m_config.batch;
  const auto start = std::chrono::steady_clock::now();
  const auto seconds_since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  for (int epoch = epochs_done() + 1; epoch <= m_config.epochs; ++epoch) {
    const auto epoch_start = std::chrono::steady_clock::now();
    const std::vector<int> order = epoch_order(n, m_config.seed, epoch);
    LossSum sum;
    for (int bi = 0; bi < batches; ++bi) {
      const int first = bi * m_config.batch;
      const int rows = std::min(m_config.batch, n - first);
      minibatch_step(train, order, first, rows, sum);
      if (progress) {
        Progress p;
        p.epoch = epoch;
        p.epochs = m_config.epochs;
        p.batch = bi + 1;
        p.batches = batches;
        p.loss = sum.mean_loss();
        p.accuracy = sum.accuracy();
        p.seconds = seconds_since(start);
        progress(p);
      }
    }
    EpochRecord r;
    r.epoch = epoch;
    r.loss = sum.mean_loss();
    r.train_accuracy = sum.accuracy();
    r.test_score = test.score(predict(test_inputs, static_cast<std::uint64_t>(epoch)));
    r.seconds = seconds_since(epoch_start);
    m_curve.push_back(r);
    if (!checkpoint.empty()) save(checkpoint);
  }
}

Matrix PulsedTrainer::predict(const Matrix& samples, std::uint64_t evaluation) {
  return m_network->predict(samples, *m_pool, evaluation_steps + (evaluation << 12));
}

std::string PulsedTrainer::fingerprint() const {
  const PulsedTrainingConfig& c = m_config;
  const hw::PulsedDeviceConfig& d = c.device;
  const hw::CrossbarConfig& x = c.layers.crossbar;
  nlohmann::ordered_json j{
      {"model", c.model},
      {"batch", c.batch},
      {"learning_rate", c.learning_rate},
      {"seed", c.seed},
      {"init", c.init},
      {"dropout", c.dropout},
      {"device",
       {d.model, d.dw_min, d.up_down, d.w_max, d.w_min, d.gamma_up, d.gamma_down, d.dw_min_dtod, d.up_down_dtod,
        d.w_bounds_dtod, d.dw_min_std}},
      {"tile", {x.rows, x.cols}},
      {"dac", {x.dac.bits, x.dac.stochastic_rounding, x.dac.quantise}},
      {"adc", {x.adc.bits, x.adc.output_range, x.adc.noise_std_lsb, x.adc.quantise}},
      {"noise", {x.output_noise_std, x.pcm_read_noise}},
      {"update", {c.layers.update.pulse_length, c.layers.update.update_management, c.layers.update.bl_management}},
      {"zero_shift",
       {c.layers.zero_shift, c.layers.zero_shift_by_formula, c.layers.zero_shift_config.pulse_pairs,
        c.layers.zero_shift_config.reference_programming_std}},
      {"weight_scale", c.layers.weight_scale}};
  return j.dump();
}

void PulsedTrainer::save(const std::string& checkpoint) const {
  nlohmann::json j{
      {"format", checkpoint_format}, {"version", checkpoint_version}, {"fingerprint", fingerprint()}, {"step", m_step}};
  j["curve"] = nlohmann::json::array();
  for (const EpochRecord& r : m_curve)
    j["curve"].push_back({r.epoch, r.loss, r.train_accuracy, r.test_score, r.seconds});
  j["layers"] = nlohmann::json::array();
  for (const PulsedLayer* l : m_pulsed) {
    nlohmann::json layer{{"name", l->name()}};
    layer["bias"] = bytes_of(l->bias().data(), l->bias().size());
    for (const hw::WeightMatrix* m : l->matrix().device_state())
      layer["state"].push_back(bytes_of(m->data(), m->size()));
    j["layers"].push_back(layer);
  }
  const std::vector<std::uint8_t> cbor = nlohmann::json::to_cbor(j);
  const std::string partial = checkpoint + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(cbor.data()), static_cast<std::streamsize>(cbor.size()));
    if (!out) throw Error("cannot write the checkpoint " + partial);
  }
  if (std::rename(partial.c_str(), checkpoint.c_str()) != 0) throw Error("cannot replace the checkpoint " + checkpoint);
}

void PulsedTrainer::resume(const std::string& checkpoint) {
  std::ifstream in(checkpoint, std::ios::binary);
  if (!in) throw InputError(checkpoint, 0, 0, "checkpoint", "cannot be read");
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto fail = [&](const std::string& key, const std::string& message) {
    return InputError(checkpoint, 0, 0, key, message);
  };
  const nlohmann::json j = nlohmann::json::from_cbor(bytes, true, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", "") != checkpoint_format)
    throw fail("format", "not an imcsim pulsed-training checkpoint (truncated or another file)");
  if (j.value("version", 0) != checkpoint_version)
    throw fail("version", "version " + j.value("version", nlohmann::json(0)).dump() +
                              " is not the version read here (" + std::to_string(checkpoint_version) + ")");
  if (j.value("fingerprint", "") != fingerprint())
    throw fail("fingerprint",
               "written by another configuration: " + j.value("fingerprint", "") + "; this run is " + fingerprint());
  const nlohmann::json& layers = j.at("layers");
  if (layers.size() != m_pulsed.size()) throw fail("layers", "another number of layers");
  std::vector<EpochRecord> curve;
  for (const auto& r : j.at("curve"))
    curve.push_back({r.at(0).get<int>(), r.at(1).get<double>(), r.at(2).get<double>(), r.at(3).get<double>(),
                     r.at(4).get<double>()});
  for (std::size_t k = 0; k < m_pulsed.size(); ++k) {
    PulsedLayer& l = *m_pulsed[k];
    const std::string key = "layers[" + std::to_string(k) + "]";
    Matrix bias = l.bias();
    std::vector<hw::WeightMatrix> state;
    for (const hw::WeightMatrix* m : l.matrix().device_state()) state.emplace_back(m->rows(), m->cols());
    const auto& saved = layers[k].at("state");
    if (!fill(bias, layers[k].at("bias").get_binary()) || saved.size() != state.size())
      throw fail(key, "the layer's sizes differ");
    for (std::size_t i = 0; i < state.size(); ++i)
      if (!fill(state[i], saved[i].get_binary())) throw fail(key + ".state", "the tile's sizes differ");
    l.restore(bias, state);
  }
  m_curve = std::move(curve);
  m_step = j.at("step").get<std::uint64_t>();
}

}  // namespace imcsim::workloads::training
