// SPDX-License-Identifier: MIT
// The engine: order, accumulation, grad mode, refusals, very long graphs.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include <gradlab/gradlab.hpp>

namespace gl = gradlab;

namespace {
bool message_contains(const std::exception& e, const std::string& part) {
  return std::string(e.what()).find(part) != std::string::npos;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(engine_test)

BOOST_AUTO_TEST_CASE(gradients_accumulate_until_zero_grad) {
  gl::Value x = 3.0;
  gl::Value y = x * x;  // dy/dx = 2x = 6
  y.backward();
  BOOST_TEST(x.grad() == 6.0);
  y.backward();  // the graph is kept, and gradients add up (PyTorch's rule)
  BOOST_TEST(x.grad() == 12.0);
  x.zero_grad();
  BOOST_TEST(x.grad() == 0.0);
}

BOOST_AUTO_TEST_CASE(inner_nodes_hold_the_latest_gradient) {
  // Leaves accumulate; an inner node shows the gradient of the latest
  // backward, and a second backward still sends the right amount down.
  gl::Value x = 3.0;
  gl::Value h = x * x;  // dh/dx = 6
  gl::Value y = h * 2.0;  // dy/dh = 2
  y.backward();
  BOOST_TEST(h.grad() == 2.0);
  BOOST_TEST(x.grad() == 12.0);
  y.backward();
  BOOST_TEST(h.grad() == 2.0);   // not 4
  BOOST_TEST(y.grad() == 1.0);   // the output itself: seeded afresh
  BOOST_TEST(x.grad() == 24.0);  // 12 + 12
}

BOOST_AUTO_TEST_CASE(constants_receive_no_gradient) {
  gl::Value x = 2.0;
  gl::Value c = gl::Value::constant(5.0);
  gl::Value y = x * c;
  y.backward();
  y.backward();
  BOOST_TEST(x.grad() == 10.0);
  BOOST_TEST(c.grad() == 0.0);
}

BOOST_AUTO_TEST_CASE(an_observer_sees_every_node_once) {
  gl::Value a = 2.0, b = 3.0;
  gl::Value y = a * b + a;
  std::vector<const gl::Node*> seen;
  gl::engine::backward(
      *y.node(), [](gl::Node& r) { static_cast<gl::ScalarNode&>(r).grad() += 1; }, true,
      [&](const gl::Node& n) { seen.push_back(&n); });
  BOOST_TEST(seen.size() == 4u);  // y, a*b, a, b
  BOOST_TEST(seen.front() == y.node());
}

BOOST_AUTO_TEST_CASE(a_throwing_observer_leaves_the_graph_usable) {
  gl::Value a = 2.0;
  gl::Value y = a * a;
  BOOST_CHECK_THROW(gl::engine::backward(
                        *y.node(), [](gl::Node& r) { static_cast<gl::ScalarNode&>(r).grad() += 1; },
                        true, [](const gl::Node&) { throw std::runtime_error("stop"); }),
                    std::runtime_error);
  BOOST_TEST(!(y.node()->flags & (gl::kVisited | gl::kFresh)));
  BOOST_TEST(!(a.node()->flags & (gl::kVisited | gl::kFresh)));
  a.zero_grad();
  y.backward();  // works again, and gives the right answer
  BOOST_TEST(a.grad() == 4.0);
}

BOOST_AUTO_TEST_CASE(backward_inside_backward_is_refused) {
  gl::Value a = 2.0;
  gl::Value y = a * a;
  gl::Value other = a + 1.0;
  std::string message;
  gl::engine::backward(
      *y.node(), [](gl::Node& r) { static_cast<gl::ScalarNode&>(r).grad() += 1; }, true,
      [&](const gl::Node&) {
        try {
          other.backward();
        } catch (const std::logic_error& e) {
          message = e.what();
        }
      });
  BOOST_TEST(message.find("inside another backward") != std::string::npos);
  BOOST_TEST(a.grad() == 4.0);  // the outer backward finished correctly
}

BOOST_AUTO_TEST_CASE(grad_mode_is_per_thread) {
  gl::NoGradGuard no_grad;
  bool other_thread_enabled = false;
  std::thread([&] { other_thread_enabled = gl::is_grad_enabled(); }).join();
  BOOST_TEST(other_thread_enabled);
  BOOST_TEST(!gl::is_grad_enabled());
}

BOOST_AUTO_TEST_CASE(threads_train_side_by_side_each_in_its_own_grad_mode) {
  // Four threads at once, two of them under no_grad: each builds and sweeps
  // its own graphs; none sees another's mode (run under ThreadSanitizer too).
  std::vector<double> grads(4, 0.0);
  std::vector<int> recorded(4, -1);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t, &grads, &recorded] {
      std::optional<gl::NoGradGuard> off;
      if (t % 2) off.emplace();
      gl::Value x = 1.0 + t;
      for (int round = 0; round < 200; ++round) {
        gl::Value y = x * x;
        for (int i = 0; i < 50; ++i) y = y + x;  // dy/dx = 2x + 50
        if (t % 2 == 0) y.backward();
        recorded[t] = y.node()->is_leaf() ? 0 : 1;
      }
      grads[t] = x.grad();
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) {
    BOOST_TEST(recorded[t] == (t % 2 ? 0 : 1));  // no graph is recorded under no_grad
    BOOST_TEST(grads[t] == (t % 2 ? 0.0 : 200 * (2.0 * (1 + t) + 50)));
  }
}

BOOST_AUTO_TEST_CASE(a_node_used_k_times_gets_k_contributions) {
  gl::Value a = 3.0;
  gl::Value b = a + a;  // d/da = 2
  b.backward();
  BOOST_TEST(a.grad() == 2.0);

  gl::Value c = 3.0;
  gl::Value d = c * c + c;  // d/dc = 2c + 1 = 7
  d.backward();
  BOOST_TEST(c.grad() == 7.0);

  gl::Value e = 2.0;
  gl::Value f = e + e + e + e + e;  // used five times
  f.backward();
  BOOST_TEST(f.data() == 10.0);
  BOOST_TEST(e.grad() == 5.0);
}

BOOST_AUTO_TEST_CASE(diamond_runs_each_node_once_after_its_users) {
  // a -> b, a -> c, (b, c) -> d: a's backward must wait for both b and c.
  gl::Value a = 2.0;
  gl::Value b = a * 3.0;
  gl::Value c = a.exp();
  gl::Value d = b * c;
  std::vector<const gl::Node*> seen;
  gl::engine::backward(
      *d.node(), [](gl::Node& r) { static_cast<gl::ScalarNode&>(r).grad() += 1; }, true,
      [&](const gl::Node& n) { seen.push_back(&n); });
  BOOST_TEST(a.grad() == std::exp(2.0) * (3.0 + 6.0), boost::test_tools::tolerance(1e-12));
  auto pos = [&](const gl::Value& v) {
    return std::find(seen.begin(), seen.end(), v.node()) - seen.begin();
  };
  BOOST_TEST(pos(d) == 0);
  BOOST_TEST(pos(a) > pos(b));
  BOOST_TEST(pos(a) > pos(c));
  BOOST_TEST(std::count(seen.begin(), seen.end(), a.node()) == 1);
}

BOOST_AUTO_TEST_CASE(topological_order_puts_parents_first) {
  gl::Value a(1.0, "a"), b(2.0, "b");
  gl::Value c = a * b;
  gl::Value d = c + a;
  auto order = gl::engine::topological_order(*d.node());
  BOOST_REQUIRE(order.size() == 4u);
  BOOST_TEST(order.back() == d.node());
  auto pos = [&](const gl::Value& v) {
    return std::find(order.begin(), order.end(), v.node()) - order.begin();
  };
  BOOST_TEST(pos(a) < pos(c));
  BOOST_TEST(pos(b) < pos(c));
  BOOST_TEST(pos(c) < pos(d));
  BOOST_TEST((gl::engine::topological_order(*d.node()) == order));  // the same every time
  BOOST_TEST(!(d.node()->flags & (gl::kVisited | gl::kFresh)));
}

BOOST_AUTO_TEST_CASE(no_grad_guard_records_nothing) {
  gl::Value x = 2.0;
  gl::Value y = 0.0;
  {
    gl::NoGradGuard no_grad;
    BOOST_TEST(!gl::is_grad_enabled());
    y = x * x + 1.0;
  }
  BOOST_TEST(gl::is_grad_enabled());
  BOOST_TEST(y.data() == 5.0);
  BOOST_TEST(y.is_leaf());
  BOOST_TEST(!y.requires_grad());
  BOOST_TEST(y.parents().empty());
  try {
    y.backward();
    BOOST_FAIL("backward on a no-grad result must throw");
  } catch (const std::logic_error& e) {
    BOOST_TEST(message_contains(e, "does not require grad"));
  }
  BOOST_TEST(x.grad() == 0.0);
}

BOOST_AUTO_TEST_CASE(guards_nest_and_restore) {
  {
    gl::NoGradGuard outer;
    {
      gl::NoGradGuard inner;
      BOOST_TEST(!gl::is_grad_enabled());
    }
    BOOST_TEST(!gl::is_grad_enabled());
  }
  BOOST_TEST(gl::is_grad_enabled());
}

BOOST_AUTO_TEST_CASE(constants_take_no_gradient) {
  gl::Value x = 2.0;
  gl::Value y = gl::Value::constant(3.0) * gl::Value::constant(4.0);
  BOOST_TEST(!y.requires_grad());
  gl::Value z = x * 5.0;
  BOOST_TEST(z.requires_grad());
  BOOST_TEST(!z.parents()[1].requires_grad());
}

BOOST_AUTO_TEST_CASE(freed_graph_refuses_a_second_backward) {
  gl::Value x = 3.0;
  gl::Value h = x * x;
  gl::Value y = h + 1.0;
  y.backward(/*retain_graph=*/false);
  BOOST_TEST(x.grad() == 6.0);
  BOOST_TEST(y.parents().empty());
  try {
    y.backward();
    BOOST_FAIL("backward on a freed graph must throw");
  } catch (const std::logic_error& e) {
    BOOST_TEST(message_contains(e, "freed"));
  }
  try {
    h.backward();  // an inner node of the freed graph
    BOOST_FAIL("backward through a freed node must throw");
  } catch (const std::logic_error& e) {
    BOOST_TEST(message_contains(e, "freed"));
  }
  BOOST_TEST(x.grad() == 6.0);  // a refused backward changes nothing
}

BOOST_AUTO_TEST_CASE(refusal_inside_a_graph_changes_nothing) {
  gl::Value x = 3.0;
  gl::Value h = x * 2.0;
  gl::Value g = h * h;
  g.backward(false);  // frees h's link to x
  gl::Value y = h + x;  // a new graph that reaches the freed node h
  try {
    y.backward();
    BOOST_FAIL("must throw");
  } catch (const std::logic_error& e) {
    BOOST_TEST(message_contains(e, "freed"));
  }
  BOOST_TEST(y.grad() == 0.0);  // not even seeded
  BOOST_TEST(!(y.node()->flags & (gl::kVisited | gl::kFresh)));
  BOOST_TEST(!(h.node()->flags & gl::kVisited));
}

BOOST_AUTO_TEST_CASE(free_graph_returns_memory_at_once) {
  std::int64_t before = gl::live_nodes();
  gl::Value x = 1.0;
  gl::Value y = x;
  for (int i = 0; i < 1000; ++i) y = y * 1.0001;
  BOOST_TEST(gl::live_nodes() > before + 1000);
  y.backward(false);
  BOOST_TEST(gl::live_nodes() == before + 2);  // x and y remain
  BOOST_TEST(x.grad() == std::pow(1.0001, 1000), boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(ten_million_node_chain) {
  // Builds, backpropagates and frees a chain of 10,000,000 nodes: any
  // recursion here would overflow the stack.
  std::int64_t before = gl::live_nodes();
  const int n = 10'000'000;
  {
    gl::Value x = 1.0;
    gl::Value y = x;
    for (int i = 1; i < n; ++i) y = -y;  // one node a step
    BOOST_TEST(gl::live_nodes() == before + n);
    y.backward();
    BOOST_TEST(x.grad() == -1.0);  // 9,999,999 negations
  }
  BOOST_TEST(gl::live_nodes() == before);
}

BOOST_AUTO_TEST_CASE(a_graph_begun_on_another_thread_is_sorted_and_correct) {
  // y = tanh(x * x) is made on another thread, so its nodes do not lie in this
  // thread's creation order; z = y * x + y built here still backpropagates
  // right (the engine sorts it), and the same graph made here alone agrees.
  gl::Value x = 0.7;
  gl::Value y;
  std::thread([&] { y = (x * x).tanh(); }).join();
  gl::Value z = y * x + y;
  z.backward();
  gl::Value x2 = 0.7;
  gl::Value y2 = (x2 * x2).tanh();
  gl::Value z2 = y2 * x2 + y2;
  z2.backward();
  double t = std::tanh(0.49), dy = (1 - t * t) * 2 * 0.7;
  BOOST_TEST(x.grad() == t + (0.7 + 1) * dy, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(x2.grad() == x.grad());
  BOOST_TEST(y.grad() == y2.grad());  // the inner node's gradient, both ways
}

BOOST_AUTO_TEST_CASE(backward_twice_in_creation_order_keeps_leaves_accumulating) {
  // The one-sweep path: inner gradients start again, leaves add up.
  gl::Value a = 3.0;
  gl::Value b = a * a;
  gl::Value c = b + a;
  c.backward();
  c.backward();
  BOOST_TEST(a.grad() == 2 * (2 * 3.0 + 1));
  BOOST_TEST(b.grad() == 1.0);
  BOOST_TEST(!(b.node()->flags & (gl::kVisited | gl::kFresh)));
}

BOOST_AUTO_TEST_SUITE_END()

// The creation-order sweep clears an inner gradient only when something may
// have set it: a backward before, or a hand through Value::grad().
BOOST_AUTO_TEST_CASE(an_inner_gradient_set_by_hand_is_cleared_by_backward) {
  gl::Value a(2.0), b(3.0);
  gl::Value c = a * b;
  gl::Value d = c + a;
  c.grad() = 100.0;  // as a learner backpropagating by hand might leave it
  d.backward();
  BOOST_TEST(c.grad() == 1.0);
  BOOST_TEST(a.grad() == 4.0);  // b + 1
  BOOST_TEST(b.grad() == 2.0);
}

BOOST_AUTO_TEST_CASE(a_second_root_clears_the_inner_nodes_the_first_one_swept) {
  gl::Value a(2.0), b(3.0);
  gl::Value c = a * b;
  gl::Value d = c + a;
  gl::Value e = c * 5.0;  // shares c with d
  d.backward();
  BOOST_TEST(c.grad() == 1.0);
  e.backward();
  BOOST_TEST(c.grad() == 5.0);           // the latest backward's, not 1 + 5
  BOOST_TEST(a.grad() == 4.0 + 15.0);    // leaves accumulate: (b + 1) + 5b
  BOOST_TEST(b.grad() == 2.0 + 10.0);    // a + 5a
}

BOOST_AUTO_TEST_CASE(an_inner_gradient_written_through_the_node_is_cleared_by_backward) {
  gl::Value a(2.0), b(3.0);
  gl::Value c = a * b;
  gl::Value d = c + a;
  c.node()->grad() = 100.0;  // the node's own accessor tells the engine too
  d.backward();
  BOOST_TEST(c.grad() == 1.0);
  BOOST_TEST(a.grad() == 4.0);
  BOOST_TEST(b.grad() == 2.0);
}
