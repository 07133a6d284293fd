#pragma once
// The model compiler (plain C++): a whole model, mapped onto the chip by map_model (firmware/model_mapping.h),
// becomes one Program that pipelines a representative number of inferences through the chip.
//
// Stages. Every weight layer of the graph (workloads/weight_layers.h) is one stage, in graph order. Its MVM steps
// (output pixels of a Conv in raster order, time steps of an LSTM/GRU, vectors of a Gemm) are served by its replicas,
// a Conv's in blocks of consecutive pixels (replica r the r-th block, so it reads one stripe of its input map), the
// others round robin (step % replicas), and batched into chunks of up to `vectors` steps, one `mvm ... vectors=V` per
// tile and chunk: V is what the input buffer (V x tile rows bytes) and the output buffer (V x tile cols x 2 bytes)
// hold, and 1 for recurrent layers (step t needs h_{t-1}). Per chunk, every tile of the replica receives its inputs
// (from the previous stage's chain ends, `recv`; the first stage `load`s from the off-chip port unless
// inputs_preloaded), runs its `mvm`, and
// the row tiles of each column tile accumulate their partial sums along a streaming chain (emit_accumulation_chain,
// firmware/accumulation_chain.h). The chain's last core then runs the digital operators that follow the weight
// layer in the graph up to the next weight layer: bias, folded BatchNorm and activation ride in the chain's own
// digital pass; a residual Add is an `acc` of the other branch's data (received from the stage that produced it);
// pooling is a `pool` pass; an elementwise operator after those is another `act` pass; LSTM/GRU gates are `gdu`.
// It then sends its outputs to the tiles of the consuming stages (or `store`s them when they are model outputs).
// A GRU's R_h chain ends add the W and R_zr sums; with linear_before_reset = 0 they do so before R_h's MVMs of the
// step, compute the reset gate (`gdu`) and send r_t * h_{t-1} to R_h's rows, whose MVM waits for it, then run the
// other gates after the product; with 1, R_h reads h_{t-1} and all the gates follow its product.
//
// Data between stages. A consumer tile receives from a producer chain end the part of the producer's output that
// its rows read (channel ranges; a Conv's rows are C/group x kH x kW, a Gemm after Flatten reads C x H x W). Into a
// Conv, by pixel (firmware/conv_windows.h): each input pixel that the windows of a replica's output pixels read is
// sent to that replica once, with the first of its chunks that reads it, by the producer chunk that completes the
// pixel (a producer's pooling windows map a pooled pixel to the last step it pools; a producer that is not a Conv
// on the same map completes pixels in proportion to its steps); so a chunk waits for the input rows its windows
// reach below it (the halo), and a replica receives the union of its windows, not the whole map. A Conv on the
// graph input loads the same pixels per chunk. Same number of steps and not into a Conv: time step s goes to the
// replica and chunk of the consumer step that runs time step s (an RNN's reverse direction runs its steps
// backwards: its step k is time step steps - 1 - k); otherwise (a Gemm after a whole feature map) a producer step
// is sent, to every consumer replica, with the first consumer chunk that has progressed as far through the
// inference (a reverse direction's first chunk: it runs the last time step). Sends for one consumer chunk are
// coalesced while they fit the output buffer. Recurrent layers send h to their own tiles for their next step (time
// step t + 1, or t - 1 in a reverse direction). Simplification: a pooled pixel is sent by the replica that computes
// its last pooled step, as if that replica held all of its window.
//
// Inferences are issued one after another; streams synchronise only through send/recv, so inference i + 1 enters
// the first stage while inference i is in later ones (a pipeline). Credits (in_flight) keep a producer from
// running more than that many inferences ahead of its consumers, as finite buffers would. With program_weights,
// the Program begins with programming every tile and a barrier.
//
// Contract: the mapping must come from map_model on the graph's weight layers (chip::layer_shapes) (same layers, same
// order), else ParameterError("mapping"). The Program validates on mapping.chip.cores() cores; every instruction
// carries its stage in Instruction::layer (Program::layers holds the weight layers' names).

#include <cstdint>
#include <string>
#include <vector>

#include "firmware/model_mapping.h"
#include "firmware/program.h"
#include "workloads/graph.h"

namespace imcsim::firmware {

struct ModelProgramOptions {
  int inferences = 8;            ///< inferences issued back to back through the pipeline (>= 1)
  bool program_weights = false;  ///< begin with programming every tile's weights, then a barrier
  int vectors_per_mvm = 0;       ///< MVM vectors per instruction; 0: what the buffers hold
  /// Credits: a stage may begin inference i only once each stage it feeds has finished inference i - in_flight
  /// (a one-byte token from that stage's last chain end to each of its cores); 0: producers run ahead freely
  /// (receivers buffer without bound: the steady state is the bottleneck's pace, early inferences queue).
  int in_flight = 0;
  double input_buffer_bytes = 512;    ///< per core: input vectors of 8-bit codes
  double output_buffer_bytes = 1024;  ///< per core: 16-bit outputs; also the largest message a core sends
  /// The graph inputs are already in the input buffers of the cores that read them (no `load` from the off-chip
  /// port), as in the published layer measurements of HERMES; `imcsim layer --preloaded-inputs`.
  bool inputs_preloaded = false;
  /// The model outputs stay in the chain ends' output buffers (no `store`); `imcsim layer --keep-outputs`.
  bool outputs_kept = false;
};

/// What the compiler made of one weight layer (Program::layers[k] is its name).
struct LayerSummary {
  std::string name;
  std::string op;  ///< the node's operator: Gemm, MatMul, Conv, LSTM, GRU
  int rows = 0;
  int cols = 0;
  std::int64_t mvms_per_inference = 0;
  int row_tiles = 0;
  int col_tiles = 0;
  int replicas = 1;
  int cores = 0;
  double cell_utilisation = 0;           ///< weights / cells of one replica's cores
  int vectors_per_mvm = 1;               ///< V: vectors per mvm instruction
  std::int64_t macs_per_inference = 0;   ///< rows x cols x mvms_per_inference
  std::vector<std::string> digital_ops;  ///< graph operators its chain ends run ("Relu", "MaxPool", "Add", ...)
  std::vector<int> core_ids;             ///< the cores of its tiles, in LayerPlacement::tiles order
};

struct CompiledModel {
  std::string model;  ///< the graph's name
  Program program;
  std::vector<LayerSummary> layers;        ///< index = Instruction::layer
  std::vector<int> instruction_inference;  ///< per instruction: the inference it serves; -1: programming, barrier
  int inferences = 0;
  bool programs_weights = false;
  std::int64_t macs_per_inference = 0;  ///< every node's MACs (workloads::node_macs); 2 ops per MAC
  int cores_used = 0;
};

/// Compiles the model's Program (see the top of this file). Throws ParameterError for bad options or a mapping
/// that does not belong to the graph.
CompiledModel compile_model(const workloads::Graph& graph, const ModelMapping& mapping,
                            const ModelProgramOptions& options);

}  // namespace imcsim::firmware
