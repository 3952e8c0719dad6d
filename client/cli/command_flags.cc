#include "client/cli/command_flags.h"

#include <cstring>
#include <iostream>
#include <set>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace arts::cli {
namespace {

// The flag name of a command-line word, or "" for a positional argument:
// "--a=b" and "-a" name "a".
std::string FlagName(absl::string_view word) {
  if (!absl::ConsumePrefix(&word, "-")) return "";
  absl::ConsumePrefix(&word, "-");
  return std::string(word.substr(0, word.find('=')));
}

}  // namespace

std::vector<const absl::CommandLineFlag*> FlagsOf(const Command& command) {
  FlagReader flags;
  command.parse(flags).IgnoreError();  // only which flags it reads counts
  return flags.read();
}

std::string CheckFlags(const std::string& program, const Command& command,
                       int argc, char** argv) {
  std::set<std::string> accepted = {"help", "helpfull"};
  std::set<std::string> booleans;
  for (const absl::CommandLineFlag* flag : FlagsOf(command)) {
    accepted.insert(std::string(flag->Name()));
    if (flag->IsOfType<bool>()) booleans.insert(std::string(flag->Name()));
  }
  for (int i = 1; i < argc; ++i) {
    if (absl::string_view(argv[i]) == "--") break;
    const std::string name = FlagName(argv[i]);
    if (name.empty() || accepted.count(name) > 0) continue;
    // absl spells a false boolean --noNAME.
    if (absl::StartsWith(name, "no") && booleans.count(name.substr(2)) > 0) {
      continue;
    }
    return absl::StrCat(program, " ", command.name, ": unknown flag --", name,
                        "; '", program, " ", command.name,
                        " --help' lists the flags it takes");
  }
  return "";
}

bool WantsHelp(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (FlagName(argv[i]) == "help") return true;
  }
  return false;
}

std::string CommandHelp(const std::string& program, const Command& command) {
  std::string out =
      absl::StrCat("usage: ", program, " ", command.name, " [--flags]\n",
                   command.summary, "\n\nflags:\n");
  for (const absl::CommandLineFlag* flag : FlagsOf(command)) {
    std::string value = flag->DefaultValue();
    if (flag->IsOfType<std::string>()) value = absl::StrCat("\"", value, "\"");
    absl::StrAppendFormat(&out, "  --%s (default %s)\n      %s\n", flag->Name(),
                          value, flag->Help());
  }
  return out;
}

int RunCommandLine(const std::string& program,
                   const std::vector<Command>& commands, int argc,
                   char** argv) {
  std::string usage =
      absl::StrCat("usage: ", program, " COMMAND [--flags]\n", "commands:\n");
  for (const Command& command : commands) {
    absl::StrAppendFormat(&usage, "  %-16s %s\n", command.name,
                          command.summary);
  }
  absl::StrAppend(&usage, "run '", program,
                  " COMMAND --help' for a command's flags");
  absl::SetProgramUsageMessage(usage);
  if (argc < 2 || std::strcmp(argv[1], "help") == 0 ||
      std::strcmp(argv[1], "--help") == 0) {
    std::cout << usage << "\n";
    return argc < 2 ? 2 : 0;
  }
  const std::string name = argv[1];
  for (const Command& command : commands) {
    if (command.name != name) continue;
    // The command's flags follow it: argv[1] plays argv[0].
    if (WantsHelp(argc - 1, argv + 1)) {
      std::cout << CommandHelp(program, command);
      return 0;
    }
    if (std::string error = CheckFlags(program, command, argc - 1, argv + 1);
        !error.empty()) {
      std::cerr << error << "\n";
      return 2;
    }
    absl::ParseCommandLine(argc - 1, argv + 1);
    return command.run();
  }
  std::cerr << program << ": unknown command '" << name << "'\n"
            << usage << "\n";
  return 2;
}

}  // namespace arts::cli
