// The training-step compiler (firmware/training_step.h) on the zoo MLP (784-256-128-10: 4 + 1 + 1 tiles on
// 256 x 256 cores), on LSTMs (a small one built here, 2 x 2 tiles, and the zoo's) and its activity
// (firmware/training_activity.h). Plain C++: nothing here simulates.

#include "firmware/training_step.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "base/errors.h"
#include "chip/accuracy.h"
#include "chip/model_timing.h"
#include "workloads/onnx_import.h"
#include "workloads/shape_inference.h"

namespace imcsim::firmware {
namespace {

std::string zoo(const std::string& name) {
  return std::string(IMCSIM_SOURCE_DIR) + "/workloads/models/" + name + ".onnx";
}

struct Mapped {
  workloads::Graph graph;
  ModelMapping mapping;
};

Mapped mapped(const std::string& model, Replication replication = Replication::none) {
  Mapped s;
  s.graph = workloads::import_onnx(zoo(model));
  const chip::ChipConfig config = chip::default_chip_config();
  s.mapping = map_model(chip::layer_shapes(s.graph), chip::chip_geometry(config), replication);
  return s;
}

workloads::Tensor constant(const std::string& name, std::vector<std::int64_t> shape) {
  workloads::Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  t.constant = true;
  std::size_t n = 1;
  for (const std::int64_t d : t.shape) n *= static_cast<std::size_t>(d);
  t.data.assign(n, 0.01f);
  return t;
}

/// x [batch, steps, inputs] -> LSTM (layout 1, hidden units) -> Y_h (or with `sequence` Y) -> Flatten -> Gemm to
/// 10; `direction` as ONNX's attribute.
workloads::Graph lstm_graph(int steps, int inputs, int hidden, bool sequence = false,
                            const std::string& direction = "forward") {
  const std::int64_t dirs = direction == "bidirectional" ? 2 : 1;
  workloads::Graph g;
  g.name = "small-lstm";
  g.inputs = {"x"};
  g.outputs = {"y"};
  workloads::Tensor x;
  x.name = "x";
  x.shape = {-1, steps, inputs};
  x.batch_axis = 0;
  g.tensors["x"] = x;
  g.tensors["W"] = constant("W", {dirs, 4 * hidden, inputs});
  g.tensors["R"] = constant("R", {dirs, 4 * hidden, hidden});
  const std::int64_t features = (sequence ? steps : 1) * dirs * hidden;
  g.tensors["fc.W"] = constant("fc.W", {features, 10});
  workloads::Node lstm;
  lstm.name = "lstm";
  lstm.op = "LSTM";
  lstm.inputs = {"x", "W", "R"};
  lstm.outputs = sequence ? std::vector<std::string>{"h"} : std::vector<std::string>{"", "h"};
  lstm.attributes["hidden_size"].i = hidden;
  lstm.attributes["hidden_size"].kind = workloads::Attribute::Kind::integer;
  lstm.attributes["layout"].i = 1;
  lstm.attributes["layout"].kind = workloads::Attribute::Kind::integer;
  lstm.attributes["direction"].s = direction;
  lstm.attributes["direction"].kind = workloads::Attribute::Kind::text;
  workloads::Node flatten;
  flatten.name = "flatten";
  flatten.op = "Flatten";
  flatten.inputs = {"h"};
  flatten.outputs = {"f"};
  flatten.attributes["axis"].i = 1;
  flatten.attributes["axis"].kind = workloads::Attribute::Kind::integer;
  workloads::Node fc;
  fc.name = "fc";
  fc.op = "Gemm";
  fc.inputs = {"f", "fc.W"};
  fc.outputs = {"y"};
  g.nodes = {lstm, flatten, fc};
  workloads::infer_graph_shapes(g);
  return g;
}

Mapped mapped(workloads::Graph graph) {
  Mapped s;
  s.graph = std::move(graph);
  s.mapping =
      map_model(chip::layer_shapes(s.graph), chip::chip_geometry(chip::default_chip_config()), Replication::none);
  return s;
}

TrainingStep compile(const Mapped& s, int batch, int pulse_length) {
  TrainingStepOptions o;
  o.batch = batch;
  o.pulse_length = pulse_length;
  o.forward = chip::model_program_options(chip::default_chip_config(), batch, false);
  return compile_training_step(s.graph, s.mapping, o, expected_training_activity(s.mapping, pulse_length));
}

/// Instructions of one op in one phase, and their vectors.
struct Count {
  int instructions = 0;
  long long vectors = 0;
};
Count count(const TrainingStep& t, Op op, TrainingPhase phase, int layer = -1) {
  Count c;
  for (std::size_t i = 0; i < t.program.instructions.size(); ++i) {
    const Instruction& ins = t.program.instructions[i];
    if (ins.op != op || t.instruction_phase[i] != phase || (layer >= 0 && ins.layer != layer)) continue;
    ++c.instructions;
    c.vectors += ins.vectors;
  }
  return c;
}

TEST(TrainingStep, TheMlpsInstructionsPerPhase) {
  const Mapped s = mapped("mlp");
  const int b = 10, tiles = 6;
  const TrainingStep t = compile(s, b, 31);
  ASSERT_EQ(t.instruction_phase.size(), t.program.instructions.size());
  ASSERT_EQ(t.instruction_sample.size(), t.program.instructions.size());
  ASSERT_EQ(t.layers.size(), 3u);

  // Forward: one read per sample and tile, each keeping its inputs (the tile's rows) for the update.
  EXPECT_EQ(count(t, Op::mvm, TrainingPhase::forward).instructions, b * tiles);
  EXPECT_EQ(count(t, Op::mvm, TrainingPhase::forward).vectors, b * tiles);
  EXPECT_EQ(count(t, Op::keep, TrainingPhase::forward).instructions, b * tiles);
  for (const Instruction& ins : t.program.instructions) {
    if (ins.op == Op::mvm) {
      EXPECT_TRUE(ins.rows == 196 || ins.rows == 256 || ins.rows == 128);
    }
  }
  // No reads outside the forward phase, no transposed reads outside the backward phase, none of the first layer.
  EXPECT_EQ(
      count(t, Op::mvm, TrainingPhase::backward).instructions + count(t, Op::mvm, TrainingPhase::update).instructions,
      0);
  EXPECT_EQ(count(t, Op::mvmt, TrainingPhase::backward, 0).instructions, 0);
  EXPECT_EQ(count(t, Op::mvmt, TrainingPhase::backward, 1).instructions, b);
  EXPECT_EQ(count(t, Op::mvmt, TrainingPhase::backward, 2).instructions, b);
  EXPECT_EQ(
      count(t, Op::mvmt, TrainingPhase::forward).instructions + count(t, Op::mvmt, TrainingPhase::update).instructions,
      0);
  // The loss gradient at the last layer's chain end: the label, the softmax, the gradient, once per sample.
  EXPECT_EQ(count(t, Op::load, TrainingPhase::backward, 2).instructions, b);
  EXPECT_EQ(count(t, Op::gdu, TrainingPhase::backward, 2).instructions, b);
  // Every tile keeps its errors for the update, once per sample.
  EXPECT_EQ(count(t, Op::keep, TrainingPhase::backward).instructions, b * tiles);
  // fc2's error goes to fc1's four row tiles (256 bytes each) and fc3's to fc2's tile (128 bytes), per sample.
  EXPECT_EQ(count(t, Op::send, TrainingPhase::backward, 0).instructions, 4 * b);
  EXPECT_EQ(count(t, Op::send, TrainingPhase::backward, 1).instructions, b);
  for (std::size_t i = 0; i < t.program.instructions.size(); ++i) {
    const Instruction& ins = t.program.instructions[i];
    if (ins.op == Op::send && t.instruction_phase[i] == TrainingPhase::backward && ins.layer == 0) {
      EXPECT_EQ(ins.bytes, 256);
    }
  }
  // Update: one instruction per tile, the whole minibatch's sample updates, at BL 31.
  EXPECT_EQ(count(t, Op::update, TrainingPhase::update).instructions, tiles);
  EXPECT_EQ(count(t, Op::update, TrainingPhase::update).vectors, b * tiles);
  for (std::size_t i = 0; i < t.program.instructions.size(); ++i) {
    const Instruction& ins = t.program.instructions[i];
    if (t.instruction_phase[i] == TrainingPhase::update) {
      EXPECT_EQ(ins.op, Op::update);
      EXPECT_EQ(t.instruction_sample[i], -1);
    }
  }
}

TEST(TrainingStep, EveryCoreRunsItsPhasesInOrder) {
  const TrainingStep t = compile(mapped("mlp"), 4, 31);
  std::map<int, TrainingPhase> reached;
  for (std::size_t i = 0; i < t.program.instructions.size(); ++i) {
    const int core = t.program.instructions[i].core;
    const auto it = reached.find(core);
    if (it != reached.end()) {
      EXPECT_LE(static_cast<int>(it->second), static_cast<int>(t.instruction_phase[i])) << i;
    }
    reached[core] = t.instruction_phase[i];
  }
  EXPECT_EQ(reached.size(), 6u);
  // A core's backward instructions for sample 1 come after those for sample 0.
  std::map<int, int> sample;
  for (std::size_t i = 0; i < t.program.instructions.size(); ++i) {
    if (t.instruction_phase[i] != TrainingPhase::backward) continue;
    const int core = t.program.instructions[i].core;
    EXPECT_LE(sample[core], t.instruction_sample[i]);
    sample[core] = t.instruction_sample[i];
  }
}

TEST(TrainingStep, UpdatesCarryTheBatchTimesTheActivityPerSample) {
  const Mapped s = mapped("mlp");
  const TrainingStep t = compile(s, 10, 15);
  int seen = 0;
  for (const Instruction& ins : t.program.instructions) {
    if (ins.op != Op::update) continue;
    ++seen;
    EXPECT_EQ(ins.pulse_length, 15);
    ASSERT_TRUE(ins.activity.has_value());
    // The expected rule: every slot, each line with probability 1/2.
    EXPECT_DOUBLE_EQ(ins.activity->slots, 10.0 * 15);
    EXPECT_DOUBLE_EQ(ins.activity->row_pulses, 10.0 * 15 * ins.rows * 0.5);
    EXPECT_DOUBLE_EQ(ins.activity->column_pulses, 10.0 * 15 * ins.cols * 0.5);
    EXPECT_DOUBLE_EQ(ins.activity->coincidences, 10.0 * 15 * ins.rows * ins.cols * 0.25);
  }
  EXPECT_EQ(seen, 6);
  // The Program reads back from its text form with the same activity.
  const Program again = parse_program(to_text(t.program), "again");
  EXPECT_EQ(to_text(again), to_text(t.program));
  EXPECT_NO_THROW(again.validate(64));
}

// T = 3 steps of 200 inputs, 128 hidden units: a 328 x 512 matrix, two row tiles of 164 (the first holds only x
// rows, the second x rows 164-199 and the 128 recurrent rows) times two column tiles of 256; fc 128 x 10 on one.
TEST(TrainingStep, AnLstmsInstructionsPerPhase) {
  const Mapped s = mapped(lstm_graph(3, 200, 128));
  ASSERT_EQ(s.mapping.layers.size(), 2u);
  ASSERT_EQ(s.mapping.layers[0].row_tiles, 2);
  ASSERT_EQ(s.mapping.layers[0].col_tiles, 2);
  const int b = 2, steps = 3, tiles = 4;
  const TrainingStep t = compile(s, b, 31);
  ASSERT_EQ(t.instruction_phase.size(), t.program.instructions.size());
  EXPECT_EQ(t.layers[0].op, "LSTM");

  // Forward: one read per sample, step and tile, each keeping its inputs; every step's gate pass at the two chain
  // ends (64 hidden units each) keeps their gates and cell state (10 bytes a unit: 640, in keeps of at most the
  // 512-byte input buffer).
  EXPECT_EQ(count(t, Op::mvm, TrainingPhase::forward, 0).instructions, b * steps * tiles);
  EXPECT_EQ(count(t, Op::mvm, TrainingPhase::forward, 0).vectors, b * steps * tiles);
  EXPECT_EQ(count(t, Op::mvm, TrainingPhase::forward, 1).instructions, b);
  EXPECT_EQ(count(t, Op::gdu, TrainingPhase::forward, 0).instructions, b * steps * 2);
  EXPECT_EQ(count(t, Op::keep, TrainingPhase::forward, 0).instructions, b * steps * (tiles + 2 * 2));
  EXPECT_EQ(count(t, Op::keep, TrainingPhase::forward, 1).instructions, b);
  int gate_passes = 0;
  for (std::size_t i = 0; i + 2 < t.program.instructions.size(); ++i) {
    const auto& ins = t.program.instructions;
    if (ins[i].op != Op::gdu || t.instruction_phase[i] != TrainingPhase::forward) continue;
    EXPECT_EQ(ins[i].elements, 64);
    EXPECT_EQ(ins[i + 1].op, Op::keep);
    EXPECT_EQ(ins[i + 1].bytes + ins[i + 2].bytes, 640);
    ++gate_passes;
  }
  EXPECT_EQ(gate_passes, b * steps * 2);

  // Backward: fc's transposed read gives dh_(T-1); then per step the gate errors at the two chain ends (256 values
  // each), kept by every tile, and for t > 0 the reads of the recurrent rows (128 of the second row tile's 164) only.
  EXPECT_EQ(count(t, Op::mvmt, TrainingPhase::backward, 1).instructions, b);
  EXPECT_EQ(count(t, Op::mvmt, TrainingPhase::backward, 0).instructions, b * (steps - 1) * 2);
  EXPECT_EQ(count(t, Op::gdu, TrainingPhase::backward, 0).instructions, b * steps * 2);
  EXPECT_EQ(count(t, Op::keep, TrainingPhase::backward, 0).instructions, b * steps * tiles);
  for (std::size_t i = 0; i < t.program.instructions.size(); ++i) {
    const Instruction& ins = t.program.instructions[i];
    if (t.instruction_phase[i] != TrainingPhase::backward || ins.layer != 0) continue;
    if (ins.op == Op::mvmt) {
      EXPECT_EQ(ins.rows, 128);
      EXPECT_EQ(ins.cols, 256);
    }
    if (ins.op == Op::gdu) {
      EXPECT_EQ(ins.elements, 256);
    }
  }
  // fc's chain end runs the loss gradient and its chain's correction, but no activation derivative: the LSTM's
  // gates take dh as it is.
  EXPECT_EQ(count(t, Op::act, TrainingPhase::backward, 1).instructions, 2 * b);

  // Update: B x T sample updates on every LSTM tile, B on fc's.
  EXPECT_EQ(count(t, Op::update, TrainingPhase::update, 0).instructions, tiles);
  EXPECT_EQ(count(t, Op::update, TrainingPhase::update, 0).vectors, b * steps * tiles);
  EXPECT_EQ(count(t, Op::update, TrainingPhase::update, 1).vectors, b);
  for (const Instruction& ins : t.program.instructions) {
    if (ins.op != Op::update || ins.layer != 0) continue;
    ASSERT_TRUE(ins.activity.has_value());
    EXPECT_DOUBLE_EQ(ins.activity->slots, 1.0 * b * steps * 31);
  }
  EXPECT_NO_THROW(parse_program(to_text(t.program), "again").validate(64));
}

TEST(TrainingStep, TheZooLstmsCounts) {
  const Mapped s = mapped("lstm");
  const int b = 10, steps = 28, tiles = 2;  // 156 x 512: one row tile, two column tiles
  ASSERT_EQ(s.mapping.layers[0].tiles.size(), 2u);
  const TrainingStep t = compile(s, b, 31);
  EXPECT_EQ(count(t, Op::mvm, TrainingPhase::forward, 0).instructions, b * steps * tiles);
  EXPECT_EQ(count(t, Op::mvmt, TrainingPhase::backward, 0).instructions, b * (steps - 1) * tiles);
  EXPECT_EQ(count(t, Op::update, TrainingPhase::update, 0).vectors, b * steps * tiles);
  EXPECT_EQ(count(t, Op::update, TrainingPhase::update, 1).vectors, b);
}

TEST(TrainingStep, LstmPhasesRunInOrderOnEveryCoreAndStepsBackwards) {
  const TrainingStep t = compile(mapped(lstm_graph(3, 200, 128)), 2, 31);
  std::map<int, TrainingPhase> reached;
  for (std::size_t i = 0; i < t.program.instructions.size(); ++i) {
    const int core = t.program.instructions[i].core;
    if (const auto it = reached.find(core); it != reached.end()) {
      EXPECT_LE(static_cast<int>(it->second), static_cast<int>(t.instruction_phase[i])) << i;
    }
    reached[core] = t.instruction_phase[i];
  }
  EXPECT_EQ(reached.size(), 5u);
  // The gate errors of a sample come from its last step to its first: their tags name the step.
  std::vector<std::pair<int, int>> gate_steps;  // (sample, step) of each backward gdu's following keep's tag
  for (std::size_t i = 0; i < t.program.instructions.size(); ++i) {
    const Instruction& ins = t.program.instructions[i];
    if (t.instruction_phase[i] != TrainingPhase::backward || ins.op != Op::recv || ins.tag.empty()) continue;
    const std::size_t at = ins.tag.find('t', 1);
    if (ins.layer != 0 || at == std::string::npos || ins.tag.find('z') == std::string::npos) continue;
    gate_steps.emplace_back(t.instruction_sample[i], std::stoi(ins.tag.substr(at + 1)));
  }
  ASSERT_FALSE(gate_steps.empty());
  for (std::size_t i = 1; i < gate_steps.size(); ++i) {
    if (gate_steps[i].first == gate_steps[i - 1].first) {
      EXPECT_LE(gate_steps[i].second, gate_steps[i - 1].second);
    }
  }
}

TEST(TrainingActivity, AnLstmsMeasuredCountsArePerTimeStep) {
  const Mapped s = mapped("lstm");
  // A minibatch of 10 sequences of 28 steps: 280 sample updates per LSTM tile, 10 on fc's.
  const std::vector<std::vector<UpdateCounts>> counts = {{{280, 560, 2800, 5600, 28000}, {280, 280, 2800, 560, 2800}},
                                                         {{10, 30, 100, 20, 50}}};
  const TrainingActivity a = measured_training_activity(s.mapping, counts);
  EXPECT_DOUBLE_EQ(a.per_sample[0][0].slots, 2);
  TrainingStepOptions o;
  o.batch = 10;
  o.forward = chip::model_program_options(chip::default_chip_config(), 10, false);
  const TrainingStep t = compile_training_step(s.graph, s.mapping, o, a);
  std::vector<double> slots;
  for (const Instruction& ins : t.program.instructions) {
    if (ins.op == Op::update) slots.push_back(ins.activity->slots);
  }
  EXPECT_EQ(slots, (std::vector<double>{560, 280, 30}));
}

TEST(TrainingActivity, MeasuredCountsBecomeMeansPerSampleUpdate) {
  const Mapped s = mapped("mlp");
  std::vector<std::vector<UpdateCounts>> counts;
  for (const LayerPlacement& l : s.mapping.layers)
    counts.emplace_back(l.tiles.size(), UpdateCounts{10, 300, 4000, 5000, 700});
  const TrainingActivity a = measured_training_activity(s.mapping, counts);
  EXPECT_EQ(a.source.rfind("measured", 0), 0u);
  EXPECT_DOUBLE_EQ(a.per_sample[0][3].slots, 30);
  EXPECT_DOUBLE_EQ(a.per_sample[2][0].coincidences, 70);
  counts[1].push_back(UpdateCounts{1, 1, 1, 1, 1});
  EXPECT_THROW(measured_training_activity(s.mapping, counts), ParameterError);
  counts[1].pop_back();
  counts[0][0].updates = 0;
  EXPECT_THROW(measured_training_activity(s.mapping, counts), ParameterError);
}

TEST(TrainingStep, UnsupportedInputIsRejectedByName) {
  try {
    compile(mapped("cnn"), 2, 31);
    ADD_FAILURE() << "a CNN compiled";
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.parameter(), "--train-step");
    EXPECT_NE(std::string(e.what()).find("Conv"), std::string::npos) << e.what();
  }
  const Mapped s = mapped("mlp");
  TrainingStepOptions o;
  o.forward = chip::model_program_options(chip::default_chip_config(), 1, false);
  try {
    TrainingActivity wrong = expected_training_activity(s.mapping, 31);
    wrong.per_sample[0].pop_back();
    compile_training_step(s.graph, s.mapping, o, wrong);
    ADD_FAILURE() << "an activity of the wrong shape compiled";
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.parameter(), "activity");
  }
  const Mapped replicated = mapped("mlp", Replication::fill);
  ASSERT_GT(replicated.mapping.layers[0].replicas, 1);
  try {
    compile_training_step(replicated.graph, replicated.mapping, o, expected_training_activity(replicated.mapping, 31));
    ADD_FAILURE() << "a replicated mapping compiled";
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.parameter(), "mapping");
  }
  o.batch = 0;
  EXPECT_THROW(compile_training_step(s.graph, s.mapping, o, expected_training_activity(s.mapping, 31)), ParameterError);
}

