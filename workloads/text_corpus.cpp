#include "workloads/text_corpus.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numeric>
#include <string_view>

#include "base/errors.h"

namespace imcsim::workloads {

namespace {

const std::string setup_hint = "run scripts/setup.sh (Debian package fortunes)";

/// The whole content of a fortune file; InputError naming it when it is missing or unreadable.
std::string read_fortune_file(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) {
    throw InputError(path, 0, 0, "file", "missing fortune file: " + setup_hint);
  }
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(path, 0, 0, "file", "cannot be read");
  return text;
}

/// The fortunes of one file's text in order: the non-empty runs of lines between "%" lines, each line ending
/// with '\n'.
std::vector<std::string> fortunes_of(const std::string& text) {
  std::vector<std::string> fortunes;
  std::string current;
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t newline = text.find('\n', begin);
    const std::size_t end = newline == std::string::npos ? text.size() : newline;
    const std::string_view line(text.data() + begin, end - begin);
    if (line == "%") {
      if (!current.empty()) fortunes.push_back(std::move(current));
      current.clear();
    } else {
      current.append(line);
      current.push_back('\n');
    }
    begin = end + 1;
  }
  if (!current.empty()) fortunes.push_back(std::move(current));
  return fortunes;
}

/// Appends one fortune's symbols to its split unless the split is full; a split that cannot take a fortune
/// stays full, so it keeps a prefix of its fortunes.
void add_fortune(TextCorpus& corpus, std::array<bool, 3>& full, const std::string& fortune, std::int64_t max_bytes) {
  const auto s = static_cast<std::size_t>(split_of_fortune(corpus.fortunes_read));
  ++corpus.fortunes_read;
  std::vector<std::uint8_t>& symbols = corpus.symbols[s];
  if (full[s] || (max_bytes > 0 && static_cast<std::int64_t>(symbols.size() + fortune.size()) > max_bytes)) {
    full[s] = true;
    return;
  }
  for (const char c : fortune) symbols.push_back(static_cast<std::uint8_t>(symbol_of(static_cast<unsigned char>(c))));
  ++corpus.fortunes[s];
}

void check_sequence_length(int length) {
  if (length < 1) throw ParameterError("sequence_length", "must be at least 1, not " + std::to_string(length));
}

void check_time_step(int t, int length) {
  if (t < 0 || t >= length) {
    throw ParameterError("time_step", std::to_string(t) + " is not in [0, " + std::to_string(length) + ")");
  }
}

std::int64_t total_count(const std::array<std::int64_t, text_symbols>& counts) {
  return std::accumulate(counts.begin(), counts.end(), std::int64_t{0});
}

}  // namespace

int symbol_of(unsigned char byte) {
  if (byte >= 32 && byte <= 126) return byte - 32;
  if (byte == '\n') return symbol_newline;
  if (byte == '\t') return symbol_tab;
  return symbol_other;
}

unsigned char byte_of(int symbol) {
  if (symbol >= 0 && symbol < text_printable_symbols) return static_cast<unsigned char>(symbol + 32);
  if (symbol == symbol_newline) return '\n';
  if (symbol == symbol_tab) return '\t';
  if (symbol == symbol_other) return other_byte;
  throw ParameterError("symbol", std::to_string(symbol) + " is not in [0, " + std::to_string(text_symbols) + ")");
}

const NameTable<TextSplit>& text_split_names() {
  static const NameTable<TextSplit> names{
      {TextSplit::train, "train"}, {TextSplit::validation, "validation"}, {TextSplit::test, "test"}};
  return names;
}

TextSplit split_of_fortune(std::int64_t k) {
  const std::int64_t phase = k % fortune_split_period;
  if (phase == 0) return TextSplit::test;
  if (phase == 1) return TextSplit::validation;
  return TextSplit::train;
}

std::string fortunes_directory() { return "/usr/share/games/fortunes"; }

std::vector<std::string> fortunes_files() {
  return {"art",        "ascii-art",     "computers", "cookie",      "debian",      "definitions", "disclaimer",
          "drugs",      "education",     "ethnic",    "food",        "goedel",      "humorists",   "kids",
          "knghtbrd",   "law",           "linux",     "linuxcookie", "love",        "magic",       "medicine",
          "men-women",  "miscellaneous", "news",      "paradoxum",   "people",      "perl",        "pets",
          "platitudes", "politics",      "pratchett", "science",     "songs-poems", "sports",      "startrek",
          "tao",        "translate-me",  "wisdom",    "work",        "zippy"};
}

