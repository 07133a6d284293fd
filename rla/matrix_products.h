#pragma once
// Where a randomized algorithm's products with the data A (m x n) run (docs/rla.md): the three variants of the
// range finder, behind one interface so the algorithms (rla/randomized_svd.h) do not know which they use.
// - DigitalProducts: every product exact (FP64), Omega a Gaussian matrix.
// - OmegaOnArrays: Omega (n x l_max Gaussian) held on the arrays, the rows of A drive them (forward reads); the
//   programming noise and drift only change which random matrix it is. Products with A (power iterations, B =
//   Q^T A) run digitally. Narrower sketches read the first l of its columns (a Gaussian matrix's first l columns
//   are one with l columns; each output column has its own ADC and noise, so the reads are those of an n x l array).
// - AOnArrays: A held on the arrays as A^T (n rows driven by a vector of n, m columns), in blocks of at most
//   block_rows rows of A that fit the chip: A Z as forward reads (one per column of Z), A^T Y as transposed reads
//   (one per column of Y). One block is programmed once; several are programmed in turn for every product, each
//   programming with fresh programming noise.
// Every call logs what it ran (rla/work_log.h): reads, programmings, digital multiply-accumulates.
//
// Contract: deterministic for a seed whatever the thread count (the reads' keys follow the call sequence).

#include <cstdint>
#include <memory>
#include <vector>

#include <Eigen/Core>

#include "chip/chip_config.h"
#include "rla/analog_matrix.h"
#include "rla/work_log.h"

namespace imcsim::rla {

class MatrixProducts {
 public:
  virtual ~MatrixProducts() = default;
  virtual Eigen::Index rows() const = 0;
  virtual Eigen::Index cols() const = 0;
  /// Called once before an algorithm's first product: logs the programmings that last the whole run.
  virtual void begin(int sketch_cols, WorkLog& log) = 0;
  /// Y = A Omega (m x l), Omega the variant's n x l random matrix.
  virtual Eigen::MatrixXd sketch(int l, WorkLog& log) = 0;
  /// A X (X: n x l).
  virtual Eigen::MatrixXd times(const Eigen::MatrixXd& x, WorkLog& log) = 0;
  /// A^T Y (Y: m x l).
  virtual Eigen::MatrixXd transposed_times(const Eigen::MatrixXd& y, WorkLog& log) = 0;
};

class DigitalProducts : public MatrixProducts {
 public:
  /// `a` must outlive the products.
  DigitalProducts(const Eigen::MatrixXd& a, std::uint64_t seed) : m_a(a), m_seed(seed) {}
  Eigen::Index rows() const override { return m_a.rows(); }
  Eigen::Index cols() const override { return m_a.cols(); }
  void begin(int, WorkLog&) override {}
  Eigen::MatrixXd sketch(int l, WorkLog& log) override;
  Eigen::MatrixXd times(const Eigen::MatrixXd& x, WorkLog& log) override;
  Eigen::MatrixXd transposed_times(const Eigen::MatrixXd& y, WorkLog& log) override;

 protected:
  const Eigen::MatrixXd& m_a;
  std::uint64_t m_seed;
};

/// Reads at `t_s` after programming on `config` (its seed keys the noise; the sketch's Omega is drawn from `seed`).
class OmegaOnArrays : public DigitalProducts {
 public:
  OmegaOnArrays(const chip::ChipConfig& config, const Eigen::MatrixXd& a, std::uint64_t seed, int max_cols, double t_s,
                int threads);
  void begin(int sketch_cols, WorkLog& log) override;
  Eigen::MatrixXd sketch(int l, WorkLog& log) override;

 private:
  Eigen::MatrixXd m_y;  ///< A Omega over all max_cols columns, read once
};

class AOnArrays : public MatrixProducts {
 public:
  /// `a` must outlive the products; block_rows: the most rows of A one programming holds (0: all).
  AOnArrays(const chip::ChipConfig& config, const Eigen::MatrixXd& a, std::uint64_t seed, int block_rows, double t_s,
            int threads);
  ~AOnArrays() override;
  Eigen::Index rows() const override { return m_a.rows(); }
  Eigen::Index cols() const override { return m_a.cols(); }
  void begin(int sketch_cols, WorkLog& log) override;
  Eigen::MatrixXd sketch(int l, WorkLog& log) override;
  Eigen::MatrixXd times(const Eigen::MatrixXd& x, WorkLog& log) override;
  Eigen::MatrixXd transposed_times(const Eigen::MatrixXd& y, WorkLog& log) override;
  int blocks() const { return static_cast<int>(m_block_first.size()); }

 private:
  /// Block b on the arrays: the one kept programmed, or a fresh programming.
  const AnalogMatrix& block(int b, WorkLog& log);

  chip::ChipConfig m_config;
  const Eigen::MatrixXd& m_a;
  std::uint64_t m_seed;
  double m_t_s;
  int m_threads;
  std::vector<Eigen::Index> m_block_first;  ///< first row of A of each block
  std::vector<Eigen::Index> m_block_rows;
  std::unique_ptr<AnalogMatrix> m_held;  ///< the block now on the arrays
  int m_held_block = -1;
  std::uint32_t m_programmings = 0;
  std::uint32_t m_passes = 0;
};

}  // namespace imcsim::rla