TEST(TrainingStep, UnsupportedRecurrentModelsAreRejectedByName) {
  EXPECT_TRUE(training_step_supported(mapped("mlp").graph));
  EXPECT_TRUE(training_step_supported(mapped("lstm").graph));
  EXPECT_FALSE(training_step_supported(mapped("cnn").graph));
  struct Case {
    workloads::Graph graph;
    std::string says;
  };
  workloads::Graph alone = lstm_graph(3, 8, 16);
  alone.nodes.resize(1);
  alone.outputs = {"h"};
  const std::vector<Case> cases = {{lstm_graph(3, 8, 16, true), "Y_h"},
                                   {lstm_graph(3, 8, 16, false, "bidirectional"), "several matrices"},
                                   {lstm_graph(3, 8, 16, false, "reverse"), "backwards"},
                                   {alone, "last weight layer"}};
  for (const Case& c : cases) {
    EXPECT_FALSE(training_step_supported(c.graph)) << c.says;
    const Mapped s = mapped(c.graph);
    try {
      compile(s, 2, 31);
      ADD_FAILURE() << c.says << ": compiled";
    } catch (const ParameterError& e) {
      EXPECT_EQ(e.parameter(), "--train-step");
      EXPECT_NE(std::string(e.what()).find(c.says), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("layer '"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace imcsim::firmware
