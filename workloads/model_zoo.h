#pragma once
// The model zoo: the models the project trains itself and ships as ONNX (workloads/models/, installed under
// share/imcsim/models), described by manifest.json (file, description, producing command, seed, FP32 test
// accuracy) whose "default" names the model `make run` uses.
//
// Contract: a name that is not in the manifest is taken as a path; a broken manifest is an InputError naming
// it and the field.

#include <cstdint>
#include <string>
#include <vector>

namespace imcsim::workloads {

struct ZooModel {
  std::string name;
  std::string path;  ///< of the .onnx file
  std::string description;
  std::string command;  ///< that produced it
  std::uint64_t seed = 0;
  double test_top1 = 0;  ///< FP32, reference executor, all 10,000 Fashion-MNIST test images
};

struct ModelZoo {
  std::string directory;
  std::string default_model;
  std::vector<ZooModel> models;
};

/// $IMCSIM_MODELS_DIR, else the source tree's workloads/models while it exists, else the installed copy.
std::string model_directory();

ModelZoo load_model_zoo(const std::string& directory = model_directory());

/// The .onnx path of a zoo model's name, or `name_or_path` itself when no zoo model has that name.
std::string resolve_model(const std::string& name_or_path);

}  // namespace imcsim::workloads
