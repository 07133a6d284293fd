#pragma once
// Test helper: capture the error an action throws (an InputError unless told otherwise), so a test can check
// its file, line and key, or its parameter.

#include <gtest/gtest.h>

#include <functional>
#include <type_traits>

#include "base/errors.h"

namespace imcsim::test {

/// Runs `action`, which must throw an E, and returns it (records a failure when nothing is thrown).
template <typename E = InputError>
E thrown_by(const std::function<void()>& action) {
  try {
    action();
  } catch (const E& e) {
    return e;
  }
  ADD_FAILURE() << "no error of the expected type was thrown";
  if constexpr (std::is_same_v<E, InputError>) {
    return InputError("", 0, 0, "", "");
  } else {
    return E("", "");
  }
}

}  // namespace imcsim::test
