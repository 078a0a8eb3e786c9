// Small drawing helpers the timeline's parts share.
#pragma once

#include <imgui.h>

#include <cmath>
#include <string>

namespace weft::viewer {

inline ImVec2 v2(double x, double y) { return ImVec2(static_cast<float>(x), static_cast<float>(y)); }

// A line from a to b with an arrowhead at b (none when too short to see).
inline void arrow(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 color, float thickness) {
  dl->AddLine(a, b, color, thickness);
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float len = std::sqrt(dx * dx + dy * dy);
  if (len < 4) return;
  const float ux = dx / len, uy = dy / len, size = 4 + thickness * 2;
  dl->AddTriangleFilled(b, ImVec2(b.x - ux * size - uy * size * 0.5f, b.y - uy * size + ux * size * 0.5f),
                        ImVec2(b.x - ux * size + uy * size * 0.5f, b.y - uy * size - ux * size * 0.5f), color);
}

// Text with a dark shadow: readable on every lane color.
inline void label(ImDrawList* dl, ImVec2 at, ImU32 color, const std::string& text) {
  dl->AddText(ImVec2(at.x + 1, at.y + 1), IM_COL32(0, 0, 0, 200), text.c_str());
  dl->AddText(at, color, text.c_str());
}

inline float text_width(const std::string& s) { return ImGui::CalcTextSize(s.c_str()).x; }

}  // namespace weft::viewer
