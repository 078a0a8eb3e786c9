// The model built in a walk that also carries the misuse watch: check()
// builds its model itself, and both read every event; one walk decodes
// each event once for the two (a contended 10 M-event trace: the model 69
// ms, misuse 68, each about half decoding).
#pragma once

#include "misuse_watch.hpp"
#include "weft/analysis/model.hpp"

namespace weft::analysis::detail {

// build_model(trace, how_much), stepping `misuse` with every event too.
Model build_model_watching(const format::Trace& trace, ModelDetail how_much, MisuseWatch& misuse);

}  // namespace weft::analysis::detail
