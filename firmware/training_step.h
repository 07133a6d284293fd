#pragma once
// The training-step compiler (plain C++): one minibatch of B samples of a model's training (the RPU scheme,
// hw/pulsed_array.h: forward read, transposed backward read, pulsed rank-1 update) as one Program on the model's
// weight layers, mapped as for inference but without replication (map_model with Replication::none).
//
// Phases; every instruction carries its phase, its layer (Instruction::layer) and its sample:
// - forward: the inference dataflow of B samples, exactly as the model compiler emits B inferences
//   (firmware/model_compiler.h; the last layer's outputs stay in its chain ends), with every tile's `mvm` followed
//   by a `keep` of its inputs (rows bytes per vector) in its activation store, for the update; an LSTM's MVMs are
//   one per time step (T per sample, each keeping its [x_t, h_(t-1)]), and each gate pass (`gdu` of n hidden
//   units at a chain end) is followed by a `keep` of what its backward needs: the four gates and the cell state of
//   those units in FP16 (10 n bytes);
// - backward, sample after sample, layer after layer from the last: the last layer's chain ends compute the loss
//   gradient from their outputs (`load` of the sample's label, 1 byte; `gdu` of the softmax; `act` subtracting the
//   one-hot target). A layer's error d (1 byte per value) reaches every tile of each of its column tiles
//   (`send`/`recv` from the cores that hold it), which keeps it for the update (`keep`, cols bytes). Every tile of
//   a layer after the first then reads it through its transposed array (`mvmt`: cols driven, rows converted), the
//   column tiles of each row tile add their partial sums along a chain over the column tiles
//   (emit_accumulation_chain), and the chain end multiplies the sums with the derivative of the activation before
//   the layer (`act`, when the layer before has digital operators and is no LSTM) from the inputs it keeps: the
//   error of the layer before, held by the chain ends of its row tiles. The first layer runs no transposed read;
// - backward through time of an LSTM (I inputs, H hidden, T steps; the first layer), per sample after the layers
//   above it, for t = T-1 down to 0. Column tile j's chain end holds the gates of the hidden units
//   [col0 / 4, (col0 + cols) / 4) (the forward's simplification: one h per four of its gate values). It receives
//   the dh_t of those units (at T-1 from the chain ends of the layer after, else from the step before;
//   `send`/`recv`, 1 byte per value) and computes their four gate errors dz_t (`gdu` of cols values: the
//   products with the kept gates and the cell-state error it carries from step t+1), which every tile of its
//   column tile receives and keeps (cols bytes); for t > 0 every tile holding recurrent rows (rows >= I) reads dz_t
//   through its transposed array, converting only those rows (`mvmt` of (recurrent rows) x cols), and the column
//   tiles of each such row tile add their partial sums along a chain: dh_(t-1), at the chain ends. dx_t is not
//   needed (the LSTM is the first layer), nor dh_(-1) (the initial state is no parameter), so the x rows are
//   not converted and step 0 reads nothing: B (T - 1) transposed reads per tile with recurrent rows;
// - update: one `update` per tile of B x (the layer's MVMs per sample) sample updates at pulse length BL (an MLP
//   layer's B, an LSTM's B T: each time step's rank-1 term [x_t, h_(t-1)] dz_t^T is its own pulse train, as
//   workloads/training/pulsed_lstm.h applies them), carrying the activity (totals) of the TrainingActivity
//   (firmware/training_activity.h, per sample update).
// Attribution: the delivery of a layer's d (send, recv) and its keep count for that layer and for the backward
// phase, in which they run (as soon as d exists), although the first layer needs its d only for its update: the
// update phase is the pulsed updates alone, which find x and d in the activation store. Each core's stream runs its
// phases in that order, so a core begins its backward work once it has done the whole minibatch's forward work, and its
// update once its backward work is done; cores of different layers overlap (the last layer's updates run while the
// first layers still read backwards). Simplifications: a last layer of several column tiles normalises its softmax per
// column tile (the exchange of the partial sums is not modelled); an LSTM's gate errors of a hidden unit are
// computed where the forward put its gate pass (the exchange of gate values between column tiles is not modelled
// there either); the activation store's capacity (B x (rows + cols) bytes per tile, an LSTM's B T x (rows + cols)
// and its chain ends' gates) is not checked against the core's buffers.
//
// Supported models: a chain of Gemm/MatMul layers of one MVM per sample (an MLP), optionally after one forward
// LSTM as the first weight layer whose last hidden state (Y_h) the next layer reads (the zoo's lstm): every weight
// layer's input comes, through operators with one activation input (Flatten, Relu, ...), from the layer before
// (the first's from the graph input); anything else (a Conv, a GRU, a bidirectional or reverse LSTM, an LSTM
// after another layer or as the last one, a layer reading every step's h) is ParameterError("--train-step") naming
// the layer. The mapping must come from map_model on the graph's weight layers without replication (else
// ParameterError("mapping")) and the activity must have its shape (ParameterError("activity")).

#include <string>
#include <vector>

#include "base/name_table.h"
#include "firmware/model_compiler.h"
#include "firmware/training_activity.h"

namespace imcsim::firmware {

enum class TrainingPhase { forward, backward, update };
/// forward, backward, update (report.json's names, in that order).
const NameTable<TrainingPhase>& training_phase_names();

struct TrainingStepOptions {
  int batch = 10;         ///< B, samples per minibatch (1 to 4096)
  int pulse_length = 31;  ///< BL, slots per sample update (1 to 1024)
  /// Buffers of the forward pass (chip::model_program_options); its inferences, programming, outputs and
  /// credits are the training step's own.
  ModelProgramOptions forward;
};

struct TrainingStep {
  std::string model;
  Program program;
  std::vector<TrainingPhase> instruction_phase;  ///< per instruction
  std::vector<int> instruction_sample;           ///< per instruction: its sample; -1: all of them (the updates)
  std::vector<LayerSummary> layers;              ///< index = Instruction::layer (the forward pass's)
  int batch = 0;
  int pulse_length = 0;
  TrainingActivity activity;
  int cores_used = 0;
};

/// Whether `graph` is a supported model (see the top of this file), so that compile_training_step accepts it
/// with a mapping of its weight layers. Throws what workloads::weight_layers throws.
bool training_step_supported(const workloads::Graph& graph);

/// Throws ParameterError("--train-step") naming the first layer that keeps `graph` from being a supported model
/// (see the top of this file), ParameterError("mapping") when the mapping's layers are not its weight layers.
void check_training_step_supported(const workloads::Graph& graph, const ModelMapping& mapping);

/// Compiles one minibatch (see the top of this file). Throws ParameterError for bad options (batch x an LSTM's
/// steps above 2^24 sample updates among them), an unsupported model, a replicated mapping or an activity of
/// another shape.
TrainingStep compile_training_step(const workloads::Graph& graph, const ModelMapping& mapping,
                                   const TrainingStepOptions& options, const TrainingActivity& activity);

}  // namespace imcsim::firmware
