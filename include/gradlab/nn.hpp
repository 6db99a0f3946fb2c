// SPDX-License-Identifier: MIT
// Renamed value_nn.hpp (beside the tensor modules of nn/); kept for a while.
#include <gradlab/value_nn.hpp>  // IWYU pragma: export
