#include "view_state.hpp"

#include <algorithm>

namespace weft::viewer {

TimeInterval whole_trace(const Timeline& tl) {
  return {static_cast<double>(tl.begin_ns), static_cast<double>(std::max(tl.end_ns, tl.begin_ns + 1))};
}

void ViewState::lay_out(const Rect& lanes, float content_height, TimeInterval whole) {
  viewport_.x0 = lanes.x;
  viewport_.width = lanes.w;
  if (request_) {
    if (request_->whole)
      viewport_.fit(whole.begin_ns, whole.end_ns);
    else
      viewport_.fit(request_->range.begin_ns, request_->range.end_ns, 0);
    request_.reset();
  }
  max_scroll_ = std::max(0.0f, content_height - lanes.h);
  scroll_to(scroll_);
}

void ViewState::scroll_to(float scroll) { scroll_ = std::clamp(scroll, 0.0f, max_scroll_); }

void ViewState::follow(double t_ns) {
  if (t_ns > viewport_.t1_ns()) viewport_.t0_ns = t_ns - viewport_.width * viewport_.ns_per_px * 0.1;
}

}  // namespace weft::viewer
