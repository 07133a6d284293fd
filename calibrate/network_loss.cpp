#include "calibrate/network_loss.h"

#include <cmath>
#include <map>
#include <mutex>
#include <tuple>
#include <unordered_map>

#include "base/errors.h"
#include "workloads/weight_layers.h"

namespace imcsim::calibrate {

double cross_entropy(const hw::BatchMatrix& logits, const std::vector<int>& labels) {
  if (static_cast<std::size_t>(logits.rows()) != labels.size() || logits.rows() == 0) {
    throw Error("cross_entropy(): one label per row of logits expected");
  }
  double sum = 0;
  for (Eigen::Index r = 0; r < logits.rows(); ++r) {
    const int label = labels[static_cast<std::size_t>(r)];
    if (label < 0 || label >= logits.cols()) throw Error("cross_entropy(): a label outside the outputs");
    const double top = logits.row(r).maxCoeff();
    double total = 0;
    for (Eigen::Index c = 0; c < logits.cols(); ++c) total += std::exp(double(logits(r, c)) - top);
    sum += top + std::log(total) - double(logits(r, label));
  }
  return sum / double(logits.rows());
}

/// Every read of layer k's node (its tiles, and those of the node's earlier layers) at the ranges so far, by
/// (layer, tile, pass, first image).
struct NetworkLoss::Recorded {
  using Key = std::tuple<std::size_t, std::size_t, std::uint32_t, std::uint64_t>;
  std::map<Key, hw::BatchMatrix> reads;
  std::unordered_map<const chip::TileNumerics*, std::pair<std::size_t, std::size_t>> where;  ///< layer, tile
  std::shared_ptr<const workloads::Fp32Engine> fp32;
  std::mutex mutex;  ///< guards `reads` while recording
};

/// The base engine's tiles for layers 0..k (recorded reads, or the candidate), FP32 after k.
class NetworkLoss::Engine : public chip::AnalogEngine {
 public:
  /// Records into `recording` when it is given, else reads the recorded reads and the candidate.
  Engine(const chip::AnalogEngine& base, std::size_t layer, const Recorded& recorded, Recorded* recording,
         const chip::TileNumerics* candidate, const std::vector<bool>* replaced)
      : AnalogEngine(base),
        m_layer(layer),
        m_recorded(recorded),
        m_recording(recording),
        m_candidate(candidate),
        m_replaced(replaced) {}

  void multiply(std::size_t layer, const hw::BatchMatrix& x, std::int64_t images, std::uint64_t first_image,
                std::uint32_t first_step, hw::BatchMatrix& y) const override {
    if (layer > m_layer) {
      m_recorded.fp32->multiply(layer, x, images, first_image, first_step, y);
    } else {
      AnalogEngine::multiply(layer, x, images, first_image, first_step, y);
    }
  }

 protected:
  void read_tile(const chip::TileNumerics& tile, const hw::BatchMatrix& x, const hw::ReadId& read,
                 hw::BatchMatrix& y) const override {
    const auto [layer, index] = m_recorded.where.at(&tile);
    const Recorded::Key key{layer, index, read.pass, read.first_image};
    if (m_recording != nullptr) {
      tile.read(x, read, y);
      const std::lock_guard<std::mutex> lock(m_recording->mutex);
      m_recording->reads.emplace(key, y);
    } else if (layer == m_layer && (*m_replaced)[index]) {
      m_candidate->read(x, read, y);
    } else {
      y = m_recorded.reads.at(key);
    }
  }

 private:
  std::size_t m_layer;
  const Recorded& m_recorded;
  Recorded* m_recording;
  const chip::TileNumerics* m_candidate;
  const std::vector<bool>* m_replaced;
};

NetworkLoss::NetworkLoss(const workloads::Graph& graph, std::shared_ptr<const chip::AnalogEngine> base,
                         std::size_t layer, const hw::BatchMatrix& samples, std::vector<int> labels,
                         std::uint64_t first_image)
    : m_graph(graph),
      m_base(std::move(base)),
      m_layer(layer),
      m_samples(samples),
      m_labels(std::move(labels)),
      m_first_image(first_image) {
  if (m_layer >= m_base->layers().size()) throw Error("NetworkLoss: no weight layer " + std::to_string(m_layer));
  auto recorded = std::make_shared<Recorded>();
  recorded->fp32 = std::make_shared<const workloads::Fp32Engine>(workloads::weight_layers(m_graph));
  for (std::size_t k = 0; k <= m_layer; ++k) {
    const std::vector<chip::TileNumerics>& tiles = m_base->layers()[k].tiles;
    for (std::size_t i = 0; i < tiles.size(); ++i) recorded->where[&tiles[i]] = {k, i};
  }
  // The nodes before layer k's do not depend on the candidate: they run once, on the base engine.
  m_node = workloads::weight_layers(m_graph).at(m_layer).node;
  m_stopped = workloads::ReferenceExecutor(m_graph, m_base).run_until(m_samples, m_node, m_first_image);
  const auto engine = std::make_shared<const Engine>(*m_base, m_layer, *recorded, recorded.get(), nullptr, nullptr);
  m_start_loss = cross_entropy(workloads::ReferenceExecutor(m_graph, engine).run_from(m_stopped, m_node), m_labels);
  m_recorded = std::move(recorded);
}

NetworkLoss::~NetworkLoss() = default;

double NetworkLoss::loss(const chip::TileNumerics& candidate, const std::vector<bool>& replaced) const {
  if (replaced.size() != m_base->layers()[m_layer].tiles.size()) {
    throw Error("NetworkLoss::loss(): one flag per tile of the layer expected");
  }
  const auto engine = std::make_shared<const Engine>(*m_base, m_layer, *m_recorded, nullptr, &candidate, &replaced);
  return cross_entropy(workloads::ReferenceExecutor(m_graph, engine).run_from(m_stopped, m_node), m_labels);
}

}  // namespace imcsim::calibrate
