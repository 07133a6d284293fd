// The model compiler (whole models to Programs), its timed run and `imcsim compile`. Tests that elaborate the chip
// (ModelTiming.*) run one per process; the CLI tests run the built binary (IMCSIM_BINARY).

#include "firmware/model_compiler.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>

#include "base/errors.h"
#include "chip/accuracy.h"
#include "chip/model_timing.h"
#include "chip/simulation.h"
#include "tests/apps/cli_run.h"
#include "workloads/onnx_import.h"
#include "workloads/shape_inference.h"

namespace imcsim::firmware {
namespace {

std::string fixture(const std::string& name) {
  return std::string(IMCSIM_SOURCE_DIR) + "/tests/workloads/fixtures/torch/" + name + ".onnx";
}
std::string zoo(const std::string& name) {
  return std::string(IMCSIM_SOURCE_DIR) + "/workloads/models/" + name + ".onnx";
}

struct Compiled {
  workloads::Graph graph;
  ModelMapping mapping;
  CompiledModel model;
};

Compiled compile(const std::string& path, Replication replication, int inferences, bool program_weights = false) {
  Compiled c;
  c.graph = workloads::import_onnx(path);
  const chip::ChipConfig config = chip::default_chip_config();
  c.mapping = map_model(chip::layer_shapes(c.graph), chip::chip_geometry(config), replication);
  c.model = compile_model(c.graph, c.mapping, chip::model_program_options(config, inferences, program_weights));
  return c;
}

/// A bidirectional GRU or LSTM (input 8, hidden 16, 6 steps, batch first) built in code: six or two weight layers.
workloads::Graph rnn_graph(const std::string& op = "GRU") {
  const std::int64_t gates = op == "GRU" ? 3 : 4;
  workloads::Graph g;
  g.name = op;
  g.inputs = {"x"};
  g.outputs = {"y"};
  workloads::Tensor x;
  x.name = "x";
  x.shape = {-1, 6, 8};
  x.batch_axis = 0;
  g.tensors["x"] = x;
  for (const auto& [name, cols] : {std::pair<std::string, std::int64_t>{"W", 8}, {"R", 16}}) {
    workloads::Tensor w;
    w.name = name;
    w.shape = {2, gates * 16, cols};
    w.constant = true;
    w.data.assign(static_cast<std::size_t>(2 * gates * 16 * cols), 0.01f);
    g.tensors[name] = w;
  }
  workloads::Node n;
  n.name = op;
  n.op = op;
  n.inputs = {"x", "W", "R"};
  n.outputs = {"y"};
  n.attributes["hidden_size"].i = 16;
  n.attributes["hidden_size"].kind = workloads::Attribute::Kind::integer;
  n.attributes["layout"].i = 1;
  n.attributes["layout"].kind = workloads::Attribute::Kind::integer;
  n.attributes["direction"].s = "bidirectional";
  n.attributes["direction"].kind = workloads::Attribute::Kind::text;
  g.nodes.push_back(n);
  workloads::infer_graph_shapes(g);
  return g;
}

CompiledModel compile_gru(Replication replication, int inferences) {
  const workloads::Graph g = rnn_graph();
  const chip::ChipConfig config = chip::default_chip_config();
  const ModelMapping m = map_model(chip::layer_shapes(g), chip::chip_geometry(config), replication);
  return compile_model(g, m, chip::model_program_options(config, inferences, false));
}

/// MVM vectors per (inference, core).
std::map<std::pair<int, int>, int> mvms_per_core(const CompiledModel& m) {
  std::map<std::pair<int, int>, int> count;
  for (std::size_t i = 0; i < m.program.instructions.size(); ++i) {
    const Instruction& ins = m.program.instructions[i];
    if (ins.op == Op::mvm) count[{m.instruction_inference[i], ins.core}] += ins.vectors;
  }
  return count;
}

TEST(ModelCompiler, EveryTileRunsItsReplicasShareOfTheMvms) {
  for (const std::string& path : {zoo("cnn"), fixture("cnn"), fixture("lstm"), fixture("mlp")}) {
    const Compiled c = compile(path, Replication::balance, 2);
    const auto count = mvms_per_core(c.model);
    for (const LayerPlacement& l : c.mapping.layers) {
      for (int r = 0; r < l.replicas; ++r) {
        int share = 0;  // steps s with s % replicas == r
        for (std::int64_t s = 0; s < l.shape.mvms_per_inference; ++s) share += s % l.replicas == r ? 1 : 0;
        for (int j = 0; j < l.col_tiles; ++j) {
          for (int i = 0; i < l.row_tiles; ++i) {
            const int core = l.tile(r, j, i).core;
            for (int inference = 0; inference < 2; ++inference) {
              const auto it = count.find({inference, core});
              EXPECT_EQ(it == count.end() ? 0 : it->second, share)
                  << path << " " << l.shape.name << " replica " << r << " core " << core;
            }
          }
        }
      }
    }
  }
}

TEST(ModelCompiler, ProgramValidatesRoundTripsAndPairsEverySend) {
  const Compiled c = compile(fixture("cnn"), Replication::balance, 2, true);
  const Program& p = c.model.program;
  EXPECT_NO_THROW(p.validate(64));
  ASSERT_EQ(c.model.instruction_inference.size(), p.instructions.size());
  ASSERT_EQ(p.layers.size(), c.mapping.layers.size());
  const std::string text = to_text(p);
  const Program again = parse_program(text, "again");
  EXPECT_EQ(to_text(again), text);
  EXPECT_EQ(again.layers, p.layers);
  // Every send has its recv with the same bytes implied: same (from, to, tag) on both sides, no core talks to itself.
  std::multiset<std::tuple<int, int, std::string>> sends, recvs;
  for (const Instruction& i : p.instructions) {
    if (i.op == Op::send) sends.insert({i.core, i.peer, i.tag});
    if (i.op == Op::recv) recvs.insert({i.peer, i.core, i.tag});
    if (i.op == Op::send || i.op == Op::recv) {
      EXPECT_NE(i.core, i.peer);
    }
    if (i.op != Op::barrier) {
      EXPECT_GE(i.layer, 0);
    }
    if (i.op == Op::send || i.op == Op::store) {
      EXPECT_LE(i.bytes, 1024);
    }
    if (i.op == Op::load) {
      EXPECT_LE(i.bytes, 512);
    }
  }
  EXPECT_EQ(sends, recvs);
  // The programming phase comes first: one program per tile, a barrier, then inference 0.
  const std::size_t tiles = static_cast<std::size_t>(c.mapping.cores_used());
  for (std::size_t i = 0; i < tiles; ++i) {
    EXPECT_EQ(p.instructions[i].op, Op::program);
    EXPECT_EQ(c.model.instruction_inference[i], -1);
  }
  EXPECT_EQ(p.instructions[tiles].op, Op::barrier);
  EXPECT_EQ(c.model.instruction_inference[tiles + 1], 0);
}

TEST(ModelCompiler, CreditsHoldProducersBackByWholeInferences) {
  for (const std::string& path : {zoo("cnn"), fixture("cnn")}) {
    workloads::Graph g = workloads::import_onnx(path);
    const chip::ChipConfig config = chip::default_chip_config();
    const ModelMapping m = map_model(chip::layer_shapes(g), chip::chip_geometry(config), Replication::balance);
    ModelProgramOptions o = chip::model_program_options(config, 5, false);
    o.in_flight = 2;
    const CompiledModel c = compile_model(g, m, o);
    EXPECT_NO_THROW(c.program.validate(64));
    // Every core of a producer waits for a token per consumer from inference 2 on: none before.
    int tokens = 0;
    for (std::size_t k = 0; k < c.program.instructions.size(); ++k) {
      const Instruction& i = c.program.instructions[k];
      if (i.op != Op::recv || i.tag.rfind("t", 0) != 0) continue;
      ++tokens;
      EXPECT_GE(c.instruction_inference[k], 2);
    }
    EXPECT_GT(tokens, 0);
  }
}

TEST(ModelCompiler, ResidualAddPoolingAndActivationsRunInTheDigitalUnits) {
  const Compiled c = compile(fixture("cnn"), Replication::none, 1);
  std::map<std::string, const LayerSummary*> by_name;
  for (const auto& l : c.model.layers) by_name[l.name] = &l;
  const LayerSummary& block = *by_name.at("/block/conv2/Conv");
  EXPECT_EQ(block.digital_ops, (std::vector<std::string>{"Add", "BatchNormalization", "Relu", "MaxPool"}));
  // Its chain end adds the residual received from /conv1's chain end, then pools.
  const int block_layer = static_cast<int>(&block - c.model.layers.data());
  const int conv1_core = by_name.at("/conv1/Conv")->core_ids.front();
  int residual_recvs = 0, pools = 0, accs = 0;
  for (const Instruction& i : c.model.program.instructions) {
    if (i.layer != block_layer) continue;
    if (i.op == Op::recv && i.peer == conv1_core) ++residual_recvs;
    if (i.op == Op::pool) ++pools;
    if (i.op == Op::acc) ++accs;
  }
  EXPECT_GT(residual_recvs, 0);
  EXPECT_GT(pools, 0);
  EXPECT_GE(accs, residual_recvs);
  EXPECT_EQ(by_name.at("/conv2/Conv")->digital_ops, (std::vector<std::string>{"Relu", "GlobalAveragePool"}));
}

TEST(ModelCompiler, HardSigmoidRunsInTheDigitalUnitsLikeRelu) {
  // The MLP fixture with its ReLUs replaced by HardSigmoids compiles to the same program: one digital-unit pass.
  const Compiled relu = compile(fixture("mlp"), Replication::balance, 2);
  workloads::Graph g = relu.graph;
  for (auto& n : g.nodes) {
    if (n.op == "Relu") n.op = "HardSigmoid";
  }
  const CompiledModel hard =
      compile_model(g, relu.mapping, chip::model_program_options(chip::default_chip_config(), 2, false));
  ASSERT_EQ(hard.layers.size(), relu.model.layers.size());
  int replaced = 0;
  for (std::size_t k = 0; k < hard.layers.size(); ++k) {
    std::vector<std::string> expected = relu.model.layers[k].digital_ops;
    for (auto& op : expected) {
      if (op == "Relu") {
        op = "HardSigmoid";
        ++replaced;
      }
    }
    EXPECT_EQ(hard.layers[k].digital_ops, expected);
  }
  EXPECT_EQ(replaced, 2);
  EXPECT_EQ(to_text(hard.program), to_text(relu.model.program));
}

TEST(ModelCompiler, LstmStepsRunOneAtATimeWithTheirGatesInTheGlobalUnits) {
  const Compiled c = compile(fixture("lstm"), Replication::none, 2);
  const LayerSummary& lstm = c.model.layers.front();
  EXPECT_EQ(lstm.op, "LSTM");
  EXPECT_EQ(lstm.vectors_per_mvm, 1);
  int gdus = 0, stores = 0;
  for (std::size_t k = 0; k < c.model.program.instructions.size(); ++k) {
    const Instruction& i = c.model.program.instructions[k];
    if (c.model.instruction_inference[k] != 0) continue;
    if (i.op == Op::gdu) {
      ++gdus;
      EXPECT_EQ(i.elements, 32);  // one per hidden unit
    }
    if (i.op == Op::store) ++stores;
  }
  EXPECT_EQ(gdus, 28);   // one per time step
  EXPECT_EQ(stores, 1);  // only the classifier's output leaves the chip
}

TEST(ModelCompiler, GruGatesRunWhereTheThreeProductsMeet) {
  for (const Replication replication : {Replication::none, Replication::balance}) {
    const CompiledModel m = compile_gru(replication, 2);
    ASSERT_EQ(m.layers.size(), 6u);  // W, R_zr, R_h per direction
    EXPECT_NO_THROW(m.program.validate(64));
    int gdus = 0, stores = 0;
    for (std::size_t k = 0; k < m.program.instructions.size(); ++k) {
      const Instruction& i = m.program.instructions[k];
      if (m.instruction_inference[k] != 0) continue;
      if (i.op == Op::gdu) {
        ++gdus;
        EXPECT_EQ(m.layers[static_cast<std::size_t>(i.layer)].name.find("R_h") != std::string::npos, true);
        EXPECT_EQ(i.elements, 16);
      }
      if (i.op == Op::store) ++stores;
    }
    EXPECT_EQ(gdus, 2 * 2 * 6);  // per direction and step: the reset gate before R_h's product, the rest after
    EXPECT_EQ(stores, 2 * 6);  // Y: every step of both directions
  }
}

TEST(ModelCompiler, BidirectionalLstmKeepsItsDirectionsApart) {
  const workloads::Graph g = rnn_graph("LSTM");
  const chip::ChipConfig config = chip::default_chip_config();
  const ModelMapping m = map_model(chip::layer_shapes(g), chip::chip_geometry(config), Replication::balance);
  const CompiledModel c = compile_model(g, m, chip::model_program_options(config, 2, false));
  ASSERT_EQ(c.layers.size(), 2u);
  EXPECT_NO_THROW(c.program.validate(64));
  std::map<int, int> gdus;  // per layer, inference 0
  for (std::size_t k = 0; k < c.program.instructions.size(); ++k) {
    const Instruction& i = c.program.instructions[k];
    if (c.instruction_inference[k] == 0 && i.op == Op::gdu) gdus[i.layer] += i.elements;
  }
  EXPECT_EQ(gdus[0], 6 * 16);
  EXPECT_EQ(gdus[1], 6 * 16);
}

TEST(ModelCompiler, ModelWithoutWeightLayersIsAnError) {
  workloads::Graph g;
  g.name = "empty";
  try {
    compile_model(g, ModelMapping{}, ModelProgramOptions{});
    FAIL() << "no error";
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.parameter(), "model");
  }
}

TEST(ModelCompiler, BalanceGivesTheHeaviestConvolutionMoreReplicas) {
  const Compiled c = compile(zoo("cnn"), Replication::balance, 1);
  const auto& layers = c.model.layers;
  EXPECT_EQ(layers[0].name, "conv1");
  EXPECT_GT(layers[0].replicas, layers[1].replicas);
  EXPECT_GT(layers[1].replicas, 1);
  EXPECT_EQ(layers[2].replicas, 1);
  EXPECT_LE(c.model.cores_used, 64);
  // Balanced: the conv stages' MVMs per core differ by less than the unreplicated ratio (784 : 196).
  const double a = static_cast<double>(layers[0].mvms_per_inference) / layers[0].replicas;
  const double b = static_cast<double>(layers[1].mvms_per_inference) / layers[1].replicas;
  EXPECT_LT(std::max(a, b) / std::min(a, b), 1.5);
}

TEST(ModelCompiler, ModelThatDoesNotFitNamesWhatEachLayerNeeds) {
  const workloads::Graph g = workloads::import_onnx(zoo("cnn"));
  try {
    map_model(chip::layer_shapes(g), ChipGeometry{256, 256, 2, 2}, Replication::none);
    FAIL() << "no error";
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.parameter(), "model");
    const std::string what = e.what();
    for (const char* part : {"needs 11 cores", "conv2: 2", "fc1: 7", "the chip has 4"}) {
      EXPECT_NE(what.find(part), std::string::npos) << what;
    }
  }
}

