// SPDX-License-Identifier: MIT
// The page pool behind scalar nodes: distinct blocks, pages that start again
// in address order once empty, and blocks freed on another thread.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <gradlab/gradlab.hpp>

#include "node_pool.hpp"

using gradlab::detail::NodePool;

BOOST_AUTO_TEST_SUITE(node_pool_test)

BOOST_AUTO_TEST_CASE(blocks_are_distinct_aligned_and_sequential) {
  NodePool pool(56);
  std::vector<char*> blocks;
  for (int i = 0; i < 5000; ++i) blocks.push_back(static_cast<char*>(pool.allocate()));
  BOOST_TEST(std::set<char*>(blocks.begin(), blocks.end()).size() == blocks.size());
  int sequential = 0;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(blocks[i]) % 8 == 0u);
    if (i > 0 && blocks[i] - blocks[i - 1] == 56) ++sequential;
  }
  BOOST_TEST(sequential > 4990);  // all but the page breaks
  for (char* b : blocks) pool.deallocate(b);
}

BOOST_AUTO_TEST_CASE(an_emptied_page_starts_again_from_its_first_block) {
  NodePool pool(56);
  std::vector<void*> first;
  for (int i = 0; i < 100; ++i) first.push_back(pool.allocate());
  // Free in a scrambled order; allocation must still come back in address order.
  std::reverse(first.begin(), first.end());
  std::swap(first[3], first[70]);
  for (void* b : first) pool.deallocate(b);
  std::vector<void*> again;
  for (int i = 0; i < 100; ++i) again.push_back(pool.allocate());
  BOOST_TEST(std::is_sorted(again.begin(), again.end()));
  for (void* b : again) pool.deallocate(b);
}

BOOST_AUTO_TEST_CASE(partly_used_pages_give_their_free_blocks) {
  NodePool pool(56);
  std::vector<void*> blocks;
  for (int i = 0; i < 3000; ++i) blocks.push_back(pool.allocate());  // spans three pages
  for (std::size_t i = 0; i < blocks.size(); i += 2) pool.deallocate(blocks[i]);
  auto page_of = [](void* b) {
    return reinterpret_cast<std::uintptr_t>(b) & ~(NodePool::kPageBytes - 1);
  };
  std::set<std::uintptr_t> pages;
  for (void* b : blocks) pages.insert(page_of(b));
  // The next 1500 blocks fit in the room just made: no new page is taken.
  std::vector<void*> reused;
  for (int i = 0; i < 1500; ++i) reused.push_back(pool.allocate());
  BOOST_TEST(std::all_of(reused.begin(), reused.end(),
                         [&](void* b) { return pages.count(page_of(b)) == 1; }));
  for (void* b : reused) pool.deallocate(b);
  for (std::size_t i = 1; i < blocks.size(); i += 2) pool.deallocate(blocks[i]);
}

BOOST_AUTO_TEST_CASE(blocks_freed_on_another_thread_come_back) {
  NodePool pool(56);
  std::vector<void*> blocks;
  for (int i = 0; i < 3000; ++i) blocks.push_back(pool.allocate());  // three pages
  auto page_of = [](void* b) {
    return reinterpret_cast<std::uintptr_t>(b) & ~(NodePool::kPageBytes - 1);
  };
  std::set<std::uintptr_t> pages;
  for (void* b : blocks) pages.insert(page_of(b));
  std::thread([&] {
    // Another thread frees through its own pool (as gradlab's thread-local
    // pools do): not the owner, so the blocks wait on their pages.
    NodePool theirs(56);
    for (void* b : blocks) theirs.deallocate(b);
  }).join();
  // The owner takes them back when it needs room: 3000 more blocks fit in
  // the same three pages.
  std::vector<void*> again;
  for (int i = 0; i < 3000; ++i) again.push_back(pool.allocate());
  BOOST_TEST(std::all_of(again.begin(), again.end(),
                         [&](void* b) { return pages.count(page_of(b)) == 1; }));
  for (void* b : again) pool.deallocate(b);
}

BOOST_AUTO_TEST_CASE(blocks_freed_on_another_thread_while_the_owner_allocates) {
  // The owner allocates without pause and hands every block to a second
  // thread, which frees it at once: pages are relinked onto the owner's
  // remote list while the owner takes them back (ThreadSanitizer watches
  // this in `make test`). Every block comes back: the pages in use stay few.
  NodePool pool(56);
  std::mutex m;
  std::vector<void*> handed;
  bool done = false;
  std::thread freer([&] {
    NodePool theirs(56);  // this thread's pool, as gradlab keeps one per thread
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
  auto page_of = [](void* b) {
    return reinterpret_cast<std::uintptr_t>(b) & ~(NodePool::kPageBytes - 1);
  };
  std::set<std::uintptr_t> pages;
  const int rounds = 1000, per_round = 500;  // 500,000 blocks: 431 pages if none came back
  for (int r = 0; r < rounds; ++r) {
    std::vector<void*> batch;
    for (int i = 0; i < per_round; ++i) batch.push_back(pool.allocate());
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
  BOOST_TEST(pages.size() < 60u);
}

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
