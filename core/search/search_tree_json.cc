#include "core/search/search_tree_json.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "absl/strings/str_cat.h"

namespace arts::search {
namespace {

using nlohmann::json;

constexpr char kFormat[] = "arts-search-tree";

}  // namespace

json TreeNodeObject(const TreeNode& node) {
  json steps = json::array();
  for (const std::string& step : node.steps) steps.push_back(step);
  json out = {{"id", node.id},
              {"parent", node.parent},
              {"steps", steps},
              {"logprob", FiniteOrNull(node.logprob)},
              {"tokens", node.tokens},
              {"draws", node.draws},
              {"valid", node.valid},
              {"terminal", node.terminal},
              {"answer", node.answer},
              {"expansions", node.expansions},
              {"state", NodeStateName(node.state)},
              {"check", CheckName(node.check)},
              {"answer_rank", node.answer_rank}};
  // log F: absent until scored; minus infinity (no chance) is null.
  if (node.log_flow.has_value()) out["log_flow"] = FiniteOrNull(*node.log_flow);
  return out;
}

namespace {

std::string Dump(const json& value, bool pretty) {
  return value.dump(pretty ? 1 : -1, ' ', false,
                    json::error_handler_t::replace);
}

// The string at `key`, or `fallback` when it is absent or not a string.
std::string Text(const json& object, const char* key,
                 const std::string& fallback) {
  return object.contains(key) && object[key].is_string()
             ? object[key].get<std::string>()
             : fallback;
}

absl::Status Field(const std::string& where, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", what));
}

}  // namespace

json FiniteOrNull(double value) {
  return std::isfinite(value) ? json(value) : json(nullptr);
}

std::string CheckName(Check check) {
  switch (check) {
    case Check::kPassed:
      return "passed";
    case Check::kFailed:
      return "failed";
    case Check::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::string SearchTreeJson(const SearchTree& tree, bool pretty) {
  return Dump(SearchTreeObject(tree), pretty);
}

json SearchTreeObject(const SearchTree& tree) {
  json nodes = json::array();
  for (const TreeNode& node : tree.nodes) {
    nodes.push_back(TreeNodeObject(node));
  }
  const CostReceipt& c = tree.cost;
  json out = {{"format", kFormat},
              {"version", tree.version},
              {"problem", tree.problem},
              {"strategy", tree.strategy},
              {"stop_reason", tree.stop_reason},
              {"cost",
               {{"tokens_generated", c.tokens_generated},
                {"generator_calls", c.generator_calls},
                {"verifier_calls", c.verifier_calls},
                {"traces_scored", c.traces_scored},
                {"expansions", c.expansions},
                {"wall_seconds", c.wall_seconds}}},
              {"nodes", nodes}};
  return out;
}

absl::StatusOr<SearchTree> ParseSearchTreeJson(absl::string_view text) {
  const json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    return absl::InvalidArgumentError("not a JSON object");
  }
  if (Text(root, "format", "") != kFormat) {
    return Field("format", absl::StrCat("must be \"", kFormat, "\""));
  }
  if (!root.contains("version") || !root["version"].is_number_integer() ||
      root["version"].get<int>() != kSearchTreeVersion) {
    return Field("version",
                 absl::StrCat("this build reads version ", kSearchTreeVersion));
  }
  SearchTree tree;
  tree.problem = Text(root, "problem", "");
  tree.strategy = Text(root, "strategy", "");
  tree.stop_reason = Text(root, "stop_reason", "");
  if (root.contains("cost") && root["cost"].is_object()) {
    const json& c = root["cost"];
    const auto number = [&](const char* key) -> int64_t {
      return c.contains(key) && c[key].is_number_integer()
                 ? c[key].get<int64_t>()
                 : 0;
    };
    tree.cost.tokens_generated = number("tokens_generated");
    tree.cost.generator_calls = number("generator_calls");
    tree.cost.verifier_calls = number("verifier_calls");
    tree.cost.traces_scored = number("traces_scored");
    tree.cost.expansions = number("expansions");
    if (c.contains("wall_seconds") && c["wall_seconds"].is_number()) {
      tree.cost.wall_seconds = c["wall_seconds"].get<double>();
    }
  }
  if (!root.contains("nodes") || !root["nodes"].is_array() ||
      root["nodes"].empty()) {
    return Field("nodes", "must be an array holding at least the root");
  }
  const json& nodes = root["nodes"];
  for (size_t i = 0; i < nodes.size(); ++i) {
    const std::string where = absl::StrCat("nodes[", i, "]");
    const json& n = nodes[i];
    if (!n.is_object()) return Field(where, "must be an object");
    TreeNode node;
    if (!n.contains("id") || !n["id"].is_number_integer() ||
        n["id"].get<int64_t>() != static_cast<int64_t>(i)) {
      return Field(where + ".id", absl::StrCat("must be ", i));
    }
    node.id = static_cast<int>(i);
    if (!n.contains("parent") || !n["parent"].is_number_integer()) {
      return Field(where + ".parent", "must be an integer");
    }
    const int64_t parent = n["parent"].get<int64_t>();
    if ((i == 0 && parent != -1) ||
        (i > 0 && (parent < 0 || parent >= static_cast<int64_t>(i)))) {
      return Field(
          where + ".parent",
          i == 0 ? "the root's must be -1"
                 : absl::StrCat("must name an earlier node, got ", parent));
    }
    node.parent = static_cast<int>(parent);
    if (n.contains("steps")) {
      if (!n["steps"].is_array()) return Field(where + ".steps", "an array");
      for (const json& step : n["steps"]) {
        if (!step.is_string()) return Field(where + ".steps", "strings only");
        node.steps.push_back(step.get<std::string>());
      }
    }
    const auto number = [&](const char* key, double fallback) {
      return n.contains(key) && n[key].is_number() ? n[key].get<double>()
                                                   : fallback;
    };
    const auto flag = [&](const char* key, bool fallback) {
      return n.contains(key) && n[key].is_boolean() ? n[key].get<bool>()
                                                    : fallback;
    };
    node.logprob = number("logprob", 0);
    node.tokens = static_cast<int64_t>(number("tokens", 0));
    node.draws = static_cast<int>(number("draws", 0));
    node.valid = flag("valid", true);
    node.terminal = flag("terminal", false);
    node.answer = Text(n, "answer", "");
    if (n.contains("log_flow")) {
      node.log_flow = n["log_flow"].is_number()
                          ? n["log_flow"].get<double>()
                          : -std::numeric_limits<double>::infinity();
    }
    node.expansions = static_cast<int>(number("expansions", 0));
    const std::string state = Text(n, "state", "open");
    bool known = false;
    for (NodeState s :
         {NodeState::kOpen, NodeState::kExpanded, NodeState::kAnswer,
          NodeState::kInvalid, NodeState::kDead, NodeState::kBudget,
          NodeState::kBeaten}) {
      if (NodeStateName(s) == state) {
        node.state = s;
        known = true;
      }
    }
    if (!known) return Field(where + ".state", "unknown '" + state + "'");
    const std::string check = Text(n, "check", "unknown");
    node.check = check == "passed"   ? Check::kPassed
                 : check == "failed" ? Check::kFailed
                                     : Check::kUnknown;
    node.answer_rank = static_cast<int>(number("answer_rank", 0));
    tree.nodes.push_back(std::move(node));
  }
  return tree;
}

}  // namespace arts::search
