#include "workloads/training/optimizer.h"

#include <cmath>

#include "base/check.h"
#include "base/text.h"

namespace imcsim::workloads::training {

std::vector<std::string> optimizer_kinds() { return {"adam", "sgd"}; }

Optimizer::Optimizer(const OptimizerConfig& config, std::vector<Parameter*> parameters) : m_config(config) {
  if (config.kind != "adam" && config.kind != "sgd") {
    throw ParameterError("train.optimizer",
                         "unknown optimizer '" + config.kind + "' (known: " + join_names(optimizer_kinds()) + ")");
  }
  require_positive("train.learning_rate", config.learning_rate);
  require_in_range("train.momentum", config.momentum, 0.0, 0.999999);
  require_non_negative("train.weight_decay", config.weight_decay);
  for (Parameter* p : parameters) {
    if (!p->trainable) continue;
    m_params.push_back(p);
    m_m.push_back(Matrix::Zero(p->value.rows(), p->value.cols()));
    m_v.push_back(config.kind == "adam" ? Matrix::Zero(p->value.rows(), p->value.cols()) : Matrix());
  }
}

void Optimizer::step(double lr_d) {
  ++m_steps;
  const auto lr = static_cast<float>(lr_d);
  const auto wd = static_cast<float>(m_config.weight_decay);
  for (std::size_t k = 0; k < m_params.size(); ++k) {
    Parameter& p = *m_params[k];
    Matrix g = p.grad;
    if (wd > 0 && !p.name.empty()) g += wd * p.value;
    if (m_config.kind == "sgd") {
      m_m[k] = static_cast<float>(m_config.momentum) * m_m[k] + g;
      p.value -= lr * m_m[k];
      continue;
    }
    const auto b1 = static_cast<float>(m_config.beta1), b2 = static_cast<float>(m_config.beta2);
    m_m[k] = b1 * m_m[k] + (1 - b1) * g;
    m_v[k] = b2 * m_v[k] + (1 - b2) * g.cwiseAbs2();
    const float c1 = 1.0f - std::pow(b1, static_cast<float>(m_steps));
    const float c2 = 1.0f - std::pow(b2, static_cast<float>(m_steps));
    p.value.array() -=
        lr * (m_m[k].array() / c1) / ((m_v[k].array() / c2).sqrt() + static_cast<float>(m_config.epsilon));
  }
}

}  // namespace imcsim::workloads::training
