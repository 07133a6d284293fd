#pragma once
// The data a zoo model trains and is tested on (trainer.h's model_kinds()), loaded from Debian's packages: the
// image models' Fashion-MNIST (training and test images; the lstm reads the images as rows), and char-lstm's
// fortunes corpus (workloads/text_corpus.h: training and test splits as sequences of text_sequence_length).

#include <memory>
#include <string>

#include "workloads/dataset.h"
#include "workloads/text_corpus.h"
#include "workloads/training/training_set.h"

namespace imcsim::workloads::training {

class ZooData {
 public:
  /// Loads what `model` reads, at most max_train_samples training images or sequences (0: all; the leading ones of
  /// the split). Throws InputError when the data set is missing (naming the file and scripts/setup.sh).
  ZooData(const std::string& model, int max_train_samples);
  ZooData(const ZooData&) = delete;
  ZooData& operator=(const ZooData&) = delete;

  bool text() const { return m_text; }
  const TrainingSet& train() const { return *m_train; }
  const TrainingSet& test() const { return *m_test; }
  /// What the summaries call a sample: "images" | "sequences".
  std::string sample_name() const { return m_text ? "sequences" : "images"; }
  const TextCorpus& corpus() const { return m_corpus; }  ///< text models only

 private:
  bool m_text;
  Dataset m_train_images, m_test_images;
  TextCorpus m_corpus;
  std::unique_ptr<TrainingSet> m_train, m_test;
};

}  // namespace imcsim::workloads::training
