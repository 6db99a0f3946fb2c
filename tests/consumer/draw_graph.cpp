// SPDX-License-Identifier: MIT
// Draws a small graph with the installed gradlab::viz: the picture library
// links from outside the source tree too.
#include <gradlab/gradlab.hpp>
#include <gradlab/viz/render.hpp>
int main(int argc, char** argv) {
  gradlab::Value x(3.0, "x");
  gradlab::Value y = x * x + 1.0;
  y.backward();
  gradlab::viz::render(y, argc > 1 ? argv[1] : "consumer.png");
}
