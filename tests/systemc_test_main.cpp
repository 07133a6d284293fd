// Entry of the test binaries that link SystemC: Debian's libsystemc owns main() and calls sc_main().

#include <gtest/gtest.h>

#include <cstdlib>

namespace {
const int systemc_banner_off = setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
}

extern "C" int sc_main(int argc, char* argv[]) {
  static_cast<void>(systemc_banner_off);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
