#include "workloads/text_corpus.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>

#include "base/errors.h"
#include "tests/support/thrown.h"

namespace imcsim::workloads {
namespace {

using test::thrown_by;

/// A corpus directory of its own for the running test, removed at the end.
class CorpusDirectory {
 public:
  CorpusDirectory()
      : m_path(::testing::TempDir() + "imcsim_text_" + std::to_string(getpid()) + "_" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name()) {
    std::filesystem::remove_all(m_path);
    std::filesystem::create_directories(m_path);
  }
  ~CorpusDirectory() { std::filesystem::remove_all(m_path); }
  const std::string& path() const { return m_path; }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(m_path + "/" + name, std::ios::binary) << text;
  }

 private:
  std::string m_path;
};

std::string text_of(const std::vector<std::uint8_t>& symbols) {
  std::string text;
  for (const std::uint8_t s : symbols) text.push_back(static_cast<char>(byte_of(s)));
  return text;
}

/// Fortune k's text in the numbered corpus below.
std::string numbered_fortune(int k) { return "fortune " + std::to_string(k) + "\n"; }

/// `fortunes` numbered fortunes over three files "a", "b", "c" (in that order), with a separator after each.
std::vector<std::string> write_numbered(const CorpusDirectory& dir, int fortunes) {
  const std::vector<std::string> files = {"a", "b", "c"};
  std::vector<std::string> texts(files.size());
  for (int k = 0; k < fortunes; ++k) texts[static_cast<std::size_t>(k * 3 / fortunes)] += numbered_fortune(k) + "%\n";
  for (std::size_t f = 0; f < files.size(); ++f) dir.write(files[f], texts[f]);
  return files;
}

TEST(TextVocabulary, EveryByteHasASymbolAndTheKeptBytesRoundTrip) {
  EXPECT_EQ(text_symbols, 98);
  for (int b = 0; b < 256; ++b) {
    const auto byte = static_cast<unsigned char>(b);
    const int s = symbol_of(byte);
    ASSERT_GE(s, 0);
    ASSERT_LT(s, text_symbols);
    const bool kept = (b >= 32 && b <= 126) || b == '\n' || b == '\t';
    if (kept) {
      EXPECT_EQ(byte_of(s), byte) << "byte " << b;
    } else {
      EXPECT_EQ(s, symbol_other) << "byte " << b;
    }
  }
  std::set<unsigned char> bytes;
  for (int s = 0; s < text_symbols; ++s) {
    EXPECT_EQ(symbol_of(byte_of(s)), s) << "symbol " << s;
    bytes.insert(byte_of(s));
  }
  EXPECT_EQ(bytes.size(), static_cast<std::size_t>(text_symbols));
  EXPECT_EQ(symbol_of('A'), 'A' - 32);
  EXPECT_EQ(symbol_of('\n'), symbol_newline);
  EXPECT_EQ(symbol_of('\t'), symbol_tab);
  EXPECT_EQ(thrown_by<ParameterError>([] { byte_of(text_symbols); }).parameter(), "symbol");
  EXPECT_THROW(byte_of(-1), ParameterError);
}

TEST(TextCorpus, FortunesAreTheLinesBetweenPercentLines) {
  const CorpusDirectory dir;
  // "%x" is text; an empty fortune is dropped; the last line gets its newline.
  dir.write("a", "%\nfirst\n  line two\n%\n%\n%x\tsecond\n%\nno newline at the end");
  dir.write("b", "caf\xc3\xa9\n");
  const TextCorpus c = load_text_corpus(0, dir.path(), {"a", "b"});
  EXPECT_EQ(c.fortunes_read, 4);
  EXPECT_EQ(c.files, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(text_of(c.split(TextSplit::test)), "first\n  line two\n");
  EXPECT_EQ(text_of(c.split(TextSplit::validation)), "%x\tsecond\n");
  EXPECT_EQ(text_of(c.split(TextSplit::train)), "no newline at the end\ncaf\x1a\x1a\n");
}

TEST(TextCorpus, SplitsAreDisjointDeterministicAndAddUp) {
  const CorpusDirectory dir;
  const int fortunes = 205;
  const std::vector<std::string> files = write_numbered(dir, fortunes);
  const TextCorpus c = load_text_corpus(0, dir.path(), files);
  ASSERT_EQ(c.fortunes_read, fortunes);
  std::array<std::string, 3> expected;
  std::int64_t bytes = 0;
  for (int k = 0; k < fortunes; ++k) {
    expected[static_cast<std::size_t>(split_of_fortune(k))] += numbered_fortune(k);
    bytes += static_cast<std::int64_t>(numbered_fortune(k).size());
  }
  std::int64_t split_bytes = 0, split_fortunes = 0;
  for (const TextSplit s : text_split_names().values()) {
    EXPECT_EQ(text_of(c.split(s)), expected[static_cast<std::size_t>(s)]) << text_split_names().name(s);
    split_bytes += static_cast<std::int64_t>(c.split(s).size());
    split_fortunes += c.split_fortunes(s);
  }
  EXPECT_EQ(split_bytes, bytes);
  EXPECT_EQ(split_fortunes, fortunes);
  EXPECT_EQ(c.split_fortunes(TextSplit::test), 11);        // k = 0, 20, ..., 200
  EXPECT_EQ(c.split_fortunes(TextSplit::validation), 11);  // k = 1, 21, ..., 201
  EXPECT_EQ(c.split_fortunes(TextSplit::train), 183);
  EXPECT_EQ(load_text_corpus(0, dir.path(), files).symbols, c.symbols);
}

TEST(TextCorpus, MaxBytesKeepsLeadingWholeFortunes) {
  const CorpusDirectory dir;
  dir.write("a", "t0\n%\nv0\n%\nlong train fortune\n%\nshort\n%\nx\n");
  std::vector<std::string> files = {"a"};
  const TextCorpus c = load_text_corpus(10, dir.path(), files);
  EXPECT_EQ(c.fortunes_read, 5);
  EXPECT_EQ(text_of(c.split(TextSplit::test)), "t0\n");
  EXPECT_EQ(text_of(c.split(TextSplit::validation)), "v0\n");
  // The 19-byte fortune does not fit in 10 bytes; the split stops there, so "short" and "x" are not taken.
  EXPECT_TRUE(c.split(TextSplit::train).empty());
  EXPECT_EQ(c.split_fortunes(TextSplit::train), 0);
  const TextCorpus wide = load_text_corpus(25, dir.path(), files);
  EXPECT_EQ(text_of(wide.split(TextSplit::train)), "long train fortune\nshort\n");
  EXPECT_EQ(wide.split_fortunes(TextSplit::train), 2);
}

TEST(TextSequences, CountDropsTheTail) {
  EXPECT_EQ(sequence_count(0, 100), 0);
  EXPECT_EQ(sequence_count(1, 100), 0);
  EXPECT_EQ(sequence_count(100, 100), 0);
  EXPECT_EQ(sequence_count(101, 100), 1);
  EXPECT_EQ(sequence_count(200, 100), 1);
  EXPECT_EQ(sequence_count(201, 100), 2);
  EXPECT_THROW(sequence_count(10, 0), ParameterError);
}

TEST(TextSequences, TargetsAreTheInputsShiftedByOne) {
  const int length = 7;
  std::vector<std::uint8_t> split(40);
  for (std::size_t i = 0; i < split.size(); ++i) split[i] = static_cast<std::uint8_t>((i * 13) % text_symbols);
  const std::int64_t count = sequence_count(static_cast<std::int64_t>(split.size()), length);
  ASSERT_EQ(count, 5);
  std::vector<int> order(static_cast<std::size_t>(count));
  std::iota(order.begin(), order.end(), 0);
  const SymbolBatch batch = make_symbol_batch(split, length, order, 0, static_cast<int>(count));
  ASSERT_EQ(batch.sequences, count);
  ASSERT_EQ(batch.length, length);
  const auto input = [&](int t, int b) { return batch.inputs[static_cast<std::size_t>(t * batch.sequences + b)]; };
  const auto target = [&](int t, int b) { return batch.targets_at(t)[static_cast<std::size_t>(b)]; };
  const auto symbol = [&](int i) { return static_cast<int>(split[static_cast<std::size_t>(i)]); };
  for (int b = 0; b < batch.sequences; ++b) {
    for (int t = 0; t < length; ++t) {
      EXPECT_EQ(input(t, b), symbol(b * length + t));
      EXPECT_EQ(target(t, b), symbol(b * length + t + 1));
      if (t + 1 < length) {
        EXPECT_EQ(target(t, b), input(t + 1, b));
      }
    }
    // The last target of a sequence is the first input of the next: every symbol but the first is one target.
    if (b + 1 < batch.sequences) {
      EXPECT_EQ(target(length - 1, b), input(0, b + 1));
    }
  }
  const hw::BatchMatrix x = batch.one_hot_inputs(3);
  ASSERT_EQ(x.rows(), count);
  ASSERT_EQ(x.cols(), text_symbols);
  for (int b = 0; b < count; ++b) {
    Eigen::Index hot = 0;
    EXPECT_EQ(x.row(b).sum(), 1.0f);
    x.row(b).maxCoeff(&hot);
    EXPECT_EQ(hot, input(3, b));
  }
}

TEST(TextSequences, BatchFollowsTheOrderAndChecksItsRange) {
  const std::vector<std::uint8_t> split = {1, 2, 3, 4, 5, 6, 7};
  const std::vector<int> order = {2, 0, 1};
  const SymbolBatch batch = make_symbol_batch(split, 2, order, 1, 2);  // sequences 0 and 1
  EXPECT_EQ(batch.inputs, (std::vector<int>{1, 3, 2, 4}));
  EXPECT_EQ(batch.targets, (std::vector<int>{2, 4, 3, 5}));
  EXPECT_THROW(make_symbol_batch(split, 2, order, 2, 2), ParameterError);
  EXPECT_THROW(make_symbol_batch(split, 2, {3}, 0, 1), ParameterError);
  EXPECT_THROW(make_symbol_batch(split, 0, order, 0, 1), ParameterError);
  EXPECT_THROW(batch.one_hot_inputs(2), ParameterError);
}

TEST(TextStatistics, UnigramEntropyAndCrossEntropy) {
  std::array<std::int64_t, text_symbols> counts{};
  EXPECT_EQ(unigram_entropy_bits(counts), 0.0);
  counts[0] = 3;
  counts[5] = 3;
  EXPECT_DOUBLE_EQ(unigram_entropy_bits(counts), 1.0);
  counts[7] = 6;
  EXPECT_DOUBLE_EQ(unigram_entropy_bits(counts), 1.5);
  EXPECT_EQ(symbol_counts({0, 5, 5, 97})[5], 2);
  // Add-one smoothing: symbol 0 has (3 + 1) / (12 + 98) of the model's probability.
  std::array<std::int64_t, text_symbols> text{};
  text[0] = 1;
  EXPECT_DOUBLE_EQ(unigram_cross_entropy_bits(counts, text), -std::log2(4.0 / 110.0));
  text[1] = 1;  // a symbol the model never saw still has a finite cost
  EXPECT_DOUBLE_EQ(unigram_cross_entropy_bits(counts, text), -(std::log2(4.0 / 110.0) + std::log2(1.0 / 110.0)) / 2);
}

TEST(TextCorpus, MissingCorpusIsAnInputErrorNamingTheDirectory) {
  const std::string missing = ::testing::TempDir() + "imcsim_no_such_fortunes_" + std::to_string(getpid());
  const InputError e = thrown_by([&] { load_text_corpus(0, missing); });
  EXPECT_EQ(e.file(), missing);
  EXPECT_EQ(e.key(), "directory");
  EXPECT_NE(std::string(e.what()).find("scripts/setup.sh"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("fortunes"), std::string::npos) << e.what();
  const CorpusDirectory dir;
  EXPECT_EQ(thrown_by([&] { load_text_corpus(0, dir.path(), {}); }).key(), "files");
  EXPECT_EQ(thrown_by([&] { load_text_corpus(0, dir.path(), {"art"}); }).file(), dir.path() + "/art");
  dir.write("empty", "%\n%\n");
  EXPECT_EQ(thrown_by([&] { load_text_corpus(0, dir.path(), {"empty"}); }).file(), dir.path());
}

/// The regular files without an extension that dpkg lists for the installed `fortunes` package, sorted.
std::vector<std::string> installed_fortune_files() {
  std::ifstream list("/var/lib/dpkg/info/fortunes.list");
  std::vector<std::string> names;
  const std::string prefix = fortunes_directory() + "/";
  for (std::string line; std::getline(list, line);) {
    if (line.rfind(prefix, 0) != 0) continue;
    const std::string name = line.substr(prefix.size());
    if (name.find('.') == std::string::npos &&
        std::filesystem::is_regular_file(std::filesystem::symlink_status(line))) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(FortunesPackage, LoadsWithPlausibleSizes) {
  EXPECT_EQ(fortunes_files(), installed_fortune_files()) << "the fortunes package ships other files: update the list";
  const TextCorpus c = load_text_corpus();
  EXPECT_EQ(c.files.size(), 40u);
  EXPECT_GT(c.fortunes_read, 10000);
  std::int64_t bytes = 0;
  for (const TextSplit s : text_split_names().values()) bytes += static_cast<std::int64_t>(c.split(s).size());
  EXPECT_GT(bytes, 2'000'000);
  EXPECT_LT(bytes, 3'000'000);
  EXPECT_NEAR(static_cast<double>(c.split_fortunes(TextSplit::test)) / c.fortunes_read, 0.05, 0.001);
  EXPECT_NEAR(static_cast<double>(c.split_fortunes(TextSplit::validation)) / c.fortunes_read, 0.05, 0.001);
  const auto train = symbol_counts(c.split(TextSplit::train));
  EXPECT_LT(static_cast<double>(train[symbol_other]) / static_cast<double>(c.split(TextSplit::train).size()), 1e-3);
  const double entropy = unigram_entropy_bits(train);
  EXPECT_GT(entropy, 4.0);
  EXPECT_LT(entropy, 5.5);
  const TextCorpus subset = load_text_corpus(100'000);
  for (const TextSplit s : text_split_names().values()) {
    EXPECT_LE(subset.split(s).size(), 100'000u);
    EXPECT_GT(subset.split(s).size(), 95'000u);
    EXPECT_TRUE(std::equal(subset.split(s).begin(), subset.split(s).end(), c.split(s).begin()));
  }
}

}  // namespace
}  // namespace imcsim::workloads
