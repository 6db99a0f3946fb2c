// SPDX-License-Identifier: MIT
// The arena behind scalar nodes: blocks in creation order, the tail reclaimed
// as it dies, a kept block in the middle of dead ones, pages recycled, and
// blocks freed on another thread.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <gradlab/gradlab.hpp>

#include "core/node_arena.hpp"
#include "scalar/scalar_node.hpp"  // GRADLAB_NO_ARENA under AddressSanitizer

using gradlab::detail::NodeArena;

namespace {
// An arena that gives its pages back when it goes, as a thread's does.
struct Arena : NodeArena {
  using NodeArena::NodeArena;
  ~Arena() { release(); }
};
}  // namespace

namespace {
std::uintptr_t page_of(void* b) {
  return reinterpret_cast<std::uintptr_t>(b) & ~(NodeArena::kPageBytes - 1);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(node_arena_test)

BOOST_AUTO_TEST_CASE(blocks_come_in_creation_order_and_older_walks_back) {
  Arena arena(48);
  std::vector<char*> blocks;
  for (int i = 0; i < 20000; ++i) blocks.push_back(static_cast<char*>(arena.allocate()));  // 4 pages
  BOOST_TEST(std::set<char*>(blocks.begin(), blocks.end()).size() == blocks.size());
  int sequential = 0;
  for (std::size_t i = 1; i < blocks.size(); ++i) sequential += blocks[i] - blocks[i - 1] == 48;
  BOOST_TEST(sequential > 19990);  // all but the page breaks
  // older() visits every block, newest to oldest, across the pages.
  std::size_t i = blocks.size() - 1;
  bool same = true;
  for (void* b = blocks.back(); b; b = arena.older(b), --i) same = same && b == blocks[i];
  BOOST_TEST(same);
  BOOST_TEST(i + 1 == 0u);
  BOOST_TEST(arena.holds(blocks[7]));
  for (char* b : blocks) arena.deallocate(b);
}

BOOST_AUTO_TEST_CASE(the_tail_is_reclaimed_as_it_dies) {
  Arena arena(48);
  std::vector<void*> b;
  for (int i = 0; i < 10; ++i) b.push_back(arena.allocate());
  arena.deallocate(b[5]);  // in the middle: stays a hole
  BOOST_TEST(arena.allocate() == static_cast<char*>(b[9]) + 48);
  arena.deallocate(static_cast<char*>(b[9]) + 48);
  arena.deallocate(b[9]);  // the newest: the top moves down to b[9]
  BOOST_TEST(arena.allocate() == b[9]);
  for (int i : {9, 8, 7}) arena.deallocate(b[i]);  // down to the hole
  BOOST_TEST(NodeArena::is_dead(b[7]));
  arena.deallocate(b[6]);  // and over it, to b[4]
  BOOST_TEST(arena.allocate() == b[5]);
  for (int i : {5, 4, 3, 2, 1, 0}) arena.deallocate(b[i]);
  BOOST_TEST(arena.allocate() == b[0]);  // an empty arena starts again from its first block
  arena.deallocate(b[0]);
}

BOOST_AUTO_TEST_CASE(freed_from_the_top_down_a_graph_gives_back_its_memory_as_it_came) {
  Arena arena(48);
  std::vector<void*> first;
  for (int i = 0; i < 12000; ++i) first.push_back(arena.allocate());
  // Scrambled, as a graph dies: the memory still comes back in creation order.
  std::reverse(first.begin(), first.end());
  std::swap(first[3], first[700]);
  for (void* b : first) arena.deallocate(b);
  std::vector<void*> again;
  for (int i = 0; i < 12000; ++i) again.push_back(arena.allocate());
  std::reverse(first.begin(), first.end());
  std::swap(first[12000 - 1 - 3], first[12000 - 1 - 700]);
  BOOST_TEST((again == first));
  for (void* b : again) arena.deallocate(b);
}

BOOST_AUTO_TEST_CASE(a_kept_block_in_the_middle_of_dead_ones) {
  Arena arena(48);
  std::vector<void*> b;
  for (int i = 0; i < 15000; ++i) b.push_back(arena.allocate());  // 3 pages
  void* kept = b[2000];  // on the first page
  for (int i = 15000; i-- > 0;)
    if (b[i] != kept) arena.deallocate(b[i]);
  // The top stops just above the kept block; the pages above were recycled.
  void* next = arena.allocate();
  BOOST_TEST(next == static_cast<char*>(kept) + 48);
  BOOST_TEST(arena.older(next) == kept);
  BOOST_TEST(NodeArena::is_dead(arena.older(kept)));
  arena.deallocate(next);
  arena.deallocate(kept);  // the last one: everything reclaimed
  BOOST_TEST(arena.allocate() == b[0]);
  arena.deallocate(b[0]);
}

BOOST_AUTO_TEST_CASE(an_emptied_page_in_the_middle_is_recycled) {
  Arena arena(48);
  std::vector<void*> b;
  for (int i = 0; i < 16000; ++i) b.push_back(arena.allocate());  // pages 0, 1, 2
  std::set<std::uintptr_t> pages;
  for (void* x : b) pages.insert(page_of(x));
  BOOST_TEST(pages.size() == 3u);
  std::uintptr_t middle = page_of(b[7000]);
  for (void* x : b)
    if (page_of(x) == middle) arena.deallocate(x);
  // The next page the arena needs is the one that emptied.
  std::vector<void*> more;
  while (more.empty() || page_of(more.back()) == page_of(b.back())) more.push_back(arena.allocate());
  BOOST_TEST(page_of(more.back()) == middle);
  BOOST_TEST(arena.older(more.back()) == more[more.size() - 2]);  // chained as the newest page
  for (void* x : more) arena.deallocate(x);
  for (void* x : b)
    if (page_of(x) != middle) arena.deallocate(x);
}

BOOST_AUTO_TEST_CASE(blocks_freed_on_another_thread_come_back) {
  Arena arena(48);
  std::vector<void*> blocks;
  for (int i = 0; i < 12000; ++i) blocks.push_back(arena.allocate());  // three pages
  std::set<std::uintptr_t> pages;
  for (void* b : blocks) pages.insert(page_of(b));
  std::thread([&] {
    // Another thread frees through its own arena (as gradlab keeps one per
    // thread): not the owner, so the blocks wait on their pages.
    Arena theirs(48);
    for (void* b : blocks) theirs.deallocate(b);
  }).join();
  // The owner takes them back when it needs a page: 12000 more blocks fit
  // in the same three pages.
  std::vector<void*> again;
  for (int i = 0; i < 12000; ++i) again.push_back(arena.allocate());
  BOOST_TEST(std::all_of(again.begin(), again.end(),
                         [&](void* b) { return pages.count(page_of(b)) == 1; }));
  for (void* b : again) arena.deallocate(b);
}

BOOST_AUTO_TEST_CASE(blocks_freed_on_another_thread_while_the_owner_allocates) {
  // The owner allocates without pause and hands every block to a second
  // thread, which frees it at once: pages are relinked onto the owner's
  // remote list while the owner takes them back (ThreadSanitizer watches
  // this in `make test`). Every block comes back: the pages in use stay few.
  Arena arena(48);
  std::mutex m;
  std::vector<void*> handed;
  bool done = false;
  std::thread freer([&] {
    Arena theirs(48);
    std::vector<void*> mine;
    for (;;) {
      {
        std::lock_guard lock(m);
        mine.swap(handed);
        if (mine.empty() && done) return;
      }
      for (void* b : mine) theirs.deallocate(b);
      mine.clear();
      std::this_thread::yield();
    }
  });
  std::set<std::uintptr_t> pages;
  const int rounds = 1000, per_round = 500;  // 500,000 blocks: 92 pages if none came back
  for (int r = 0; r < rounds; ++r) {
    std::vector<void*> batch;
    for (int i = 0; i < per_round; ++i) batch.push_back(arena.allocate());
    for (void* b : batch) pages.insert(page_of(b));
    for (;;) {  // at most a few batches in flight, so the freer keeps up
      std::lock_guard lock(m);
      if (handed.size() < 4 * per_round) {
        handed.insert(handed.end(), batch.begin(), batch.end());
        break;
      }
    }
  }
  {
    std::lock_guard lock(m);
    done = true;
  }
  freer.join();
  BOOST_TEST(pages.size() < 20u);
}

BOOST_AUTO_TEST_CASE(a_kept_value_in_the_middle_of_a_dead_graph) {
  // A handle kept from an older graph: the graph around it dies, the kept
  // node and its parents live on, and a new graph built on it backpropagates.
  std::int64_t before = gradlab::live_nodes();
  gradlab::Value x(2.0, "x");
  gradlab::Value kept;
  {
    gradlab::Value y = x;
    for (int i = 0; i < 10000; ++i) {
      y = y * 1.0 + 0.0;
      if (i == 5000) kept = y.tanh();
    }
  }
  // kept = tanh(x), through 5001 rounds of (y*1 + 0): 4 nodes a round.
  BOOST_TEST(gradlab::live_nodes() == before + 1 + 1 + 4 * 5001);
  gradlab::Value z = kept * x;  // newer than everything: creation order holds
  z.backward();
  double t = std::tanh(2.0);
  BOOST_TEST(x.grad() == t + 2.0 * (1 - t * t), boost::test_tools::tolerance(1e-12));
  z = 0.0;
  kept = 0.0;
  BOOST_TEST(gradlab::live_nodes() == before + 3);  // x and the two new leaves
}

#ifndef GRADLAB_NO_ARENA  // under AddressSanitizer each node is its own allocation
BOOST_AUTO_TEST_CASE(a_graph_freed_from_its_newest_node_hands_back_its_pages) {
  // A chain of 40,000 nodes (eight pages) freed from its end: the next node
  // lands where the chain began; with a node kept in the middle, just above it.
  gradlab::Value x(1.0);
  auto chain = [&](std::vector<gradlab::Value>* keep) {
    gradlab::Value y = x;
    for (int i = 0; i < 20000; ++i) {
      y = y * 1.0;
      if (keep && i == 10000) keep->push_back(y);
    }
    return y;
  };
  auto next_block = [] { return static_cast<const void*>(gradlab::Value(0.0).node()); };
  const void* first = next_block();
  std::int64_t before = gradlab::live_nodes();
  { gradlab::Value y = chain(nullptr); }
  BOOST_TEST(gradlab::live_nodes() == before);
  BOOST_TEST(next_block() == first);
  std::vector<gradlab::Value> kept;
  { gradlab::Value y = chain(&kept); }
  BOOST_TEST(gradlab::live_nodes() == before + 2 * 10001);  // kept and what it was made of
  BOOST_TEST(next_block() == reinterpret_cast<const char*>(kept[0].node()) + 48);
  kept.clear();
  BOOST_TEST(gradlab::live_nodes() == before);
  BOOST_TEST(next_block() == first);
}
#endif

BOOST_AUTO_TEST_CASE(values_may_die_on_another_thread) {
  std::vector<gradlab::Value> values;
  for (int i = 0; i < 3000; ++i) values.emplace_back(i);
  gradlab::Value sum = 0.0;
  for (const auto& v : values) sum = sum + v;
  BOOST_TEST(sum.data() == 2999.0 * 3000 / 2);
  std::int64_t here = gradlab::live_nodes();
  std::int64_t freed_there = 0;
  std::thread([&] {
    std::int64_t before = gradlab::live_nodes();
    values.clear();
    sum = 0.0;  // the old graph is freed on this thread
    freed_there = before - gradlab::live_nodes();
  }).join();
  BOOST_TEST(freed_there == 2 * 3000 + 1 - 1);  // every node but the new sum
  gradlab::Value again = 1.0;
  for (int i = 0; i < 5000; ++i) again = again + 1.0;
  BOOST_TEST(again.data() == 5001.0);
  BOOST_TEST(gradlab::live_nodes() == here + 2 * 5000 + 1);
}

BOOST_AUTO_TEST_CASE(a_thread_that_ends_leaves_its_values_usable) {
  std::vector<gradlab::Value> made;
  std::thread([&] {
    for (int i = 0; i < 2000; ++i) made.emplace_back(i);
  }).join();
  double total = 0;
  for (const auto& v : made) total += v.data();
  BOOST_TEST(total == 1999.0 * 2000 / 2);
  made.clear();  // freed here, into pages whose owner has ended
}

BOOST_AUTO_TEST_SUITE_END()
