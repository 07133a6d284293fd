// How a convolution stage receives its input (firmware/model_compiler.h, "Data between stages"): the receptive-field
// index math (firmware/conv_windows.h), a chunk's wait for the input rows below it (its halo), a replica's share of
// the input map (the windows of its block of output pixels), and the pooled pixels a producer completes. Graphs are
// built in code; the timed test runs one per process.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "chip/accuracy.h"
#include "chip/model_timing.h"
#include "chip/simulation.h"
#include "firmware/conv_windows.h"
#include "firmware/model_compiler.h"
#include "workloads/shape_inference.h"

namespace imcsim::firmware {
namespace {

using workloads::operators::Window;

Window window_3x3(std::int64_t in_h, std::int64_t in_w, std::int64_t stride, std::int64_t pad) {
  Window w;
  w.in_h = in_h;
  w.in_w = in_w;
  w.kernel_h = w.kernel_w = 3;
  w.stride_h = w.stride_w = stride;
  w.pad_top = w.pad_left = w.pad_bottom = w.pad_right = pad;
  w.out_h = (in_h + 2 * pad - 3) / stride + 1;
  w.out_w = (in_w + 2 * pad - 3) / stride + 1;
  return w;
}

TEST(ConvWindows, WindowPixelsLeaveOutThePaddingAndFollowStrideAndDilation) {
  const Window w = window_3x3(5, 5, 1, 1);
  EXPECT_EQ(window_pixels(w, 0), (std::vector<int>{0, 1, 5, 6}));
  EXPECT_EQ(window_pixels(w, 12), (std::vector<int>{6, 7, 8, 11, 12, 13, 16, 17, 18}));
  Window strided = window_3x3(5, 5, 2, 0);  // 2 x 2 outputs
  EXPECT_EQ(window_pixels(strided, 3), (std::vector<int>{12, 13, 14, 17, 18, 19, 22, 23, 24}));
  Window dilated = window_3x3(5, 5, 1, 0);
  dilated.dilation_h = dilated.dilation_w = 2;
  dilated.out_h = dilated.out_w = 1;
  EXPECT_EQ(window_pixels(dilated, 0), (std::vector<int>{0, 2, 4, 10, 12, 14, 20, 22, 24}));
}

TEST(ConvWindows, FirstReadsGiveEachPixelToTheFirstChunkThatReadsIt) {
  const Window w = window_3x3(4, 4, 1, 1);
  // Output rows 0 and 2 as two chunks: row 0 reads input rows 0-1, row 2 rows 1-3 of which row 1 is taken.
  const auto reads = first_reads(w, {{0, 1, 2, 3}, {8, 9, 10, 11}});
  ASSERT_EQ(reads.size(), 2u);
  EXPECT_EQ(reads[0], (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(reads[1], (std::vector<int>{8, 9, 10, 11, 12, 13, 14, 15}));
}

TEST(ConvWindows, APooledPixelIsCompletedByTheLastPixelOfItsWindow) {
  Window pool;
  pool.in_h = pool.in_w = 4;
  pool.kernel_h = pool.kernel_w = 2;
  pool.stride_h = pool.stride_w = 2;
  pool.out_h = pool.out_w = 2;
  EXPECT_EQ(completing_pixels(pool), (std::vector<int>{5, 7, 13, 15}));
}

workloads::Attribute ints(std::vector<std::int64_t> v) {
  workloads::Attribute a;
  a.kind = workloads::Attribute::Kind::integers;
  a.ints = std::move(v);
  return a;
}

struct ConvSpec {
  std::int64_t out_channels = 4;
  std::int64_t stride = 1;
  bool pool_after = false;  ///< a 2 x 2 MaxPool (stride 2) after it
};

/// x (1 x 4 x 8 x 8) through 3 x 3 convolutions with padding 1, each as `specs` says.
workloads::Graph conv_graph(const std::vector<ConvSpec>& specs) {
  workloads::Graph g;
  g.name = "convs";
  g.inputs = {"x"};
  workloads::Tensor x;
  x.name = "x";
  x.shape = {1, 4, 8, 8};
  x.batch_axis = 0;
  g.tensors["x"] = x;
  std::string current = "x";
  std::int64_t channels = 4;
  for (std::size_t k = 0; k < specs.size(); ++k) {
    const std::string id = std::to_string(k);
    workloads::Tensor w;
    w.name = "w" + id;
    w.shape = {specs[k].out_channels, channels, 3, 3};
    w.constant = true;
    w.data.assign(static_cast<std::size_t>(specs[k].out_channels * channels * 9), 0.01f);
    g.tensors[w.name] = w;
    workloads::Node conv;
    conv.name = "conv" + id;
    conv.op = "Conv";
    conv.inputs = {current, w.name};
    conv.outputs = {"y" + id};
    conv.attributes["kernel_shape"] = ints({3, 3});
    conv.attributes["pads"] = ints({1, 1, 1, 1});
    conv.attributes["strides"] = ints({specs[k].stride, specs[k].stride});
    g.nodes.push_back(conv);
    current = conv.outputs[0];
    if (specs[k].pool_after) {
      workloads::Node pool;
      pool.name = "pool" + id;
      pool.op = "MaxPool";
      pool.inputs = {current};
      pool.outputs = {"p" + id};
      pool.attributes["kernel_shape"] = ints({2, 2});
      pool.attributes["strides"] = ints({2, 2});
      g.nodes.push_back(pool);
      current = pool.outputs[0];
    }
    channels = specs[k].out_channels;
  }
  g.outputs = {current};
  workloads::infer_graph_shapes(g);
  return g;
}

/// The graph mapped without replication, then layer `layer` given `replicas` replicas on unused cores.
ModelMapping mapping_of(const workloads::Graph& g, int layer = 0, int replicas = 1) {
  ModelMapping m =
      map_model(chip::layer_shapes(g), chip::chip_geometry(chip::default_chip_config()), Replication::none);
  LayerPlacement& l = m.layers[static_cast<std::size_t>(layer)];
  const std::vector<Tile> one = l.tiles;
  int next = m.cores_used();
  for (int r = 1; r < replicas; ++r) {
    for (Tile t : one) {
      t.core = next++;
      l.tiles.push_back(t);
    }
  }
  l.replicas = replicas;
  return m;
}

CompiledModel compile(const workloads::Graph& g, const ModelMapping& m, int vectors) {
  ModelProgramOptions o;
  o.inferences = 1;
  o.vectors_per_mvm = vectors;
  return compile_model(g, m, o);
}

/// Per mvm of `layer` (in program order, one tile per replica): the producer chunks (mvm count on the sending core
/// before the send, from 0) of every delivery its core received since its previous mvm, and their bytes.
struct Received {
  std::set<int> producer_chunks;
  int bytes = 0;
};
std::vector<Received> received_per_mvm(const CompiledModel& c, int layer) {
  const auto& ins = c.program.instructions;
  std::map<int, int> mvms_so_far;                   // core -> mvms issued so far
  std::map<std::string, std::pair<int, int>> sent;  // tag + receiving core -> producer chunk, bytes
  for (const Instruction& i : ins) {
    if (i.op == Op::mvm) ++mvms_so_far[i.core];
    if (i.op == Op::send && i.layer == layer - 1)
      sent[i.tag + "/" + std::to_string(i.peer)] = {mvms_so_far[i.core] - 1, i.bytes};
  }
  std::vector<Received> out;
  std::map<int, Received> pending;  // core -> since its last mvm
  for (const Instruction& i : ins) {
    if (i.layer != layer) continue;
    if (i.op == Op::recv) {
      const auto& [chunk, bytes] = sent.at(i.tag + "/" + std::to_string(i.core));
      pending[i.core].producer_chunks.insert(chunk);
      pending[i.core].bytes += bytes;
    } else if (i.op == Op::mvm) {
      out.push_back(pending[i.core]);
      pending[i.core] = {};
    }
  }
  return out;
}

// 8 x 8 maps, one output row per chunk (8 vectors): conv1's row m reads input rows m - 1 .. m + 1, so it waits for
// conv0's chunk m + 1 (the old fraction-of-steps rule sent conv0's chunk m with it, not m + 1). Deliveries for one
// chunk are coalesced: rows 0 and 1 come together after conv0's chunk 1.
TEST(ConvDelivery, AChunkWaitsForTheInputRowsBelowIt) {
  const workloads::Graph g = conv_graph({{}, {}});
  const CompiledModel c = compile(g, mapping_of(g), 8);
  const auto got = received_per_mvm(c, 1);
  ASSERT_EQ(got.size(), 8u);
  EXPECT_EQ(got[0].producer_chunks, (std::set<int>{1}));
  EXPECT_EQ(got[0].bytes, 2 * 8 * 4);  // input rows 0 and 1, 4 channels
  for (int m = 1; m < 7; ++m) {
    EXPECT_EQ(got[static_cast<std::size_t>(m)].producer_chunks, (std::set<int>{m + 1})) << "chunk " << m;
    EXPECT_EQ(got[static_cast<std::size_t>(m)].bytes, 8 * 4) << "chunk " << m;
  }
  EXPECT_TRUE(got[7].producer_chunks.empty());  // row 7 reads rows 6 and 7, already there
}

// conv0's 8 x 8 map is pooled to 4 x 4; with 4 vectors per chunk conv0's chunk k is half of row k / 2, conv1's chunk
// m is output row m. Row 0 reads pooled rows 0 and 1, which conv0's row 3 completes: its chunk 7 (old rule: 3).
TEST(ConvDelivery, APooledProducerSendsAPixelWithTheChunkThatCompletesIt) {
  const workloads::Graph g = conv_graph({{4, 1, true}, {}});
  const CompiledModel c = compile(g, mapping_of(g), 4);
  const auto got = received_per_mvm(c, 1);
  ASSERT_EQ(got.size(), 4u);
  ASSERT_FALSE(got[0].producer_chunks.empty());
  EXPECT_EQ(*got[0].producer_chunks.rbegin(), 7);
  EXPECT_EQ(got[0].bytes, 2 * 4 * 4);  // pooled rows 0 and 1, 4 channels
}

/// The input pixels (of in_h x in_w) that the outputs [first, last) of a 3 x 3 window read, counted directly.
int union_of_windows(int in_h, int in_w, int stride, int pad, int first, int last) {
  const int out_w = (in_w + 2 * pad - 3) / stride + 1;
  std::set<std::pair<int, int>> read;
  for (int s = first; s < last; ++s) {
    for (int dy = 0; dy < 3; ++dy) {
      for (int dx = 0; dx < 3; ++dx) {
        const int y = (s / out_w) * stride - pad + dy, x = (s % out_w) * stride - pad + dx;
        if (y >= 0 && y < in_h && x >= 0 && x < in_w) read.insert({y, x});
      }
    }
  }
  return static_cast<int>(read.size());
}

// conv1 (stride 2, 4 x 4 outputs) on 2 replicas: replica 0 serves output rows 0-1 (input rows 0-3), replica 1 rows
// 2-3 (input rows 3-7): 32 and 40 of the 64 input pixels, not the whole map as before.
TEST(ConvDelivery, EachReplicaReceivesTheUnionOfItsWindows) {
  const workloads::Graph g = conv_graph({{}, {4, 2, false}});
  const ModelMapping m = mapping_of(g, 1, 2);
  const CompiledModel c = compile(g, m, 0);
  std::map<int, int> replica_of_core;
  const LayerPlacement& l = m.layers[1];
  for (int r = 0; r < l.replicas; ++r) replica_of_core[l.tile(r, 0, 0).core] = r;
  std::map<int, int> bytes;
  for (const Instruction& i : c.program.instructions) {
    if (i.op == Op::send && i.layer == 0 && replica_of_core.count(i.peer) > 0)
      bytes[replica_of_core[i.peer]] += i.bytes;
  }
  for (int r = 0; r < 2; ++r) {
    const int expected = union_of_windows(8, 8, 2, 1, 8 * r, 8 * r + 8) * 4;
    EXPECT_EQ(bytes[r], expected) << "replica " << r;
    EXPECT_LT(bytes[r], 8 * 8 * 4) << "replica " << r;
  }
  EXPECT_EQ(union_of_windows(8, 8, 2, 1, 0, 8), 32);
  EXPECT_EQ(union_of_windows(8, 8, 2, 1, 8, 16), 40);
}

// A graph-input convolution loads what its windows read first: 2 replicas of a stride-2 conv0 load 32 and 40
// pixels of the 8 x 8 x 4 input, not half of it each.
TEST(ConvDelivery, LoadsFollowTheWindowsToo) {
  const workloads::Graph g = conv_graph({{4, 2, false}});
  const ModelMapping m = mapping_of(g, 0, 2);
  const CompiledModel c = compile(g, m, 0);
  std::map<int, int> bytes;
  for (const Instruction& i : c.program.instructions) {
    if (i.op == Op::load) bytes[i.core] += i.bytes;
  }
  EXPECT_EQ(bytes[m.layers[0].tile(0, 0, 0).core], 32 * 4);
  EXPECT_EQ(bytes[m.layers[0].tile(1, 0, 0).core], 40 * 4);
}

// The halo and the replicas' shares through a timed run: every send finds its recv and the run ends.
TEST(ConvDeliveryTiming, ReplicatedConvolutionsRunToTheEnd) {
  const workloads::Graph g = conv_graph({{}, {4, 1, true}, {}});
  ModelMapping m = mapping_of(g, 1, 3);
  ModelProgramOptions o = chip::model_program_options(chip::default_chip_config(), 3, false);
  const chip::ModelTiming t = chip::time_model(chip::default_chip_config(), compile_model(g, m, o));
  EXPECT_GT(t.per_inference_ns, 3 * 133.0);
  ASSERT_EQ(t.layers.size(), 3u);
  for (const auto& l : t.layers) EXPECT_GT(l.busy_ns, 0) << l.name;
}

}  // namespace
}  // namespace imcsim::firmware
