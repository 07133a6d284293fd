// base/name_table.h: one list parses a name and names a value; an unknown name is an error listing every name.

#include "base/name_table.h"

#include <gtest/gtest.h>

namespace imcsim {
namespace {

enum class Colour { red, green, blue };

const NameTable<Colour>& colours() {
  static const NameTable<Colour> table{{Colour::red, "red"}, {Colour::green, "green"}, {Colour::blue, "blue"}};
  return table;
}

TEST(NameTable, ParsesAndNamesFromTheSameList) {
  for (const Colour c : colours().values()) {
    EXPECT_EQ(colours().parse(colours().name(c), "paint.colour", "colour"), c);
  }
  EXPECT_EQ(colours().names(), (std::vector<std::string>{"red", "green", "blue"}));
  EXPECT_EQ(colours().known(), "red, green, blue");
  ASSERT_NE(colours().find("green"), nullptr);
  EXPECT_EQ(*colours().find("green"), Colour::green);
  EXPECT_EQ(colours().find("Green"), nullptr);
}

TEST(NameTable, AnUnknownNameNamesTheParameterAndEveryKnownName) {
  try {
    colours().parse("mauve", "paint.colour", "colour");
    FAIL() << "mauve accepted";
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.parameter(), "paint.colour");
    EXPECT_NE(std::string(e.what()).find("unknown colour 'mauve' (known: red, green, blue)"), std::string::npos)
        << e.what();
  }
}

TEST(NameTable, AValueWithoutAnEntryIsAnError) {
  EXPECT_THROW(colours().name(static_cast<Colour>(7)), Error);
}

}  // namespace
}  // namespace imcsim
