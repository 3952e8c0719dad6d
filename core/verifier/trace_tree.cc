#include "core/verifier/trace_tree.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "core/io/atomic_file.h"

namespace arts::verifier {

std::vector<std::string> TraceTree::StepsTo(int node) const {
  std::vector<std::string> steps;
  for (int n = node; n > 0; n = nodes[n].parent) steps.push_back(nodes[n].step);
  return {steps.rbegin(), steps.rend()};
}

absl::Status TraceTree::Validate() const {
  if (nodes.empty() || nodes[0].parent != -1) {
    return absl::DataLossError("a tree needs a root (node 0, parent -1)");
  }
  for (size_t i = 1; i < nodes.size(); ++i) {
    const int parent = nodes[i].parent;
    if (parent < 0 || parent >= static_cast<int>(i)) {
      return absl::DataLossError(
          absl::StrCat("node ", i, " has parent ", parent,
                       ", which is not an earlier node"));
    }
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (int child : nodes[i].children) {
      if (child <= static_cast<int>(i) ||
          child >= static_cast<int>(nodes.size()) ||
          nodes[child].parent != static_cast<int>(i)) {
        return absl::DataLossError(
            absl::StrCat("node ", i, " lists child ", child, " wrongly"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status WriteTreeFile(const std::string& path,
                           const std::vector<TraceTree>& trees) {
  std::ostringstream out;
  out << kTreeFileHeader << "\n";
  for (const TraceTree& tree : trees) {
    if (absl::Status s = tree.Validate(); !s.ok()) return s;
    out << "tree\t" << tree.problem << "\t" << tree.nodes.size() << "\n";
    for (size_t i = 0; i < tree.nodes.size(); ++i) {
      const TreeNode& n = tree.nodes[i];
      // %.17g keeps doubles exact through a round trip.
      out << absl::StrFormat("%d\t%d\t%d\t%d\t%.17g\t%.17g\t%d\t%s\n", i,
                             n.parent, n.valid, n.terminal, n.reward, n.logprob,
                             n.num_tokens, n.step);
    }
    out << "end\n";
  }
  return io::WriteFileAtomically(path, out.str());
}

absl::StatusOr<std::vector<TraceTree>> ReadTreeFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  return ParseTreeFile(path, in);
}

absl::StatusOr<std::vector<TraceTree>> ParseTreeFile(const std::string& path,
                                                     std::istream& in) {
  std::vector<TraceTree> trees;
  std::string line;
  int line_number = 0;
  auto bad = [&](absl::string_view why) {
    return absl::DataLossError(absl::StrCat(path, ":", line_number, ": ", why));
  };
  if (!std::getline(in, line) || line != kTreeFileHeader) {
    line_number = 1;
    return bad(absl::StrCat("expected the header '", kTreeFileHeader, "'"));
  }
  line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    std::vector<std::string> head = absl::StrSplit(line, '\t');
    int count = 0;
    if (head.size() != 3 || head[0] != "tree" ||
        !absl::SimpleAtoi(head[2], &count) || count < 1 || count > 1000000) {
      return bad("expected 'tree<TAB>problem<TAB>node count'");
    }
    TraceTree tree;
    tree.problem = head[1];
    for (int i = 0; i < count; ++i) {
      if (!std::getline(in, line)) return bad("file ends inside a tree");
      ++line_number;
      std::vector<std::string> f =
          absl::StrSplit(line, absl::MaxSplits('\t', 7));
      TreeNode node;
      int id = 0, valid = 0, terminal = 0;
      if (f.size() != 8 || !absl::SimpleAtoi(f[0], &id) || id != i ||
          !absl::SimpleAtoi(f[1], &node.parent) ||
          !absl::SimpleAtoi(f[2], &valid) ||
          !absl::SimpleAtoi(f[3], &terminal) ||
          !absl::SimpleAtod(f[4], &node.reward) ||
          !absl::SimpleAtod(f[5], &node.logprob) ||
          !absl::SimpleAtoi(f[6], &node.num_tokens)) {
        return bad(
            "expected 'id parent valid terminal reward logprob tokens "
            "step' with id counting from 0");
      }
      node.valid = valid != 0;
      node.terminal = terminal != 0;
      node.step = f[7];
      if (i == 0 && node.parent != -1) {
        return bad("the root's parent must be -1");
      }
      if (i > 0 && (node.parent < 0 || node.parent >= i)) {
        return bad("a node's parent must be an earlier node");
      }
      if (!std::isfinite(node.reward) || !std::isfinite(node.logprob)) {
        return bad("reward and logprob must be finite numbers");
      }
      if (i > 0) tree.nodes[node.parent].children.push_back(i);
      tree.nodes.push_back(std::move(node));
    }
    if (!std::getline(in, line) || line != "end") {
      ++line_number;
      return bad("expected 'end' after the tree's nodes");
    }
    ++line_number;
    trees.push_back(std::move(tree));
  }
  return trees;
}

}  // namespace arts::verifier