TEST(ModelCompiler, MappingOfAnotherModelIsRejected) {
  const workloads::Graph cnn = workloads::import_onnx(zoo("cnn"));
  const workloads::Graph mlp = workloads::import_onnx(zoo("mlp"));
  const ModelMapping m = map_model(chip::layer_shapes(mlp), ChipGeometry{}, Replication::none);
  try {
    compile_model(cnn, m, ModelProgramOptions{});
    FAIL() << "no error";
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.parameter(), "mapping");
  }
}

// One timed run per process.
TEST(ModelTiming, SmallModelGivesLatencyThroughputAndEnergyThatAddUp) {
  const Compiled c = compile(zoo("mlp"), Replication::balance, 6, true);
  const chip::ModelTiming t = chip::time_model(chip::default_chip_config(), c.model);
  EXPECT_GT(t.per_inference_ns, 0);
  EXPECT_GE(t.mean_inference_ns, t.per_inference_ns);
  EXPECT_GT(t.inferences_per_s, 0);
  EXPECT_LE(t.interval_ns, t.per_inference_ns * 1.0001);  // pipelined: completions closer than one latency
  double parts = 0;
  for (const chip::EnergyComponent component : t.energy_breakdown_pj.components()) {
    EXPECT_GE(t.energy_breakdown_pj[component], 0) << chip::energy_component_names().name(component);
    parts += t.energy_breakdown_pj[component];
  }
  EXPECT_NEAR(parts, t.energy_per_inference_pj, 1e-9 * t.energy_per_inference_pj);
  for (const char* part : {"array", "adc", "dac", "digital", "sram", "network", "static"}) {
    const auto* component = chip::energy_component_names().find(part);
    ASSERT_NE(component, nullptr) << part;
    EXPECT_TRUE(t.energy_breakdown_pj.carries(*component)) << part;
  }
  // Layers carry all dynamic energy; the static energy is the powered cores'.
  double layers = 0;
  for (const auto& l : t.layers) {
    EXPECT_GT(l.busy_ns, 0) << l.name;
    EXPECT_GT(l.energy_pj, 0) << l.name;
    layers += l.energy_pj;
  }
  EXPECT_NEAR(layers + t.energy_breakdown_pj[chip::EnergyComponent::static_power], t.energy_per_inference_pj,
              1e-6 * t.energy_per_inference_pj);
  // MVMs: 784x256 on 4 cores, 256x128 on 1, 128x10 on 1: 6 vectors per inference.
  EXPECT_DOUBLE_EQ(t.mvm_vectors_per_inference, 6.0);
  EXPECT_GT(t.programming_ns, 0);
  EXPECT_GT(t.programming_energy_pj, 0);
  // Attribution loses nothing: the phases' dynamic energy is the run's (cores and network).
  const chip::ChipConfig config = chip::default_chip_config();
  const double run_dynamic = t.simulation.energy_pj - t.simulation.energy_breakdown_pj[chip::EnergyComponent::static_power];
  const double attributed =
      (t.energy_per_inference_pj - t.energy_breakdown_pj[chip::EnergyComponent::static_power]) * t.inferences +
      t.programming_energy_pj - chip::static_energy_pj(config.technology, t.cores_used, t.programming_ns);
  EXPECT_NEAR(attributed, run_dynamic, 1e-6 * run_dynamic);
  EXPECT_NEAR(t.ops_per_inference, 2.0 * (784 * 256 + 256 * 128 + 128 * 10), 1e-9);
  EXPECT_NEAR(t.tops_per_w, t.ops_per_inference / t.energy_per_inference_pj, 1e-12);
  EXPECT_GT(t.core_utilisation, 0);
  EXPECT_LE(t.core_utilisation, 1);
  EXPECT_GT(t.link_utilisation_max, 0);
  EXPECT_LE(t.link_utilisation_max, 1);
}

