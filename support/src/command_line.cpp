#include "weft/support/command_line.hpp"

#include <CLI/CLI.hpp>

namespace weft::command_line {
namespace {

// Help in the project's words: the usage line as the program writes it
// (CLI11 would derive "Usage: weft check [OPTIONS] [TRACE]"), lower-case
// headings like the rest of weft's output.
class formatter : public CLI::Formatter {
 public:
  explicit formatter(std::string usage) : usage_(std::move(usage)) {
    label("Positionals", "arguments");
    column_width(32);
  }
  std::string make_description(const CLI::App* app) const override { return app->get_description() + "\n\n"; }
  std::string make_usage(const CLI::App*, std::string) const override { return usage_ + "\n"; }

 private:
  std::string usage_;
};

// CLI11's messages are one line today; the promise must not hang on that.
std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// "--format=" -> "--format": the option as the user typed it.
std::string option_name(const std::string& arg) { return arg.substr(0, arg.find('=')); }

// CLI11 reports a missing value as "--format: 1 required TEXT missing" and a
// value given to a flag as "no-header was given a disallowed flag override";
// say both as the project does, naming the option as it was typed.
std::string mismatch(const CLI::ArgumentMismatch& e, std::span<const std::string> args) {
  const std::string what = e.what();
  const std::string missing = " missing", override_text = " was given a disallowed flag override";
  // Only an option that runs out of arguments lacks its value: it is the last one.
  if (what.size() > missing.size() && what.ends_with(missing) && !args.empty())
    return option_name(args.back()) + " needs a value";
  if (const auto at = what.find(override_text); at != std::string::npos) {
    const std::string name = what.substr(0, at);
    for (const std::string& a : args)
      if (a.find('=') != std::string::npos && (option_name(a) == "--" + name || option_name(a) == "-" + name))
        return option_name(a) + " takes no value";
    return (name.size() == 1 ? "-" : "--") + name + " takes no value";
  }
  return one_line(what);
}

}  // namespace

struct parser::impl {
  std::string program, usage_args;
  CLI::App app;

  impl(std::string program_, std::string usage_, const std::string& summary)
      : program(std::move(program_)), usage_args(std::move(usage_)), app(program + ": " + summary, program) {
    app.formatter(std::make_shared<formatter>(usage()));
    // Every option: the last of several wins, as it always has in weft.
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)->group("options");
    app.set_help_flag("-h,--help", "show this help and exit");
    // Unknown options and extra arguments are collected, not thrown: parse()
    // words them (CLI11's ExtrasError lists them all on one line in its own
    // words).
    app.allow_extras();
  }

  std::string usage() const { return "usage: " + program + (usage_args.empty() ? "" : " " + usage_args); }
};

parser::parser(std::string program, std::string usage, std::string summary)
    : impl_(std::make_unique<impl>(std::move(program), std::move(usage), summary)) {}
parser::~parser() = default;
parser::parser(parser&&) noexcept = default;
parser& parser::operator=(parser&&) noexcept = default;

void parser::positional(const std::string& name, std::string& into, const std::string& help) {
  impl_->app.add_option(name, into, help)->type_name("");
}

void parser::positional(const std::string& name, std::optional<std::string>& into, const std::string& help) {
  impl_->app.add_option_function<std::string>(name, [&into](const std::string& v) { into = v; }, help)->type_name("");
}

void parser::option(const std::string& names, std::string& into, const std::string& value_name, const std::string& help) {
  impl_->app.add_option(names, into, help)->type_name(value_name);
}

void parser::option(const std::string& names, std::optional<std::string>& into, const std::string& value_name,
                    const std::string& help) {
  impl_->app.add_option_function<std::string>(names, [&into](const std::string& v) { into = v; }, help)
      ->type_name(value_name);
}

void parser::flag(const std::string& names, bool& into, const std::string& help) {
  // `--json=no` is a mistake, not a way to say false.
  impl_->app.add_flag(names, into, help)->disable_flag_override();
}

void parser::footer(const std::string& text) { impl_->app.footer(text); }

bool parser::parse(std::span<const std::string> args, const extra_argument& extra) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
  try {
    impl_->app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    return false;
  } catch (const CLI::ArgumentMismatch& e) {
    throw usage_error(mismatch(e, args));
  } catch (const CLI::ParseError& e) {
    throw usage_error(one_line(e.what()));
  }
  // The first stray argument, in command-line order, is the one named.
  // CLI11 lists a `--` it honoured (what follows it is positional) too.
  for (const std::string& a : impl_->app.remaining()) {
    if (a == "--") continue;
    if (a.size() > 1 && a[0] == '-') throw usage_error("unknown option " + a);
    throw usage_error(extra ? extra(a) : "unexpected argument " + a);
  }
  return true;
}

std::string parser::help() const {
  std::string text = impl_->app.help();
  while (text.size() > 1 && text.back() == '\n' && text[text.size() - 2] == '\n') text.pop_back();
  return text;
}

std::string parser::usage() const { return impl_->usage(); }

}  // namespace weft::command_line
