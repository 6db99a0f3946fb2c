// SPDX-License-Identifier: MIT
// The example in README.md, as a program: the consumer test checks that it
// prints what README says and draws its picture.
#include <gradlab/gradlab.hpp>
#include <gradlab/viz/render.hpp>
#include <iostream>

int main(int argc, char** argv) {
  using gradlab::Value;
  Value a(-4.0, "a"), b(2.0, "b");
  Value c = a * b + pow(b, 3);          // c = 0
  Value d = tanh(c / 4) + relu(a + b);  // d = 0
  d.backward();
  std::cout << a << "\n";  // Value(label=a, data=-4.0000, grad=0.5000)
  std::cout << b << "\n";  // Value(label=b, data=2.0000, grad=2.0000)
  gradlab::viz::render(d, argc > 1 ? argv[1] : "d.png");  // the picture below
}