TEST(ModelTiming, RecurrentModelRunsStepByStep) {
  const Compiled c = compile(fixture("lstm"), Replication::none, 3);
  const chip::ModelTiming t = chip::time_model(chip::default_chip_config(), c.model);
  // 28 dependent steps, each at least one MVM and the gates: far more than 28 MVM latencies.
  EXPECT_GT(t.per_inference_ns, 28 * 133.0);
  EXPECT_GT(t.layers[0].busy_ns, 28 * 133.0);
  EXPECT_DOUBLE_EQ(t.programming_ns, 0.0);
}

TEST(ModelTiming, CreditsBoundTheQueueing) {
  const workloads::Graph g = workloads::import_onnx(zoo("cnn"));
  const chip::ChipConfig config = chip::default_chip_config();
  ModelProgramOptions o = chip::model_program_options(config, 8, false);
  o.in_flight = 2;
  const auto m = map_model(chip::layer_shapes(g), chip::chip_geometry(config), Replication::balance);
  const chip::ModelTiming t = chip::time_model(config, compile_model(g, m, o));
  EXPECT_GT(t.inferences_per_s, 0);
  EXPECT_LT(t.mean_inference_ns, 2 * t.per_inference_ns);  // at most two inferences queue at a stage
}

TEST(ModelTiming, GruRunsToTheEnd) {
  const chip::ModelTiming t = chip::time_model(chip::default_chip_config(), compile_gru(Replication::balance, 4));
  EXPECT_GT(t.per_inference_ns, 6 * 133.0);
  ASSERT_EQ(t.layers.size(), 6u);
  for (const auto& l : t.layers) EXPECT_GT(l.busy_ns, 0) << l.name;
}

