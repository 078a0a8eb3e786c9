#include "weft/analysis/finding.hpp"

namespace weft::analysis {

std::string_view finding_kind_name(FindingKind k) {
  switch (k) {
    case FindingKind::DataRace: return "data race";
    case FindingKind::Deadlock: return "deadlock";
    case FindingKind::SelfDeadlock: return "self-deadlock";
    case FindingKind::LockOrderInversion: return "lock-order inversion";
    case FindingKind::Hang: return "hang";
    case FindingKind::LostWakeup: return "lost wake-up";
    case FindingKind::Misuse: return "misuse";
    case FindingKind::Ordering: return "ordering violation";
    case FindingKind::Crash: return "crash";
    case FindingKind::TsanReport: return "tsan report";
  }
  return "?";
}

std::string_view finding_rule_id(FindingKind k) {
  switch (k) {
    case FindingKind::DataRace: return "weft/data-race";
    case FindingKind::Deadlock: return "weft/deadlock";
    case FindingKind::SelfDeadlock: return "weft/self-deadlock";
    case FindingKind::LockOrderInversion: return "weft/lock-order-inversion";
    case FindingKind::Hang: return "weft/hang";
    case FindingKind::LostWakeup: return "weft/lost-wakeup";
    case FindingKind::Misuse: return "weft/misuse";
    case FindingKind::Ordering: return "weft/ordering";
    case FindingKind::Crash: return "weft/crash";
    case FindingKind::TsanReport: return "tsan/report";
  }
  return "weft/unknown";
}

}  // namespace weft::analysis
