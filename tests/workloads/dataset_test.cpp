#include "workloads/dataset.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <fstream>
#include <map>

#include "base/errors.h"
#include "tests/support/npy_file.h"
#include "tests/support/thrown.h"
#include "workloads/tensor_file.h"

namespace imcsim::workloads {
namespace {

using test::thrown_by;

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "imcsim_ds_" + std::to_string(getpid()) + "_" + name;
}

void write_bytes(const std::string& path, const std::string& bytes) {
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) {
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
  } else {
    std::ofstream(path, std::ios::binary) << bytes;
  }
}

/// An IDX file of unsigned bytes.
std::string idx_u8(const std::vector<std::uint32_t>& shape, const std::vector<std::uint8_t>& data) {
  std::string s = {0, 0, 0x08, static_cast<char>(shape.size())};
  for (const auto d : shape) {
    for (int b = 3; b >= 0; --b) s.push_back(static_cast<char>((d >> (8 * b)) & 0xFF));
  }
  s.append(reinterpret_cast<const char*>(data.data()), data.size());
  return s;
}

using test::npy;
using test::raw;

TEST(FashionMnist, TestSplitLoadsAsPublished) {
  const Dataset d = load_fashion_mnist("test");
  ASSERT_EQ(d.size(), 10000);
  EXPECT_EQ(d.sample_shape, (std::vector<std::int64_t>{1, 28, 28}));
  EXPECT_EQ(d.samples.cols(), 784);
  EXPECT_EQ(d.classes, 10);
  const std::vector<int> first = {9, 2, 1, 1, 6, 1, 4, 6, 5, 7, 4, 5};
  EXPECT_EQ(std::vector<int>(d.labels.begin(), d.labels.begin() + 12), first);
  std::map<int, int> per_class;
  for (const int l : d.labels) ++per_class[l];
  for (const auto& [label, count] : per_class) EXPECT_EQ(count, 1000) << "class " << label;
  EXPECT_GE(d.samples.minCoeff(), 0.0f);
  EXPECT_LE(d.samples.maxCoeff(), 1.0f);
  EXPECT_NEAR(d.samples.mean(), 0.286, 0.002);  // the known mean pixel of Fashion-MNIST
  EXPECT_EQ(load_fashion_mnist("test", 100).size(), 100);
  EXPECT_THROW(load_fashion_mnist("validation"), ParameterError);
}

TEST(TensorFile, IdxPlainAndGzip) {
  const std::string bytes = idx_u8({2, 3}, {0, 1, 2, 253, 254, 255});
  for (const char* name : {"a.idx", "a.idx.gz"}) {
    const std::string path = temp_path(name);
    write_bytes(path, bytes);
    const ArrayData a = read_idx(path);
    EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 3}));
    EXPECT_EQ(a.values, (std::vector<float>{0, 1, 2, 253, 254, 255}));
    const ArrayData first = read_idx(path, 1);
    EXPECT_EQ(first.shape, (std::vector<std::int64_t>{1, 3}));
    EXPECT_EQ(first.values, (std::vector<float>{0, 1, 2}));
    EXPECT_EQ(read_idx(path, 5).values, a.values);
  }
}

TEST(TensorFile, TheFirstImagesOfFashionMnistReadAloneAreThoseOfTheWholeFile) {
  const std::string path = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
  const ArrayData all = read_idx(path);
  const ArrayData first = read_idx(path, 7);
  EXPECT_EQ(first.shape, (std::vector<std::int64_t>{7, 28, 28}));
  EXPECT_EQ(first.values, std::vector<float>(all.values.begin(), all.values.begin() + 7 * 28 * 28));
  // A file too short for the items asked for is still an error.
  const std::string cut = temp_path("cut.idx");
  write_bytes(cut, idx_u8({2, 3}, {1, 2}));
  EXPECT_EQ(thrown_by([&] { read_idx(cut, 1); }).key(), "data");
}

