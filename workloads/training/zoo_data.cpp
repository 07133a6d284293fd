#include "workloads/training/zoo_data.h"

#include "workloads/training/trainer.h"

namespace imcsim::workloads::training {

ZooData::ZooData(const std::string& model, int max_train_samples) : m_text(is_text_model(model)) {
  if (m_text) {
    m_corpus = load_text_corpus();
    m_train = std::make_unique<TextSet>(m_corpus.split(TextSplit::train), text_sequence_length, max_train_samples);
    m_test = std::make_unique<TextSet>(m_corpus.split(TextSplit::test), text_sequence_length);
    return;
  }
  Preprocessing pre;
  if (model == "lstm") pre.layout = Layout::rows;
  m_train_images = load_fashion_mnist("train", max_train_samples, pre);
  m_test_images = load_fashion_mnist("test", 0, pre);
  m_train = std::make_unique<ImageSet>(m_train_images);
  m_test = std::make_unique<ImageSet>(m_test_images);
}

}  // namespace imcsim::workloads::training