class CompileCli : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(test::binary().empty()) << "IMCSIM_BINARY is not set"; }
};

TEST_F(CompileCli, WritesAProgramThatTheParserReadsBack) {
  const std::string path = ::testing::TempDir() + "imcsim_compile_" + std::to_string(getpid()) + ".prog";
  const test::RunResult r = test::run_imcsim("compile --model cnn --inferences 2 -o '" + path + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(test::contains(r.out, "conv1")) << r.out;
  EXPECT_TRUE(test::contains(r.out, "replicas") || test::contains(r.out, "repl")) << r.out;
  const Program p = load_program(path);
  EXPECT_NO_THROW(p.validate(64));
  EXPECT_EQ(p.layers, (std::vector<std::string>{"conv1", "conv2", "fc1", "fc2"}));
  std::remove(path.c_str());
}

TEST_F(CompileCli, JsonSummaryHasEveryLayer) {
  const test::RunResult r = test::run_imcsim("compile --model cnn --replication none --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["layers"].size(), 4u);
  EXPECT_EQ(j["cores_used"], 11);
  EXPECT_EQ(j["layers"][2]["row_tiles"], 7);
  EXPECT_EQ(j["layers"][0]["replicas"], 1);
}

TEST_F(CompileCli, ModelThatDoesNotFitIsOneErrorLine) {
  const test::RunResult r = test::run_imcsim(
      "compile --model cnn --set cores.count=4 --set interconnect.grid_x=2 --set interconnect.grid_y=2");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(test::contains(r.err, "needs 11 cores")) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(CompileCli, ThroughputGrowsWithReplication) {
  const auto rate = [](const std::string& replication) {
    const test::RunResult r = test::run_imcsim("compile --model cnn --json --timed 6 --replication " + replication);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out)["timing"]["inferences_per_s"].get<double>();
  };
  const double none = rate("none");
  const double balance = rate("balance");
  EXPECT_GT(none, 0);
  EXPECT_GT(balance, 5 * none);
}

}  // namespace
}  // namespace imcsim::firmware
