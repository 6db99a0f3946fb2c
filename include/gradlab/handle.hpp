// SPDX-License-Identifier: MIT
// A counted reference to a graph node: what Value and Tensor are made of.
// Copying a handle shares the node; the last handle or child to let go frees
// it (node.hpp). A moved-from handle holds no node.
#pragma once

#include <gradlab/node.hpp>

namespace gradlab {

template <class N>
class Handle {
 public:
  N* node() const { return node_; }  // the node behind the handle

 protected:
  Handle() = default;
  explicit Handle(N* adopted) noexcept : node_(adopted) {}  // takes over the node's reference
  Handle(const Handle& other) noexcept : node_(other.node_) {
    if (node_) retain(node_);
  }
  Handle(Handle&& other) noexcept : node_(other.node_) { other.node_ = nullptr; }
  Handle& operator=(const Handle& other) noexcept {
    if (other.node_) retain(other.node_);  // first, so that h = h keeps the node alive
    if (node_) release(node_);
    node_ = other.node_;
    return *this;
  }
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      if (node_) release(node_);
      node_ = other.node_;
      other.node_ = nullptr;
    }
    return *this;
  }
  ~Handle() {
    if (node_) release(node_);
  }

  N* node_ = nullptr;
};

}  // namespace gradlab