TEST(TensorFile, BrokenIdxFilesNameTheField) {
  const std::string truncated = temp_path("short.idx");
  write_bytes(truncated, idx_u8({2, 3}, {1, 2, 3}));
  const InputError e = thrown_by([&] { read_idx(truncated); });
  EXPECT_EQ(e.file(), truncated);
  EXPECT_EQ(e.key(), "data");
  EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();

  const std::string text = temp_path("text.idx");
  write_bytes(text, "hello, this is not IDX");
  EXPECT_EQ(thrown_by([&] { read_idx(text); }).key(), "magic");

  const std::string gz = temp_path("cut.idx.gz");
  write_bytes(gz, idx_u8({100, 100}, std::vector<std::uint8_t>(10000, 7)));
  std::ifstream in(gz, std::ios::binary);
  std::string whole((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  write_bytes(gz + ".raw", whole.substr(0, whole.size() / 2));
  std::rename((gz + ".raw").c_str(), gz.c_str());
  EXPECT_EQ(thrown_by([&] { read_idx(gz); }).key(), "gzip");

  EXPECT_NE(std::string(thrown_by([&] { read_idx(temp_path("missing.idx")); }).what()).find("cannot open"),
            std::string::npos);
}

TEST(TensorFile, NpyDtypesAndErrors) {
  const std::string f4 = temp_path("f4.npy");
  write_bytes(f4, npy("<f4", "2, 2", raw<float>({1.5f, -2.0f, 0.25f, 8.0f})));
  const ArrayData a = read_npy(f4);
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 2}));
  EXPECT_EQ(a.values, (std::vector<float>{1.5f, -2.0f, 0.25f, 8.0f}));
  const std::string u1 = temp_path("u1.npy");
  write_bytes(u1, npy("|u1", "3,", std::string("\x01\x02\xff", 3)));
  EXPECT_EQ(read_npy(u1).values, (std::vector<float>{1, 2, 255}));
  const std::string i8 = temp_path("i8.npy");
  write_bytes(i8, npy("<i8", "2,", raw<std::int64_t>({7, 3})));
  EXPECT_EQ(read_npy(i8).values, (std::vector<float>{7, 3}));

  const std::string fortran = temp_path("fortran.npy");
  write_bytes(fortran, npy("<f4", "1, 1", raw<float>({1.0f}), true));
  EXPECT_EQ(thrown_by([&] { read_npy(fortran); }).key(), "fortran_order");
  const std::string big = temp_path("big.npy");
  write_bytes(big, npy(">f4", "1,", raw<float>({1.0f})));
  EXPECT_EQ(thrown_by([&] { read_npy(big); }).key(), "descr");
  const std::string short_data = temp_path("short.npy");
  write_bytes(short_data, npy("<f4", "4,", raw<float>({1.0f})));
  EXPECT_EQ(thrown_by([&] { read_npy(short_data); }).key(), "data");
}

TEST(Dataset, UserFilesWithPreprocessing) {
  const std::string images = temp_path("imgs.npy");
  const std::string labels = temp_path("labels.npy");
  write_bytes(images, npy("|u1", "2, 2, 2", std::string("\x00\x80\xff\x40\x00\x00\x00\x00", 8)));
  write_bytes(labels, npy("<i8", "2,", raw<std::int64_t>({3, 1})));
  const std::string spec = temp_path("set.yaml");
  const auto base = [](const std::string& p) { return p.substr(p.rfind('/') + 1); };
  write_bytes(spec, "images: " + base(images) + "\nlabels: " + base(labels) +
                        "\npreprocess:\n  scale: 255\n  mean: 0.5\n  std: 0.5\n  layout: nchw\n");
  const Dataset d = load_dataset(spec);
  ASSERT_EQ(d.size(), 2);
  EXPECT_EQ(d.sample_shape, (std::vector<std::int64_t>{1, 2, 2}));
  EXPECT_EQ(d.labels, (std::vector<int>{3, 1}));
  EXPECT_EQ(d.classes, 4);
  EXPECT_NEAR(d.samples(0, 0), -1.0, 1e-6);  // (0 / 255 - 0.5) / 0.5
  EXPECT_NEAR(d.samples(0, 2), 1.0, 1e-6);   // 255
  EXPECT_NEAR(d.samples(0, 1), (128 / 255.0 - 0.5) / 0.5, 1e-6);

  write_bytes(spec, "images: " + base(images) + "\nlabels: " + base(labels) + "\npreprocess:\n  scael: 3\n");
  const InputError unknown = thrown_by([&] { load_dataset(spec); });
  EXPECT_EQ(unknown.line(), 4);
  EXPECT_EQ(unknown.key(), "preprocess.scael");

  const std::string three = temp_path("three.npy");
  write_bytes(three, npy("<i8", "3,", raw<std::int64_t>({1, 2, 3})));
  write_bytes(spec, "images: " + base(images) + "\nlabels: " + base(three) + "\n");
  const InputError mismatch = thrown_by([&] { load_dataset(spec); });
  EXPECT_EQ(mismatch.key(), "labels");
  EXPECT_NE(std::string(mismatch.what()).find("3 labels for 2 images"), std::string::npos) << mismatch.what();
}

}  // namespace
}  // namespace imcsim::workloads
