// Tests of YamlSection (base/yaml_section.h): reading present and absent keys, nested sections, and the
// errors that name the file, position and dotted key.

#include "base/yaml_section.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <limits>
#include <string>

#include "base/errors.h"
#include "tests/support/thrown.h"

namespace imcsim {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

using test::thrown_by;

const char* const chip_yaml =
    "name: demo\n"
    "cores: 64\n"
    "clock_mhz: 400.5\n"
    "four_phase: true\n"
    "core:\n"
    "  rows: 256\n"
    "  adc:\n"
    "    bits: 8\n"
    "    kind: cco\n";

TEST(YamlSectionRead, PresentKeysAreRead) {
  YamlSection root = YamlSection::load_string(chip_yaml, "chip.yaml");
  std::string name;
  int cores = 0;
  double clock = 0;
  bool four_phase = false;
  root.read("name", name);
  root.read("cores", cores);
  root.read("clock_mhz", clock);
  root.read("four_phase", four_phase);
  EXPECT_EQ(name, "demo");
  EXPECT_EQ(cores, 64);
  EXPECT_DOUBLE_EQ(clock, 400.5);
  EXPECT_TRUE(four_phase);
  EXPECT_EQ(root.file(), "chip.yaml");
}

TEST(YamlSectionRead, AbsentKeysLeaveTheDefault) {
  YamlSection root = YamlSection::load_string(chip_yaml, "chip.yaml");
  int seed = 17;
  double quantum = 2.5;
  std::string mode = "default";
  root.read("seed", seed);
  root.read("quantum_ns", quantum);
  root.read("mode", mode);
  EXPECT_EQ(seed, 17);
  EXPECT_EQ(quantum, 2.5);
  EXPECT_EQ(mode, "default");
  EXPECT_FALSE(root.has("seed"));
  EXPECT_TRUE(root.has("cores"));
}

TEST(YamlSectionRead, EmptyTextIsAnEmptyMapping) {
  YamlSection root = YamlSection::load_string("", "empty.yaml");
  int x = 3;
  root.read("x", x);
  EXPECT_EQ(x, 3);
  EXPECT_NO_THROW(root.section("core").finish());
  EXPECT_NO_THROW(root.finish());
}

TEST(YamlSectionNested, SectionsReadNestedKeysAndCarryDottedNames) {
  YamlSection root = YamlSection::load_string(chip_yaml, "chip.yaml");
  YamlSection core = root.section("core");
  YamlSection adc = core.section("adc");
  int rows = 0;
  int bits = 0;
  std::string kind;
  core.read("rows", rows);
  adc.read("bits", bits);
  adc.read("kind", kind);
  EXPECT_EQ(rows, 256);
  EXPECT_EQ(bits, 8);
  EXPECT_EQ(kind, "cco");
  EXPECT_EQ(root.dotted("core"), "core");
  EXPECT_EQ(core.dotted("rows"), "core.rows");
  EXPECT_EQ(adc.dotted("bits"), "core.adc.bits");
  EXPECT_EQ(adc.file(), "chip.yaml");
  EXPECT_NO_THROW(adc.finish());
  EXPECT_NO_THROW(core.finish());
}

TEST(YamlSectionNested, AbsentSectionGivesDefaults) {
  YamlSection root = YamlSection::load_string(chip_yaml, "chip.yaml");
  YamlSection network = root.section("network");
  double gbit = 3.2;
  network.read("link_gbit_per_s", gbit);
  EXPECT_EQ(gbit, 3.2);
  EXPECT_FALSE(network.has("link_gbit_per_s"));
  EXPECT_EQ(network.dotted("link_gbit_per_s"), "network.link_gbit_per_s");
  EXPECT_NO_THROW(network.finish());
}

TEST(YamlSectionNested, ScalarWhereAMappingIsExpectedIsAnError) {
  YamlSection root = YamlSection::load_string("name: x\ncore: 5\n", "chip.yaml");
  const InputError e = thrown_by([&] { root.section("core"); });
  EXPECT_EQ(e.key(), "core");
  EXPECT_EQ(e.file(), "chip.yaml");
  EXPECT_EQ(e.line(), 2);
  EXPECT_TRUE(contains(e.what(), "chip.yaml:2:")) << e.what();

  YamlSection list = YamlSection::load_string("core:\n  adc: [1, 2]\n", "list.yaml");
  YamlSection core = list.section("core");
  const InputError nested = thrown_by([&] { core.section("adc"); });
  EXPECT_EQ(nested.key(), "core.adc");
  EXPECT_EQ(nested.line(), 2);
}

TEST(YamlSectionNested, NonMappingDocumentIsAnError) {
  for (const char* text : {"- 1\n- 2\n", "just a scalar\n"}) {
    const InputError e = thrown_by([&] { YamlSection::load_string(text, "list.yaml"); });
    EXPECT_EQ(e.file(), "list.yaml");
    EXPECT_EQ(e.line(), 1);
    EXPECT_TRUE(contains(e.what(), "list.yaml:1:")) << e.what();
  }
}

TEST(YamlSectionFinish, AcceptsWhenEveryKeyWasRead) {
  YamlSection root = YamlSection::load_string("a: 1\nb: 2\n", "ab.yaml");
  int a = 0;
  int b = 0;
  int c = 0;
  root.read("a", a);
  root.read("b", b);
  root.read("c", c);
  EXPECT_NO_THROW(root.finish());
}

TEST(YamlSectionFinish, RejectsUnknownKeyWithFileLineColumnAndDottedKey) {
  YamlSection root = YamlSection::load_string(chip_yaml, "chip.yaml");
  YamlSection core = root.section("core");
  YamlSection adc = core.section("adc");
  int bits = 0;
  adc.read("bits", bits);  // "kind" (line 9, column 5) is never read
  const InputError e = thrown_by([&] { adc.finish(); });
  EXPECT_EQ(e.file(), "chip.yaml");
  EXPECT_EQ(e.line(), 9);
  EXPECT_EQ(e.column(), 5);
  EXPECT_EQ(e.key(), "core.adc.kind");
  const std::string what = e.what();
  EXPECT_TRUE(contains(what, "chip.yaml:9:5:")) << what;
  EXPECT_TRUE(contains(what, "core.adc.kind")) << what;
  EXPECT_TRUE(contains(what, "unknown key")) << what;
}

TEST(YamlSectionFinish, TopLevelUnknownKey) {
  YamlSection root = YamlSection::load_string("name: x\nnmae: y\n", "typo.yaml");
  std::string name;
  root.read("name", name);
  const InputError e = thrown_by([&] { root.finish(); });
  EXPECT_EQ(e.key(), "nmae");
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.column(), 1);
  EXPECT_TRUE(contains(e.what(), "typo.yaml:2:1:")) << e.what();
}

