// SPDX-License-Identifier: MIT
// micrograd's README example, compiled against the installed gradlab: it
// must print the numbers micrograd publishes, 24.7041 138.8338 645.5773.
#include <gradlab/gradlab.hpp>
#include <cstdio>
using gradlab::Value;
int main() {
  Value a = -4.0, b = 2.0;
  Value c = a + b;
  Value d = a * b + pow(b, 3);
  c += c + 1;
  c += 1 + c + (-a);
  d += d * 2 + relu(b + a);
  d += 3 * d + relu(b - a);
  Value e = c - d;
  Value f = pow(e, 2);
  Value g = f / 2.0;
  g += 10.0 / f;
  g.backward();
  std::printf("%.4f %.4f %.4f\n", g.data(), a.grad(), b.grad());
}
