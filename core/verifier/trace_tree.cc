#include "core/verifier/trace_tree.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "core/countdown/problem.h"
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

namespace {

using nlohmann::json;

std::string JsonLinesOf(const std::vector<TraceTree>& trees) {
  std::ostringstream out;
  for (const TraceTree& tree : trees) {
    json nodes = json::array();
    for (const TreeNode& n : tree.nodes) {
      json node = {{"parent", n.parent},   {"step", n.step},
                   {"logprob", n.logprob}, {"tokens", n.num_tokens},
                   {"valid", n.valid},     {"terminal", n.terminal},
                   {"reward", n.reward}};
      if (!n.answer.empty()) node["answer"] = n.answer;
      nodes.push_back(std::move(node));
    }
    const json line = {{"format", kTreeJsonFormat},
                       {"version", kTreeJsonVersion},
                       {"task", tree.task},
                       {"problem", tree.problem},
                       {"nodes", std::move(nodes)}};
    out << line.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  }
  return out.str();
}

// One tree of a JSON Lines file; `bad` makes the error.
absl::StatusOr<TraceTree> TreeOfJson(
    const json& line,
    const std::function<absl::Status(absl::string_view)>& bad) {
  if (!line.is_object()) return bad("a line must be a JSON object");
  auto format = line.find("format");
  if (format == line.end() || *format != kTreeJsonFormat) {
    return bad(absl::StrCat("\"format\" must be \"", kTreeJsonFormat, "\""));
  }
  auto version = line.find("version");
  if (version == line.end() || !version->is_number_integer() ||
      version->get<int64_t>() != kTreeJsonVersion) {
    return bad(absl::StrCat("\"version\" must be ", kTreeJsonVersion));
  }
  TraceTree tree;
  auto task = line.find("task");
  auto problem = line.find("problem");
  auto nodes = line.find("nodes");
  if (task == line.end() || !task->is_string() || problem == line.end() ||
      !problem->is_string() || nodes == line.end() || !nodes->is_array()) {
    return bad(
        "\"task\" and \"problem\" (strings) and \"nodes\" (an "
        "array) are required");
  }
  tree.task = task->get<std::string>();
  tree.problem = problem->get<std::string>();
  if (nodes->empty() || nodes->size() > 1000000) {
    return bad("a tree has 1 to 1000000 nodes");
  }
  for (size_t i = 0; i < nodes->size(); ++i) {
    const json& n = (*nodes)[i];
    const std::string where = absl::StrCat("nodes[", i, "]");
    if (!n.is_object()) return bad(where + " must be an object");
    TreeNode node;
    auto parent = n.find("parent");
    auto step = n.find("step");
    if (parent == n.end() || !parent->is_number_integer() || step == n.end() ||
        !step->is_string()) {
      return bad(where +
                 ": \"parent\" (an integer) and \"step\" (a string) "
                 "are required");
    }
    const int64_t p = parent->get<int64_t>();
    if (i == 0 ? p != -1 : (p < 0 || p >= static_cast<int64_t>(i))) {
      return bad(where + (i == 0
                              ? ": the root's parent must be -1"
                              : ": a node's parent must be an earlier node"));
    }
    node.parent = static_cast<int>(p);
    node.step = step->get<std::string>();
    for (const auto& [key, out] :
         {std::pair<const char*, double*>{"logprob", &node.logprob},
          {"reward", &node.reward}}) {
      auto it = n.find(key);
      if (it == n.end()) continue;
      if (!it->is_number() || !std::isfinite(it->get<double>())) {
        return bad(absl::StrCat(where, ".", key, " must be a finite number"));
      }
      *out = it->get<double>();
    }
    if (auto it = n.find("tokens"); it != n.end()) {
      if (!it->is_number_integer() || it->get<int64_t>() < 0 ||
          it->get<int64_t>() > 1000000) {
        return bad(where + ".tokens must be an integer 0 to 1000000");
      }
      node.num_tokens = it->get<int>();
    }
    for (const auto& [key, out] :
         {std::pair<const char*, bool*>{"valid", &node.valid},
          {"terminal", &node.terminal}}) {
      auto it = n.find(key);
      if (it == n.end()) continue;
      if (!it->is_boolean()) {
        return bad(absl::StrCat(where, ".", key, " must be true or false"));
      }
      *out = it->get<bool>();
    }
    if (auto it = n.find("answer"); it != n.end()) {
      if (!it->is_string()) return bad(where + ".answer must be a string");
      node.answer = it->get<std::string>();
    }
    if (i > 0) tree.nodes[node.parent].children.push_back(static_cast<int>(i));
    tree.nodes.push_back(std::move(node));
  }
  return tree;
}

absl::StatusOr<std::vector<TraceTree>> ParseJsonLines(const std::string& path,
                                                      std::istream& in) {
  std::vector<TraceTree> trees;
  std::string line;
  int line_number = 0;
  auto bad = [&](absl::string_view why) {
    return absl::DataLossError(absl::StrCat(path, ":", line_number, ": ", why));
  };
  while (std::getline(in, line)) {
    ++line_number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    const json parsed = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) return bad("not a JSON value");
    absl::StatusOr<TraceTree> tree = TreeOfJson(parsed, bad);
    if (!tree.ok()) return tree.status();
    trees.push_back(*std::move(tree));
  }
  return trees;
}

}  // namespace

bool IsJsonLinesPath(absl::string_view path) {
  return absl::EndsWith(path, ".jsonl");
}

absl::Status WriteTreeFile(const std::string& path,
                           const std::vector<TraceTree>& trees) {
  for (const TraceTree& tree : trees) {
    if (absl::Status s = tree.Validate(); !s.ok()) return s;
  }
  if (IsJsonLinesPath(path)) {
    return io::WriteFileAtomically(path, JsonLinesOf(trees));
  }
  std::ostringstream out;
  out << kTreeFileHeader << "\n";
  for (const TraceTree& tree : trees) {
    if (tree.task != countdown::kTaskName) {
      return absl::InvalidArgumentError(absl::StrCat(
          path,
          ": only Countdown trees fit the text format; write trees of "
          "task '",
          tree.task, "' as JSON Lines (a .jsonl path)"));
    }
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
  // JSON Lines start with a tree's object; the text format with its header.
  std::stringstream whole;
  whole << in.rdbuf();
  const std::string text = whole.str();
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') {
    return ParseJsonLines(path, whole);
  }
  std::vector<TraceTree> trees;
  std::string line;
  int line_number = 0;
  auto bad = [&](absl::string_view why) {
    return absl::DataLossError(absl::StrCat(path, ":", line_number, ": ", why));
  };
  if (!std::getline(whole, line) || line != kTreeFileHeader) {
    line_number = 1;
    return bad(absl::StrCat("expected the header '", kTreeFileHeader, "'"));
  }
  line_number = 1;
  while (std::getline(whole, line)) {
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
      if (!std::getline(whole, line)) return bad("file ends inside a tree");
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
    if (!std::getline(whole, line) || line != "end") {
      ++line_number;
      return bad("expected 'end' after the tree's nodes");
    }
    ++line_number;
    trees.push_back(std::move(tree));
  }
  return trees;
}

}  // namespace arts::verifier