TEST(YamlSectionFinish, ReadingASectionMarksItsKeyUsed) {
  YamlSection root = YamlSection::load_string(chip_yaml, "chip.yaml");
  std::string name;
  int cores = 0;
  double clock = 0;
  bool four_phase = false;
  root.read("name", name);
  root.read("cores", cores);
  root.read("clock_mhz", clock);
  root.read("four_phase", four_phase);
  EXPECT_THROW(root.finish(), InputError);  // "core" not asked for yet
  root.section("core");
  EXPECT_NO_THROW(root.finish());
}

TEST(YamlSectionFinish, SectionsTrackTheirOwnKeys) {
  // The same key name at two levels: reading it in the section does not mark the parent's key as used.
  YamlSection root = YamlSection::load_string("bits: 4\nadc:\n  bits: 8\n", "levels.yaml");
  YamlSection adc = root.section("adc");
  int bits = 0;
  adc.read("bits", bits);
  EXPECT_EQ(bits, 8);
  EXPECT_NO_THROW(adc.finish());
  const InputError e = thrown_by([&] { root.finish(); });
  EXPECT_EQ(e.key(), "bits");
  EXPECT_EQ(e.line(), 1);
}

TEST(YamlSectionReadErrors, WrongTypeNamesKeyAndPosition) {
  YamlSection root = YamlSection::load_string("core:\n  rows: many\n  scale: 1.5\n", "types.yaml");
  YamlSection core = root.section("core");
  int rows = 0;
  const InputError e = thrown_by([&] { core.read("rows", rows); });
  EXPECT_EQ(e.key(), "core.rows");
  EXPECT_EQ(e.line(), 2);
  EXPECT_TRUE(contains(e.what(), "types.yaml:2:")) << e.what();
  EXPECT_TRUE(contains(e.what(), "many")) << e.what();
  int scale = 0;
  EXPECT_EQ(thrown_by([&] { core.read("scale", scale); }).key(), "core.scale");  // 1.5 is no int
  bool flag = false;
  EXPECT_EQ(thrown_by([&] { core.read("scale", flag); }).key(), "core.scale");
}

