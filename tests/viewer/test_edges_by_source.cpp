// The arrows' index reads the causal edges by where they leave: their
// positions in the order of `from`, then `to`, every edge kept, whatever
// order they came in (edges_by_source.hpp). Held to std::stable_sort on
// random edges, with `from`s close together and far apart (few edges out
// of place, and many).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <tuple>
#include <vector>

#include "edges_by_source.hpp"

using weft::analysis::CausalEdge;
using weft::analysis::CausalKind;
using weft::viewer::edges_by_source;

namespace {

bool same(const CausalEdge& a, const CausalEdge& b) {
  return a.from == b.from && a.to == b.to && a.kind == b.kind && a.unblocked == b.unblocked;
}

// Random edges ordered as causal_edges gives them (by `to`, then `from`),
// with duplicates of (from, to) told apart by their kind and flag.
std::vector<CausalEdge> random_edges(std::size_t n, std::uint64_t largest_from, std::mt19937_64& rng) {
  std::vector<CausalEdge> edges(n);
  for (CausalEdge& e : edges) {
    e.from = rng() % (largest_from + 1);
    e.to = e.from + 1 + rng() % 1000;
    e.kind = static_cast<CausalKind>(rng() % 3);
    e.unblocked = rng() % 2;
  }
  std::stable_sort(edges.begin(), edges.end(),
                   weft::analysis::before_by_to);
  return edges;
}

// The edges at `positions` (what edges_by_source gives), in that order.
std::vector<CausalEdge> at(const std::vector<CausalEdge>& edges, const std::vector<std::uint32_t>& positions) {
  std::vector<CausalEdge> out;
  for (const std::uint32_t k : positions) out.push_back(edges.at(k));
  return out;
}

// What edges_by_source must give: by (from, to), ties in their order before.
std::vector<CausalEdge> expected(std::vector<CausalEdge> edges) {
  std::stable_sort(edges.begin(), edges.end(),
                   weft::analysis::before_by_from);
  return edges;
}

}  // namespace

TEST_CASE("edges by source: ordered by from then to with every edge kept", "[viewer][edges]") {
  std::mt19937_64 rng(11);
  for (const std::uint64_t largest : {std::uint64_t{0}, std::uint64_t{700}, std::uint64_t{1} << 20, std::uint64_t{1} << 40}) {
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{5000}}) {
      INFO("largest from " << largest << ", " << n << " edges");
      const std::vector<CausalEdge> edges = random_edges(n, largest, rng);
      const std::vector<CausalEdge> got = at(edges, edges_by_source(edges));
      const std::vector<CausalEdge> want = expected(edges);
      REQUIRE(got.size() == want.size());
      REQUIRE(std::equal(got.begin(), got.end(), want.begin(), same));
    }
  }
}

TEST_CASE("edges by source: edges in any other order are sorted too", "[viewer][edges]") {
  std::mt19937_64 rng(12);
  std::vector<CausalEdge> edges = random_edges(3000, 100000, rng);
  std::shuffle(edges.begin(), edges.end(), rng);
  const std::vector<CausalEdge> got = at(edges, edges_by_source(edges));
  REQUIRE(got.size() == edges.size());
  REQUIRE(std::is_sorted(got.begin(), got.end(),
                         weft::analysis::before_by_from));
  // The same edges: each one's count matches.
  const auto key = [](const CausalEdge& e) { return std::make_tuple(e.from, e.to, e.kind, e.unblocked); };
  std::vector<std::tuple<std::uint64_t, std::uint64_t, CausalKind, bool>> a, b;
  for (const CausalEdge& e : edges) a.push_back(key(e));
  for (const CausalEdge& e : got) b.push_back(key(e));
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  REQUIRE(a == b);
}

TEST_CASE("edges by source: edges already in order come back as they are", "[viewer][edges]") {
  // One lock's releases linked in turn: each `from` before the next.
  std::vector<CausalEdge> edges;
  for (std::uint64_t i = 0; i < 100; ++i) edges.push_back({2 * i, 2 * i + 1, CausalKind::Unlock, i % 2 == 0});
  const std::vector<std::uint32_t> got = edges_by_source(edges);
  REQUIRE(got.size() == edges.size());
  for (std::uint32_t k = 0; k < got.size(); ++k) REQUIRE(got[k] == k);
}

TEST_CASE("edges by source: equal edges keep the positions they came in", "[viewer][edges]") {
  // Ties told apart only by position: each stray after its equals, kept ones first.
  std::vector<CausalEdge> edges = {{5, 9, CausalKind::Unlock, false}, {1, 9, CausalKind::Unlock, false},
                                   {5, 9, CausalKind::Unlock, false}, {1, 9, CausalKind::Unlock, false},
                                   {5, 10, CausalKind::Unlock, false}};
  REQUIRE(edges_by_source(edges) == std::vector<std::uint32_t>{1, 3, 0, 2, 4});
}
