// SPDX-License-Identifier: MIT
// The one main of every Boost.Test executable, compiled once and linked into
// each (tests/CMakeLists.txt): the test files then share one precompiled
// header. The master suite is named after the executable (node_test, ...),
// as BOOST_TEST_MODULE=<name> named it when each file held its own main.
#include <boost/test/unit_test.hpp>

#include <filesystem>

namespace {

bool name_master_suite_after_executable() {
  auto& master = boost::unit_test::framework::master_test_suite();
  if (master.argc > 0 && master.argv[0] != nullptr) {
    master.p_name.value = std::filesystem::path(master.argv[0]).filename().string();
  }
  return true;
}

}  // namespace

int main(int argc, char* argv[]) {
  return boost::unit_test::unit_test_main(&name_master_suite_after_executable, argc, argv);
}