TEST(YamlSectionReadErrors, NonScalarValueIsAnError) {
  YamlSection root = YamlSection::load_string("bits: [8, 10]\nadc:\n  bits: 8\n", "shape.yaml");
  int bits = 0;
  const InputError list = thrown_by([&] { root.read("bits", bits); });
  EXPECT_EQ(list.key(), "bits");
  EXPECT_EQ(list.line(), 1);
  const InputError map = thrown_by([&] { root.read("adc", bits); });
  EXPECT_EQ(map.key(), "adc");
  EXPECT_EQ(map.line(), 2) << map.what();  // the key's line (fail() is documented to report the key's position)
}

TEST(YamlSectionLists, ListsOfMappingsAndOfValuesCarryIndexedNames) {
  YamlSection root = YamlSection::load_string(
      "layers:\n  - name: a\n    k: [1.5, 2]\n  - name: b\n    k: [x]\n    extra: 1\n", "lists.yaml");
  std::vector<YamlSection> layers = root.sections("layers");
  ASSERT_EQ(layers.size(), 2u);
  EXPECT_EQ(layers[1].line(), 4);
  std::string name;
  std::vector<float> k;
  layers[0].read("name", name);
  layers[0].read_list("k", k);
  EXPECT_EQ(name, "a");
  EXPECT_EQ(k, (std::vector<float>{1.5f, 2.0f}));
  layers[0].finish();
  const InputError bad = thrown_by([&] { layers[1].read_list("k", k); });
  EXPECT_EQ(bad.key(), "layers[1].k[0]");
  EXPECT_EQ(bad.line(), 5);
  layers[1].read("name", name);
  const InputError unknown = thrown_by([&] { layers[1].finish(); });
  EXPECT_EQ(unknown.key(), "layers[1].extra");
  EXPECT_EQ(unknown.line(), 6);
  root.finish();
  EXPECT_TRUE(root.sections("absent").empty());
  EXPECT_EQ(thrown_by([&] { layers[0].sections("name"); }).key(), "layers[0].name");
  EXPECT_EQ(thrown_by([&] { layers[0].read_list("name", k); }).key(), "layers[0].name");
}

TEST(YamlSectionReadInRange, AcceptsValuesInsideAndOnTheBounds) {
  YamlSection root = YamlSection::load_string("lo: 1\nhi: 16\nmid: 0.25\n", "range.yaml");
  int lo = 0;
  int hi = 0;
  double mid = 0;
  root.read_in_range("lo", lo, 1, 16);
  root.read_in_range("hi", hi, 1, 16);
  root.read_in_range("mid", mid, 0.0, 1.0);
  EXPECT_EQ(lo, 1);
  EXPECT_EQ(hi, 16);
  EXPECT_EQ(mid, 0.25);
  int absent = 8;
  root.read_in_range("absent", absent, 1, 16);
  EXPECT_EQ(absent, 8);
  EXPECT_NO_THROW(root.finish());
}

TEST(YamlSectionReadInRange, OutOfRangeNamesKeyLineAndBounds) {
  YamlSection root = YamlSection::load_string("core:\n  rows: 256\n  adc_bits: 17\n", "range.yaml");
  YamlSection core = root.section("core");
  int bits = 8;
  const InputError e = thrown_by([&] { core.read_in_range("adc_bits", bits, 1, 16); });
  EXPECT_EQ(e.key(), "core.adc_bits");
  EXPECT_EQ(e.line(), 3);
  const std::string what = e.what();
  EXPECT_TRUE(contains(what, "range.yaml:3:")) << what;
  EXPECT_TRUE(contains(what, "core.adc_bits")) << what;
  EXPECT_TRUE(contains(what, "17")) << what;
  EXPECT_TRUE(contains(what, "16")) << what;
}

TEST(YamlSectionReadInRange, NegativeAndNonFiniteAreRejected) {
  YamlSection root = YamlSection::load_string("neg: -0.5\nnan: .nan\ninf: .inf\n", "finite.yaml");
  for (const char* key : {"neg", "nan", "inf"}) {
    double value = 1;
    const InputError e = thrown_by([&] { root.read_in_range(key, value, 0.0, 1e12); });
    EXPECT_EQ(e.key(), key);
  }
}

