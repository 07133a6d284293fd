#pragma once
// Training a zoo network in place on resistive crossbars (docs/analog-training.md): every weight layer is a
// pulsed layer (pulsed_layer.h: PulsedDense, PulsedLstm) whose forward reads, transposed reads and pulsed update
// run on hw/ arrays; the biases are digital. Plain SGD at a constant learning rate, no momentum: the analog
// layers' optimiser is the pulsed update of each rank-1 term in turn (a sample's, or a sample's time step's),
// the biases' the same step in floating point.
//
// Deterministic: one seed drives the initialisation, the devices' variation, the shuffling and every read and
// pulse; draws are keyed by position, so results are bit-identical for any thread count, and a run resumed from a
// checkpoint (written after every epoch) is bit-identical to one that never stopped.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hw/device/pulsed_device.h"
#include "workloads/dataset.h"
#include "workloads/graph.h"
#include "workloads/training/minibatch.h"
#include "workloads/training/pulsed_layer.h"
#include "workloads/training/trainer.h"
#include "workloads/training/training_set.h"

namespace imcsim::workloads::training {

struct PulsedTrainingConfig {
  std::string model = "mlp";  ///< pulsed_model_kinds()
  int epochs = 10;
  int batch = 10;
  double learning_rate = 0.01;
  std::uint64_t seed = 1;
  int threads = 2;
  hw::PulsedDeviceConfig device;  ///< the training device (the chip's training_device section)
  PulsedLayerConfig layers;       ///< its seed is set from `seed`
  std::string init;               ///< ONNX file whose initializers set the initial weights ("" : He-normal)
  double dropout = 0.0;           ///< build_network's dropout probability (digital, as on the chip), [0, 0.95]

  /// Throws ParameterError naming the field.
  void validate() const;
};

/// The zoo models that train on pulsed arrays.
std::vector<std::string> pulsed_model_kinds();

/// One epoch of the learning curve.
struct EpochRecord {
  int epoch = 0;
  double loss = 0;            ///< mean training cross-entropy per target
  double train_accuracy = 0;  ///< per target, on the training samples as they were trained
  double test_score = 0;      ///< the test set's score (TrainingSet::score), read from the arrays after the epoch
  double seconds = 0;         ///< wall time of the epoch (training and test)
};

class PulsedTrainer {
 public:
  /// Builds the network on its arrays (zero-shifting them if configured) and loads `config.init` when set.
  explicit PulsedTrainer(PulsedTrainingConfig config);
  ~PulsedTrainer();

  /// Trains the epochs after epochs_done() up to config.epochs on `train`, scoring `test` after each; with a
  /// `checkpoint` path, writes the state there after every epoch (replacing the file whole). Both sets must be
  /// what the model reads (images or text).
  void train(const TrainingSet& train, const TrainingSet& test, const std::string& checkpoint = "",
             const std::function<void(const Progress&)>& progress = {});
  /// On images.
  void train(const Dataset& train, const Dataset& test, const std::string& checkpoint = "",
             const std::function<void(const Progress&)>& progress = {});
  /// Restores the state a checkpoint holds; throws InputError naming the file when it is not a checkpoint of this
  /// configuration (model, device, periphery, update, seed, batch, learning rate).
  void resume(const std::string& checkpoint);

  /// Logits of the samples read from the arrays as they are; `evaluation` keys the reads' noise.
  Matrix predict(const Matrix& samples, std::uint64_t evaluation);
  /// The network with its effective weights s (w - r).
  Graph export_graph() const { return m_network->export_graph(); }

  int epochs_done() const { return static_cast<int>(m_curve.size()); }
  const std::vector<EpochRecord>& learning_curve() const { return m_curve; }
  const std::vector<PulsedLayer*>& pulsed_layers() const { return m_pulsed; }
  const PulsedTrainingConfig& config() const { return m_config; }

 private:
  void minibatch_step(const TrainingSet& train, const std::vector<int>& order, int first, int rows, LossSum& sum);
  void save(const std::string& checkpoint) const;
  /// The configuration a checkpoint must match, as text.
  std::string fingerprint() const;

  PulsedTrainingConfig m_config;
  std::unique_ptr<hw::PulsedDeviceModel> m_device;
  std::unique_ptr<Network> m_network;
  std::vector<PulsedLayer*> m_pulsed;
  std::vector<std::pair<PulsedLayer*, int>> m_tile_jobs;  ///< (layer, tile): every tile updates independently
  std::unique_ptr<ChunkPool> m_pool;
  std::vector<EpochRecord> m_curve;
  std::uint64_t m_step = 0;
};

}  // namespace imcsim::workloads::training
