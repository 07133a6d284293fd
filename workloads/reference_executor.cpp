#include "workloads/reference_executor.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "base/errors.h"
#include "hw/gemm_backend.h"
#include "workloads/operators/support.h"
#include "workloads/shape_inference.h"
#include "workloads/weight_layers.h"

namespace imcsim::workloads {

namespace {

using Matrix = hw::BatchMatrix;

}  // namespace

ReferenceExecutor::ReferenceExecutor(Graph graph, std::shared_ptr<const MatrixEngine> engine)
    : m_graph(std::move(graph)), m_engine(std::move(engine)) {
  if (m_graph.inputs.empty() || m_graph.outputs.empty()) {
    throw InputError(m_graph.name, 0, 0, "graph", "no input or output");
  }
  // The executor parallelises over chunks itself; a multi-threaded GEMM would change the summation order.
  hw::use_single_threaded_gemm();
  infer_graph_shapes(m_graph);
  check_nodes();
  std::vector<WeightLayer> layers = weight_layers(m_graph);
  m_first_layer.assign(m_graph.nodes.size(), layers.size());
  for (std::size_t k = layers.size(); k-- > 0;) m_first_layer[layers[k].node] = k;
  if (!m_engine) m_engine = std::make_shared<Fp32Engine>(std::move(layers));
}

void ReferenceExecutor::check_nodes() {
  for (const auto& name : m_graph.outputs) {
    if (m_graph.tensor(name).constant) throw InputError(m_graph.name, 0, 0, "output '" + name + "'", "is a constant");
  }
  for (const auto& n : m_graph.nodes) {
    const std::string where = "node '" + n.name + "' (" + n.op + ")";
    const operators::Operator& op = operators::operator_of(n, m_graph.name, where);
    if (op.check_execution) op.check_execution(operators::NodeContext{m_graph, n, m_graph.name, where});
    for (const auto& input : n.inputs) {
      if (input.empty() || m_graph.tensor(input).constant) continue;
      for (const auto d : operators::sample_shape(m_graph.tensor(input))) {
        if (d < 0)
          throw InputError(m_graph.name, 0, 0, where,
                           "input '" + input + "' has an unknown dimension besides the batch");
      }
    }
    try {
      m_plans.push_back(op.plan && !n.inputs.empty() ? op.plan(m_graph, n) : operators::Plan{});
    } catch (const InputError&) {
      throw;
    } catch (const Error& e) {
      throw InputError(m_graph.name, 0, 0, where, e.what());
    }
    m_operators.push_back(&op);
  }
}

void ReferenceExecutor::run_nodes(PartialChunk& chunk, std::size_t begin, std::size_t end) const {
  for (std::size_t index = begin; index < end; ++index) {
    const Node& n = m_graph.nodes[index];
    const operators::Execution e{m_graph,         n,           m_plans[index], *m_engine, m_first_layer[index],
                                 chunk.first_row, chunk.first_image, chunk.values};
    std::vector<Matrix> outputs = m_operators[index]->execute(e);
    for (std::size_t k = 0; k < n.outputs.size() && k < outputs.size(); ++k) {
      if (!n.outputs[k].empty()) chunk.values[n.outputs[k]] = std::move(outputs[k]);
    }
  }
}

Matrix ReferenceExecutor::run_chunk(const Matrix& input, Eigen::Index first_row, std::uint64_t first_image) const {
  PartialChunk chunk{first_row, first_image, {}};
  chunk.values[m_graph.inputs.front()] = input;
  run_nodes(chunk, 0, m_graph.nodes.size());
  return operators::activation(chunk.values, m_graph.outputs.front());
}

std::vector<ReferenceExecutor::PartialChunk> ReferenceExecutor::run_until(const Matrix& input, std::size_t node,
                                                                          std::uint64_t first_image) const {
  if (node > m_graph.nodes.size()) throw Error("run_until(): the graph has no node " + std::to_string(node));
  // Only the values that nodes `node`... or the graph's output read are kept.
  std::set<std::string> needed(m_graph.outputs.begin(), m_graph.outputs.end());
  for (std::size_t index = node; index < m_graph.nodes.size(); ++index) {
    needed.insert(m_graph.nodes[index].inputs.begin(), m_graph.nodes[index].inputs.end());
  }
  std::vector<PartialChunk> chunks;
  for (Eigen::Index begin = 0; begin < input.rows(); begin += chunk_rows) {
    PartialChunk chunk{begin, first_image + static_cast<std::uint64_t>(begin), {}};
    chunk.values[m_graph.inputs.front()] =
        input.middleRows(begin, std::min<Eigen::Index>(chunk_rows, input.rows() - begin));
    run_nodes(chunk, 0, node);
    for (auto v = chunk.values.begin(); v != chunk.values.end();) {
      v = needed.count(v->first) > 0 ? std::next(v) : chunk.values.erase(v);
    }
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

Matrix ReferenceExecutor::run_from(const std::vector<PartialChunk>& chunks, std::size_t node) const {
  if (node > m_graph.nodes.size()) throw Error("run_from(): the graph has no node " + std::to_string(node));
  std::vector<Matrix> results;
  Eigen::Index rows = 0;
  for (const PartialChunk& stopped : chunks) {
    PartialChunk chunk = stopped;
    run_nodes(chunk, node, m_graph.nodes.size());
    results.push_back(operators::activation(chunk.values, m_graph.outputs.front()));
    rows += results.back().rows();
  }
  if (results.empty()) return Matrix();
  Matrix out(rows, results.front().cols());
  Eigen::Index row = 0;
  for (const Matrix& r : results) {
    out.middleRows(row, r.rows()) = r;
    row += r.rows();
  }
  return out;
}

Matrix ReferenceExecutor::run(const Matrix& input, int threads, std::uint64_t first_image,
                              const std::function<void(Eigen::Index)>& progress) const {
  const Eigen::Index n = input.rows();
  const Eigen::Index chunks = (n + chunk_rows - 1) / chunk_rows;
  std::vector<Matrix> results(static_cast<std::size_t>(chunks));
  std::mutex progress_mutex;
  Eigen::Index rows_done = 0;
  const auto work = [&](Eigen::Index first_chunk, Eigen::Index step) {
    for (Eigen::Index c = first_chunk; c < chunks; c += step) {
      const Eigen::Index begin = c * chunk_rows;
      const Eigen::Index rows = std::min<Eigen::Index>(chunk_rows, n - begin);
      results[static_cast<std::size_t>(c)] =
          run_chunk(input.middleRows(begin, rows), begin, first_image + static_cast<std::uint64_t>(begin));
      if (progress) {
        const std::lock_guard<std::mutex> lock(progress_mutex);
        rows_done += rows;
        progress(rows_done);
      }
    }
  };
  const int used = std::max(1, std::min<int>(threads, static_cast<int>(chunks)));
  std::vector<std::thread> pool;
  for (int t = 1; t < used; ++t) pool.emplace_back(work, t, used);
  work(0, used);
  for (auto& t : pool) t.join();
  if (results.empty()) return Matrix();
  Matrix out(n, results.front().cols());
  for (Eigen::Index c = 0; c < chunks; ++c)
    out.middleRows(c * chunk_rows, results[static_cast<std::size_t>(c)].rows()) = results[static_cast<std::size_t>(c)];
  return out;
}

void check_dataset_fits(const Graph& graph, const Dataset& data, const std::string& model_file) {
  const Tensor& input = graph.tensor(graph.inputs.front());
  std::int64_t features = 1;
  for (std::size_t i = 0; i < input.shape.size(); ++i) {
    if (static_cast<int>(i) != input.batch_axis && input.shape[i] > 0) features *= input.shape[i];
  }
  if (features != data.samples.cols()) {
    throw InputError(model_file, 0, 0, "input '" + input.name + "'",
                     "the model takes " + std::to_string(features) + " values per sample, the data set '" + data.name +
                         "' has " + std::to_string(data.samples.cols()));
  }
}

std::vector<int> predicted_classes(const Matrix& outputs) {
  std::vector<int> classes(static_cast<std::size_t>(outputs.rows()));
  for (Eigen::Index r = 0; r < outputs.rows(); ++r) {
    Eigen::Index best = 0;
    outputs.row(r).maxCoeff(&best);
    classes[static_cast<std::size_t>(r)] = static_cast<int>(best);
  }
  return classes;
}

double accuracy_of(const std::vector<int>& classes, const std::vector<int>& labels) {
  if (classes.empty()) return 0.0;
  std::size_t correct = 0;
  for (std::size_t i = 0; i < classes.size(); ++i) correct += classes[i] == labels[i];
  return static_cast<double>(correct) / static_cast<double>(classes.size());
}

double top1(const Matrix& outputs, const std::vector<int>& labels) {
  return accuracy_of(predicted_classes(outputs), labels);
}

}  // namespace imcsim::workloads

namespace imcsim::workloads {

void Fp32Engine::multiply(std::size_t layer, const Matrix& x, std::int64_t, std::uint64_t, std::uint32_t,
                          Matrix& y) const {
  y.noalias() = x * m_layers[layer].matrix;
}

Eigen::Index Fp32Engine::layer_rows(std::size_t layer) const { return m_layers[layer].matrix.rows(); }

}  // namespace imcsim::workloads