TEST(YamlSectionReadInRange, WrongTypeIsReportedBeforeTheRange) {
  YamlSection root = YamlSection::load_string("x: abc\n", "type.yaml");
  double x = 0.5;
  const InputError e = thrown_by([&] { root.read_in_range("x", x, 0.0, 1.0); });
  EXPECT_EQ(e.key(), "x");
  EXPECT_TRUE(contains(e.what(), "abc")) << e.what();
}

TEST(YamlSectionFail, AtAKeyOrAtTheMapping) {
  YamlSection root = YamlSection::load_string("a: 1\nsub:\n  b: 2\n", "fail.yaml");
  const InputError at_key = thrown_by([&] { root.fail("a", "custom"); });
  EXPECT_EQ(at_key.line(), 1);
  EXPECT_EQ(at_key.key(), "a");
  EXPECT_TRUE(contains(at_key.what(), "custom")) << at_key.what();
  YamlSection sub = root.section("sub");
  const InputError absent = thrown_by([&] { sub.fail("c", "missing"); });
  EXPECT_EQ(absent.key(), "sub.c");
  EXPECT_EQ(absent.line(), 3);  // the mapping starts at b
  YamlSection none = root.section("none");
  const InputError no_position = thrown_by([&] { none.fail("d", "required"); });
  EXPECT_EQ(no_position.key(), "none.d");
  EXPECT_EQ(no_position.line(), 0);
  EXPECT_TRUE(contains(no_position.what(), "fail.yaml: 'none.d': required")) << no_position.what();
}

TEST(YamlSectionLoad, SyntaxErrorNamesFileLineAndColumn) {
  const InputError e = thrown_by([] { YamlSection::load_string("a: 1\nb: [1, 2\nc: 3\n", "broken.yaml"); });
  EXPECT_EQ(e.file(), "broken.yaml");
  EXPECT_GT(e.line(), 0);
  EXPECT_GT(e.column(), 0);
  EXPECT_TRUE(contains(e.what(), "broken.yaml:" + std::to_string(e.line()) + ":" + std::to_string(e.column()) + ":"))
      << e.what();
}

TEST(YamlSectionLoad, FileIsReadAndNamedInErrors) {
  const std::string path = ::testing::TempDir() + std::to_string(getpid()) + "_yaml_section_file.yaml";
  {
    std::ofstream out(path);
    out << "x: 2\ny: 3\n";
  }
  YamlSection root = YamlSection::load_file(path);
  int x = 0;
  root.read("x", x);
  EXPECT_EQ(x, 2);
  EXPECT_EQ(root.file(), path);
  const InputError e = thrown_by([&] { root.finish(); });
  EXPECT_TRUE(contains(e.what(), path + ":2:1:")) << e.what();
}

TEST(YamlSectionLoad, MissingFileNamesThePath) {
  const std::string path = ::testing::TempDir() + "yaml_section_missing.yaml";
  const InputError e = thrown_by([&] { YamlSection::load_file(path); });
  EXPECT_EQ(e.file(), path);
  EXPECT_TRUE(contains(e.what(), path)) << e.what();
}

TEST(YamlSectionErrors, DuplicateKeyIsAnErrorAtItsSecondPlace) {
  YamlSection root = YamlSection::load_string("a: 1\nb: 2\na: 3\n", "dup.yaml");
  int a = 0, b = 0;
  root.read("a", a);
  root.read("b", b);
  const InputError e = thrown_by([&] { root.finish(); });
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.key(), "a");
  EXPECT_TRUE(contains(e.what(), "duplicate key")) << e.what();
}

TEST(YamlSectionRead, SectionWithEveryEntryCommentedOutKeepsDefaults) {
  YamlSection root = YamlSection::load_string("mvm:\n  # array_phase_energy_pj: 3\nother: 1\n", "empty.yaml");
  YamlSection mvm = root.section("mvm");
  double energy = 7.0;
  mvm.read("array_phase_energy_pj", energy);
  EXPECT_DOUBLE_EQ(energy, 7.0);
  mvm.finish();
  int other = 0;
  root.read("other", other);
  EXPECT_NO_THROW(root.finish());
}

TEST(YamlSectionErrors, RangeMessageIsReadable) {
  YamlSection root = YamlSection::load_string("energy: -7.5\n", "range.yaml");
  double energy = 0;
  const InputError e = thrown_by([&] { root.read_in_range("energy", energy, 0.0, 1e12); });
  EXPECT_TRUE(contains(e.what(), "value -7.5 is outside [0, 1e+12]")) << e.what();
}

}  // namespace
}  // namespace imcsim
