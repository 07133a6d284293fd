#include "workloads/model_zoo.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "base/errors.h"

#ifndef IMCSIM_MODELS_DIR
#define IMCSIM_MODELS_DIR "workloads/models"
#endif

namespace imcsim::workloads {

namespace fs = std::filesystem;

std::string model_directory() {
  if (const char* dir = std::getenv("IMCSIM_MODELS_DIR"); dir != nullptr && *dir != '\0') return dir;
  std::error_code ec;
  if (fs::is_directory(IMCSIM_MODELS_DIR, ec)) return IMCSIM_MODELS_DIR;
#ifdef IMCSIM_INSTALL_MODELS_DIR
  return IMCSIM_INSTALL_MODELS_DIR;
#else
  return IMCSIM_MODELS_DIR;
#endif
}

ModelZoo load_model_zoo(const std::string& directory) {
  const std::string path = (fs::path(directory) / "manifest.json").string();
  std::ifstream in(path);
  if (!in) throw InputError(path, 0, 0, "manifest", "cannot open the model zoo's manifest");
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path, 0, 0, "manifest", e.what());
  }
  ModelZoo zoo;
  zoo.directory = directory;
  try {
    zoo.default_model = manifest.value("default", std::string());
    for (const auto& m : manifest.at("models")) {
      ZooModel z;
      z.name = m.at("name").get<std::string>();
      z.path = (fs::path(directory) / m.at("file").get<std::string>()).string();
      z.description = m.value("description", std::string());
      z.command = m.at("command").get<std::string>();
      z.seed = m.at("seed").get<std::uint64_t>();
      z.test_top1 = m.at("test_top1").get<double>();
      zoo.models.push_back(z);
    }
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path, 0, 0, "models", e.what());
  }
  return zoo;
}

std::string resolve_model(const std::string& name_or_path) {
  if (name_or_path.find('/') != std::string::npos || name_or_path.find(".onnx") != std::string::npos)
    return name_or_path;
  const ModelZoo zoo = load_model_zoo();
  for (const auto& m : zoo.models) {
    if (m.name == name_or_path) return m.path;
  }
  return name_or_path;
}

}  // namespace imcsim::workloads
