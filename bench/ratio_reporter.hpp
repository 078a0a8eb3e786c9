// A Google Benchmark reporter that prints the usual table and then the
// ratios that matter, side by side from the same run: "traced lock/unlock
// costs 1.4x an untraced one". Timing goals are judged on these ratios, never
// by timed tests.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace weft::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  struct Ratio {
    std::string label;
    std::string numerator;    // benchmark names, as registered
    std::string denominator;  // empty: print the numerator's time alone
    double goal = 0;          // 0: no goal; else the ratio (or ns) to stay under
  };

  explicit RatioReporter(std::vector<Ratio> ratios) : ratios_(std::move(ratios)) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      // With repetitions, judge by the median; without, by the single run.
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median") continue;
      ns_[r.run_name.function_name] = r.GetAdjustedRealTime();
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\n%-52s %12s %10s %8s\n", "comparison", "value", "goal", "");
    for (const Ratio& r : ratios_) {
      const auto num = ns_.find(r.numerator);
      const auto den = ns_.find(r.denominator);
      if (num == ns_.end() || (!r.denominator.empty() && den == ns_.end())) continue;
      const bool is_ratio = !r.denominator.empty();
      const double value = is_ratio ? num->second / den->second : num->second;
      char goal[32] = "";
      if (r.goal > 0) std::snprintf(goal, sizeof goal, is_ratio ? "<= %.2fx" : "< %.1f ns", r.goal);
      std::printf("%-52s %11.2f%s %10s %8s\n", r.label.c_str(), value, is_ratio ? "x" : " ns", goal,
                  r.goal > 0 ? (value <= r.goal ? "met" : "MISSED") : "");
    }
  }

 private:
  std::vector<Ratio> ratios_;
  std::map<std::string, double> ns_;
};

}  // namespace weft::bench
