#pragma once
// A character-level text corpus for language models: the fortune cookies of Debian's `fortunes` package
// (docs/text-corpus.md).
//
// What is read: the fortune files named by fortunes_files() in a directory (Debian's: fortunes_directory()),
// in that order. A line that is exactly "%" separates two fortunes; a fortune is the text between separators,
// each of its lines ending with '\n' (a file's last line gets one if it lacks it). Empty fortunes are dropped.
// Fortunes are numbered k = 0, 1, ... over the whole list of files; fortune k belongs to the test split when
// k % 20 == 0, to the validation split when k % 20 == 1, and to the training split otherwise. A split's text is
// its fortunes concatenated in order, so no fortune is in two splits.
//
// Vocabulary (text_symbols = 98): symbol s < 95 is the printable ASCII byte 32 + s; symbol_newline is '\n',
// symbol_tab is '\t'; every other byte (other control bytes, DEL, the bytes of UTF-8 characters) is
// symbol_other, which byte_of() writes as the ASCII substitute byte 0x1A.
//
// Sequences of length L: sequence i of a split covers its L + 1 symbols i L .. i L + L; its inputs are the
// first L of them, its targets the last L (target t is input t + 1). Consecutive sequences share one boundary symbol,
// so inputs (and targets) of different sequences never overlap and every symbol but the first is a target exactly once.
// A split of n symbols holds floor((n - 1) / L) sequences; the symbols after the last one are not used.
//
// Contract: every error (missing directory, missing or unreadable file, no files, no fortunes) is an InputError
// naming the directory or file; those of a missing corpus (directory, file, no fortunes) say to run
// scripts/setup.sh. A loaded corpus is a pure function of the files' contents and max_bytes_per_split.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "base/name_table.h"
#include "hw/types.h"

namespace imcsim::workloads {

constexpr int text_printable_symbols = 95;  ///< bytes 32 .. 126
constexpr int symbol_newline = 95;
constexpr int symbol_tab = 96;
constexpr int symbol_other = 97;
constexpr int text_symbols = 98;            ///< vocabulary size
constexpr unsigned char other_byte = 0x1A;  ///< byte_of(symbol_other): ASCII SUB
constexpr int fortune_split_period = 20;    ///< fortune k: test if k % 20 == 0, validation if == 1, else train
constexpr int text_sequence_length = 100;   ///< the sequence length of issue 18's language model

/// The symbol of a byte (see the vocabulary above).
int symbol_of(unsigned char byte);
/// The byte of a symbol in [0, text_symbols); throws ParameterError for another value.
unsigned char byte_of(int symbol);

enum class TextSplit { train, validation, test };
/// "train", "validation", "test", in that order.
const NameTable<TextSplit>& text_split_names();
/// The split of fortune k of the corpus.
TextSplit split_of_fortune(std::int64_t k);

struct TextCorpus {
  std::string directory;
  std::vector<std::string> files;                    ///< file names read, in order
  std::int64_t fortunes_read = 0;                    ///< non-empty fortunes in the files (before max_bytes)
  std::array<std::int64_t, 3> fortunes{};            ///< per split (index: TextSplit), after max_bytes
  std::array<std::vector<std::uint8_t>, 3> symbols;  ///< per split: its text as symbols
  const std::vector<std::uint8_t>& split(TextSplit s) const { return symbols[static_cast<std::size_t>(s)]; }
  std::int64_t split_fortunes(TextSplit s) const { return fortunes[static_cast<std::size_t>(s)]; }
};

/// Debian's installation directory of the fortune files.
std::string fortunes_directory();
/// The fortune files of Debian's `fortunes` package (version 1:1.99.1-7.3), sorted: every regular file without
/// an extension that the package installs in fortunes_directory(). The .dat index files, the .u8 links and the
/// files of other packages in the same directory (fortunes-min's fortunes, literature, riddles) are not read.
std::vector<std::string> fortunes_files();

/// The corpus of `files` in `directory`. With max_bytes_per_split > 0 each split keeps its leading fortunes
/// while their total stays within max_bytes_per_split bytes (it stops at the first fortune that does not fit).
TextCorpus load_text_corpus(std::int64_t max_bytes_per_split = 0, const std::string& directory = fortunes_directory(),
                            const std::vector<std::string>& files = fortunes_files());

/// Sequences of `length` symbols in a split of `symbols` symbols: floor((symbols - 1) / length), 0 when empty.
std::int64_t sequence_count(std::int64_t symbols, int length);

/// A minibatch of B sequences of length L, as a trainer with one-hot inputs and softmax targets uses it one
/// time step at a time. Ids are time-major: inputs[t * B + b] is input t of the batch's sequence b.
struct SymbolBatch {
  int sequences = 0;         ///< B
  int length = 0;            ///< L
  std::vector<int> inputs;   ///< L x B symbol ids
  std::vector<int> targets;  ///< L x B symbol ids; targets at t are the inputs at t + 1
  /// The inputs of time step t, one-hot: B x text_symbols, row b holds a 1 at its symbol.
  hw::BatchMatrix one_hot_inputs(int t) const;
  /// The targets of time step t, one per sequence (the labels of a softmax cross-entropy).
  std::vector<int> targets_at(int t) const;
};

/// Sequences order[first .. first + count) of a split (indices below sequence_count(split.size(), length)).
/// Throws ParameterError for a length below 1 or an index out of range.
SymbolBatch make_symbol_batch(const std::vector<std::uint8_t>& split, int length, const std::vector<int>& order,
                              int first, int count);

/// How often each symbol occurs in `symbols` (text_symbols counts).
std::array<std::int64_t, text_symbols> symbol_counts(const std::vector<std::uint8_t>& symbols);
/// The entropy of the symbols' frequencies in bits per character: the cross-entropy of the best model that
/// ignores context, on the same text (0 when empty).
double unigram_entropy_bits(const std::array<std::int64_t, text_symbols>& counts);
/// The cross-entropy in bits per character of the unigram model of `model_counts`, add-one smoothed (each of the
/// text_symbols symbols counts once more, so none has probability 0), on a text of `text_counts` (0 when empty).
double unigram_cross_entropy_bits(const std::array<std::int64_t, text_symbols>& model_counts,
                                  const std::array<std::int64_t, text_symbols>& text_counts);

}  // namespace imcsim::workloads