TextCorpus load_text_corpus(std::int64_t max_bytes_per_split, const std::string& directory,
                            const std::vector<std::string>& files) {
  if (!std::filesystem::is_directory(directory)) {
    throw InputError(directory, 0, 0, "directory", "no fortunes corpus here: " + setup_hint);
  }
  if (files.empty()) throw InputError(directory, 0, 0, "files", "no fortune files to read");
  TextCorpus corpus;
  corpus.directory = directory;
  corpus.files = files;
  std::array<bool, 3> full{};
  for (const std::string& name : files) {
    for (const std::string& fortune :
         fortunes_of(read_fortune_file((std::filesystem::path(directory) / name).string()))) {
      add_fortune(corpus, full, fortune, max_bytes_per_split);
    }
  }
  if (corpus.fortunes_read == 0) {
    throw InputError(
        directory, 0, 0, "files",
        "no fortunes (text between '%' lines) in the " + std::to_string(files.size()) + " files: " + setup_hint);
  }
  return corpus;
}

std::int64_t sequence_count(std::int64_t symbols, int length) {
  check_sequence_length(length);
  return symbols > 1 ? (symbols - 1) / length : 0;
}

hw::BatchMatrix SymbolBatch::one_hot_inputs(int t) const {
  check_time_step(t, length);
  hw::BatchMatrix x = hw::BatchMatrix::Zero(sequences, text_symbols);
  for (int b = 0; b < sequences; ++b) x(b, inputs[static_cast<std::size_t>(t) * sequences + b]) = 1.0f;
  return x;
}

std::vector<int> SymbolBatch::targets_at(int t) const {
  check_time_step(t, length);
  const auto begin = targets.begin() + static_cast<std::ptrdiff_t>(t) * sequences;
  return std::vector<int>(begin, begin + sequences);
}

SymbolBatch make_symbol_batch(const std::vector<std::uint8_t>& split, int length, const std::vector<int>& order,
                              int first, int count) {
  const std::int64_t sequences = sequence_count(static_cast<std::int64_t>(split.size()), length);
  if (first < 0 || count < 0 || static_cast<std::size_t>(first) + count > order.size()) {
    throw ParameterError("sequence", "batch [" + std::to_string(first) + ", " + std::to_string(first + count) +
                                         ") is outside the order of " + std::to_string(order.size()) + " sequences");
  }
  SymbolBatch batch;
  batch.sequences = count;
  batch.length = length;
  batch.inputs.resize(static_cast<std::size_t>(length) * count);
  batch.targets.resize(batch.inputs.size());
  for (int b = 0; b < count; ++b) {
    const int index = order[static_cast<std::size_t>(first) + b];
    if (index < 0 || index >= sequences) {
      throw ParameterError("sequence", std::to_string(index) + " is not in [0, " + std::to_string(sequences) + ")");
    }
    const std::size_t start = static_cast<std::size_t>(index) * length;
    for (int t = 0; t < length; ++t) {
      batch.inputs[static_cast<std::size_t>(t) * count + b] = split[start + t];
      batch.targets[static_cast<std::size_t>(t) * count + b] = split[start + t + 1];
    }
  }
  return batch;
}

std::array<std::int64_t, text_symbols> symbol_counts(const std::vector<std::uint8_t>& symbols) {
  std::array<std::int64_t, text_symbols> counts{};
  for (const std::uint8_t s : symbols) ++counts[s];
  return counts;
}

double unigram_entropy_bits(const std::array<std::int64_t, text_symbols>& counts) {
  const std::int64_t total = total_count(counts);
  double bits = 0;
  for (const std::int64_t c : counts) {
    if (c > 0) {
      const double p = static_cast<double>(c) / static_cast<double>(total);
      bits -= p * std::log2(p);
    }
  }
  return bits;
}

double unigram_cross_entropy_bits(const std::array<std::int64_t, text_symbols>& model_counts,
                                  const std::array<std::int64_t, text_symbols>& text_counts) {
  const double model_total = static_cast<double>(total_count(model_counts) + text_symbols);
  const std::int64_t text_total = total_count(text_counts);
  double bits = 0;
  for (int s = 0; s < text_symbols; ++s) {
    if (text_counts[s] > 0) {
      bits -= static_cast<double>(text_counts[s]) * std::log2(static_cast<double>(model_counts[s] + 1) / model_total);
    }
  }
  return text_total > 0 ? bits / static_cast<double>(text_total) : 0.0;
}

}  // namespace imcsim::workloads
