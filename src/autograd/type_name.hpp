// SPDX-License-Identifier: MIT
// A class's own name from its type_info ("Net" for gradlab::nn::Net or
// (anonymous namespace)::Net), for modules and autograd Functions that are
// named after their class. Internal.
#pragma once

#include <string>
#include <typeinfo>

namespace gradlab::detail {

std::string class_name(const std::type_info& type);

}  // namespace gradlab::detail
