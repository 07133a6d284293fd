#pragma once
// Test helper: capture the InputError an action throws, so a test can check its file, line and key.

#include <gtest/gtest.h>

#include <functional>

#include "base/errors.h"

namespace imcsim::test {

/// Runs `action`, which must throw an InputError, and returns it (records a failure when nothing is thrown).
inline InputError thrown_by(const std::function<void()>& action) {
  try {
    action();
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no InputError was thrown";
  return InputError("", 0, 0, "", "");
}

}  // namespace imcsim::test
