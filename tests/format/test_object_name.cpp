// Objects' names kept once per trace (object_name.hpp): every name reads
// back exactly as it was given, the stems are shared, and a trace's copies
// and the traces made of others keep their names readable.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "weft/format/object_name.hpp"
#include "weft/format/trace.hpp"

using namespace weft::format;

TEST_CASE("an object's name reads back as it was kept, split only where that is exact", "[names]") {
  NameStore store;
  struct Case {
    std::string text, stem;
    std::uint32_t number;
  };
  const std::vector<Case> cases = {
      {"mutex#3", "mutex", 3},
      {"mutex@node.cpp:12#2", "mutex@node.cpp:12", 2},
      {"a#b#12", "a#b", 12},
      {"n#4294967295", "n", 4294967295u},
      {"n#4294967296", "n#4294967296", 0},  // past 32 bits: kept whole
      {"x#07", "x#07", 0},                  // a leading zero would not come back
      {"x#0", "x#0", 0},
      {"x#", "x#", 0},
      {"x#1a", "x#1a", 0},
      {"#5", "", 5},
      {"plain", "plain", 0},
      {"", "", 0},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    const ObjectName n = store.keep(c.text);
    CHECK(n.str() == c.text);
    CHECK(n.stem() == c.stem);
    CHECK(n.number() == c.number);
    CHECK(n == c.text);
    CHECK(n == std::string_view(c.text));
    CHECK(n.empty() == c.text.empty());
    CHECK_FALSE(n == c.text + "0");
  }
}

TEST_CASE("names that differ only in their number share one stem", "[names]") {
  NameStore store;
  const ObjectName a = store.keep("mutex@node.cpp:12"), b = store.keep("mutex@node.cpp:12#2");
  const ObjectName c = store.keep("mutex#1609263"), d = store.keep("mutex#7");
  CHECK(a.stem().data() == b.stem().data());
  CHECK(c.stem().data() == d.stem().data());
  CHECK(a.stem().data() != c.stem().data());
  CHECK(a != b);
  CHECK(c != d);
  // A name compares as its text however it was made: a literal is not split.
  CHECK(ObjectName("mutex#7") == d);
  CHECK(d == ObjectName("mutex#7"));
  CHECK_FALSE(ObjectName("mutex#70") == d);
  CHECK(ObjectName("lock_X") == "lock_X");
  // Kept again by another store: the same text, the other store's stem.
  NameStore other;
  const ObjectName moved = other.keep_from(b);
  CHECK(moved == b);
  CHECK(moved.stem().data() != b.stem().data());
}

TEST_CASE("a stem once kept stays where it is while the store grows", "[names]") {
  NameStore store;
  const ObjectName first = store.keep("first#1");
  const char* at = first.stem().data();
  std::vector<ObjectName> kept;
  for (int i = 0; i < 20000; ++i)
    kept.push_back(store.keep("name-" + std::to_string(i) + "-" + std::string(i % 300, 'x')));
  CHECK(first.stem().data() == at);
  CHECK(first.str() == "first#1");
  for (int i = 0; i < 20000; i += 997)
    CHECK(kept[static_cast<std::size_t>(i)] == "name-" + std::to_string(i) + "-" + std::string(i % 300, 'x'));
}

TEST_CASE("threads keep names into one store side by side", "[names]") {
  NameStore store;
  std::vector<std::vector<ObjectName>> kept(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&store, &kept, t] {
      for (int i = 1; i <= 2000; ++i)
        kept[static_cast<std::size_t>(t)].push_back(
            store.keep("lock@t" + std::to_string(i % 7) + "#" + std::to_string(i)));
    });
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < 4; ++t)
    for (int i = 1; i <= 2000; ++i) {
      const ObjectName& n = kept[static_cast<std::size_t>(t)][static_cast<std::size_t>(i - 1)];
      CHECK(n.number() == static_cast<std::uint32_t>(i));
      CHECK(n.stem() == "lock@t" + std::to_string(i % 7));
      CHECK(n.stem().data() == kept[0][static_cast<std::size_t>(i - 1)].stem().data());  // one stem for all threads
    }
}

TEST_CASE("a trace's copy keeps its objects' names after the original is gone", "[names]") {
  auto original = std::make_unique<Trace>();
  original->objects.resize(3);
  for (ObjectInfo& o : original->objects) o.kind = ObjectKind::Mutex;
  original->name_object(1, "mutex@pool.cpp:40#12");
  original->name_object(2, "worker queue");
  const Trace copy = *original;
  original.reset();
  CHECK(copy.objects[1].name == "mutex@pool.cpp:40#12");
  CHECK(copy.objects[2].name == "worker queue");
  CHECK(copy.object_label(1) == "mutex@pool.cpp:40#12");
  CHECK(copy.object_label(2) == "mutex worker queue");
  CHECK_THROWS_AS(Trace().name_object(1, "x"), std::out_of_range);
}
