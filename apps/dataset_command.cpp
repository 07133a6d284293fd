// imcsim dataset: load a data set as an accuracy run or a language model would and summarise it (JSON).

#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>

#include "apps/commands.h"
#include "base/errors.h"
#include "workloads/dataset.h"
#include "workloads/text_corpus.h"

namespace imcsim::apps {

namespace {

constexpr int most_common_symbols = 10;

struct DatasetOptions {
  std::string spec = "fashion-mnist";
  int images = 0;
  std::int64_t max_bytes = 0;
};

nlohmann::ordered_json image_summary(const DatasetOptions& o) {
  const workloads::Dataset d = workloads::load_dataset(o.spec, o.images);
  std::map<int, int> per_class;
  for (const int l : d.labels) ++per_class[l];
  nlohmann::ordered_json j;
  j["dataset"] = d.name;
  j["samples"] = d.size();
  j["sample_shape"] = d.sample_shape;
  j["classes"] = d.classes;
  nlohmann::ordered_json counts = nlohmann::ordered_json::object();
  for (const auto& [label, count] : per_class) counts[std::to_string(label)] = count;
  j["samples_per_class"] = counts;
  j["value_min"] = d.size() > 0 ? d.samples.minCoeff() : 0.0f;
  j["value_max"] = d.size() > 0 ? d.samples.maxCoeff() : 0.0f;
  j["value_mean"] = d.size() > 0 ? d.samples.mean() : 0.0f;
  return j;
}

double share(std::int64_t part, std::int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

/// The most frequent symbols of `counts`, most frequent first (ties: lower symbol first).
nlohmann::ordered_json most_common(const std::array<std::int64_t, workloads::text_symbols>& counts) {
  std::vector<int> symbols(workloads::text_symbols);
  std::iota(symbols.begin(), symbols.end(), 0);
  std::stable_sort(symbols.begin(), symbols.end(), [&](int a, int b) { return counts[a] > counts[b]; });
  const std::int64_t total = std::accumulate(counts.begin(), counts.end(), std::int64_t{0});
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (int i = 0; i < most_common_symbols && counts[symbols[i]] > 0; ++i) {
    const int s = symbols[i];
    nlohmann::ordered_json entry;
    entry["symbol"] = s;
    entry["text"] = s == workloads::symbol_other ? std::string("<other>") : std::string(1, workloads::byte_of(s));
    entry["share"] = share(counts[s], total);
    list.push_back(entry);
  }
  return list;
}

nlohmann::ordered_json text_summary(const DatasetOptions& o) {
  const workloads::TextCorpus c = workloads::load_text_corpus(o.max_bytes);
  nlohmann::ordered_json j;
  j["dataset"] = "fortunes";
  j["directory"] = c.directory;
  j["files"] = c.files.size();
  j["fortunes"] = c.fortunes_read;
  j["max_bytes_per_split"] = o.max_bytes;
  j["vocabulary_symbols"] = workloads::text_symbols;
  j["sequence_length"] = workloads::text_sequence_length;
  nlohmann::ordered_json splits;
  for (const workloads::TextSplit s : workloads::text_split_names().values()) {
    const std::vector<std::uint8_t>& symbols = c.split(s);
    const auto bytes = static_cast<std::int64_t>(symbols.size());
    nlohmann::ordered_json split;
    split["fortunes"] = c.split_fortunes(s);
    split["bytes"] = bytes;
    split["sequences"] = workloads::sequence_count(bytes, workloads::text_sequence_length);
    split["other_share"] = share(workloads::symbol_counts(symbols)[workloads::symbol_other], bytes);
    splits[workloads::text_split_names().name(s)] = split;
  }
  j["splits"] = splits;
  const auto train_counts = workloads::symbol_counts(c.split(workloads::TextSplit::train));
  j["train_unigram_entropy_bits_per_char"] = workloads::unigram_entropy_bits(train_counts);
  j["test_unigram_cross_entropy_bits_per_char"] = workloads::unigram_cross_entropy_bits(
      train_counts, workloads::symbol_counts(c.split(workloads::TextSplit::test)));
  j["train_most_common"] = most_common(train_counts);
  return j;
}

nlohmann::ordered_json summary(const DatasetOptions& o) {
  if (o.spec != "fortunes") {
    if (o.max_bytes > 0) throw ParameterError("max-bytes", "applies to --dataset fortunes only");
    return image_summary(o);
  }
  if (o.images > 0) throw ParameterError("images", "applies to image data sets; use --max-bytes with fortunes");
  return text_summary(o);
}

}  // namespace

void add_dataset_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<DatasetOptions>();
  CLI::App* cmd = app.add_subcommand("dataset", "Load a data set and summarise it (JSON)");
  cmd->add_option("--dataset", o->spec, "fashion-mnist, fashion-mnist:train, fortunes, or a data set YAML file")
      ->capture_default_str();
  cmd->add_option("--images", o->images, "At most this many samples (0: all)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-bytes", o->max_bytes, "fortunes: at most this many bytes per split, whole fortunes (0: all)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([o, &exit_code]() {
    std::cout << summary(*o).dump(2) << "\n";
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
