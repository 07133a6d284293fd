// The operator registry (workloads/operators/operator.h): every entry is complete for what it declares, the
// documentation lists every operator, and an operator without an entry is an error wherever a graph meets it.

#include "workloads/operators/operator.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/support/thrown.h"
#include "workloads/reference_executor.h"
#include "workloads/shape_inference.h"

namespace imcsim::workloads::operators {
namespace {

using test::thrown_by;

TEST(OperatorRegistry, EveryEntryHasWhatItsMappingNeeds) {
  ASSERT_FALSE(registry().empty());
  for (const auto& [type, op] : registry()) {
    SCOPED_TRACE(type);
    EXPECT_EQ(op.type, type);
    EXPECT_TRUE(op.infer);
    EXPECT_TRUE(op.execute);
    const bool crossbars = op.mapping == Mapping::crossbars;
    EXPECT_EQ(crossbars, static_cast<bool>(op.weight_layers));
    EXPECT_EQ(crossbars, op.weight_operands > 0);
    EXPECT_EQ(crossbars, static_cast<bool>(op.macs)) << "the MACs counted are the crossbars' products";
    EXPECT_TRUE(!op.folds_on_shapes || op.fold);
    EXPECT_EQ(find_operator(type), &op);
  }
  EXPECT_EQ(find_operator("Cos"), nullptr);
  EXPECT_EQ(find_operator("ConvTranspose"), nullptr);
}

TEST(OperatorRegistry, DocumentationListsEveryOperator) {
  const char* dir = std::getenv("IMCSIM_SOURCE_DIR");
  ASSERT_NE(dir, nullptr) << "IMCSIM_SOURCE_DIR is not set";
  std::ifstream in(std::string(dir) + "/docs/models.md");
  ASSERT_TRUE(in) << "docs/models.md";
  std::stringstream text;
  text << in.rdbuf();
  // The table of "What is imported": rows "| Op, Op, ... | notes |".
  const std::string doc = text.str();
  const std::string table = doc.substr(doc.find("## What is imported"),
                                       doc.find("ConvTranspose is not supported") - doc.find("## What is imported"));
  for (const auto& [type, op] : registry()) {
    const bool listed =
        table.find("| " + type + ",") != std::string::npos || table.find(", " + type + ",") != std::string::npos ||
        table.find(", " + type + " |") != std::string::npos || table.find("| " + type + " |") != std::string::npos;
    EXPECT_TRUE(listed) << type << " has no row in docs/models.md's table of imported operators";
  }
}

TEST(OperatorRegistry, AGraphBuiltInCodeWithAnUnknownOperatorIsAnError) {
  Graph g;
  g.name = "coded";
  Tensor x;
  x.name = "x";
  x.shape = {-1, 4};
  g.tensors["x"] = x;
  g.inputs = {"x"};
  Node n;
  n.name = "wave";
  n.op = "Cos";
  n.inputs = {"x"};
  n.outputs = {"y"};
  g.nodes = {n};
  g.outputs = {"y"};
  const InputError e = thrown_by([&] { infer_graph_shapes(g); });
  EXPECT_EQ(e.file(), "coded");
  EXPECT_EQ(e.key(), "node 'wave' (Cos)");
  EXPECT_NE(std::string(e.what()).find("unsupported operator 'Cos'"), std::string::npos) << e.what();
  EXPECT_NE(std::string(thrown_by([&] { ReferenceExecutor{g}; }).what()).find("unsupported operator 'Cos'"),
            std::string::npos);
}

}  // namespace
}  // namespace imcsim::workloads::operators
