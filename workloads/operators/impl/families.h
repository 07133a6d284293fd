#pragma once
// The operator families of the registry (workloads/operators/operator.h), one file of impl/ each.

#include <vector>

#include "workloads/operators/operator.h"

namespace imcsim::workloads::operators {

std::vector<Operator> matrix_operators();         ///< Gemm, MatMul
std::vector<Operator> convolution_operators();    ///< Conv
std::vector<Operator> recurrent_operators();      ///< LSTM, GRU
std::vector<Operator> pooling_operators();        ///< MaxPool, AveragePool, GlobalAveragePool
std::vector<Operator> activation_operators();     ///< Relu, LeakyRelu, Sigmoid, Tanh
std::vector<Operator> normalisation_operators();  ///< Softmax, BatchNormalization
std::vector<Operator> arithmetic_operators();     ///< Add, Sub, Mul, Div
std::vector<Operator> reshaping_operators();  ///< Flatten, Reshape, Squeeze, Unsqueeze, Identity, Dropout, Cast, Shape
std::vector<Operator> indexing_operators();   ///< Transpose, Concat, Gather, Slice

}  // namespace imcsim::workloads::operators
