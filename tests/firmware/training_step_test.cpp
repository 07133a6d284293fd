// The training-step compiler (firmware/training_step.h) on the zoo MLP (784-256-128-10: 4 + 1 + 1 tiles on
// 256 x 256 cores) and its activity (firmware/training_activity.h). Plain C++: nothing here simulates.

#include "firmware/training_step.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "base/errors.h"
#include "chip/accuracy.h"
#include "chip/model_timing.h"
#include "workloads/onnx_import.h"

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

}  // namespace
}  // namespace imcsim::firmware
