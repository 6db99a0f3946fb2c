// SPDX-License-Identifier: MIT
// The module tree: registration (with its checks: names, cycles), the walks
// over it, printing, and freeing it. Trees may be deep, so every walk keeps
// its own stack instead of recursing.

#include <gradlab/nn/module.hpp>

#include <algorithm>
#include <cstdlib>
#include "autograd/type_name.hpp"
#include <typeinfo>
#include <ostream>
#include <stdexcept>
#include <unordered_set>

namespace gradlab::nn {

namespace {

using Children = std::vector<std::pair<std::string, std::shared_ptr<Module>>>;

// Every module of the tree under `root` (root first, then each child's
// subtree in registration order), each once even where it is shared.
template <class F>
void for_each_module(const Module& root, F f) {
  std::unordered_set<const Module*> seen;
  std::vector<const Module*> stack{&root};
  while (!stack.empty()) {
    const Module* m = stack.back();
    stack.pop_back();
    if (!seen.insert(m).second) continue;  // met before, by another path
    f(*m);
    const Children& kids = m->named_children();
    for (auto it = kids.rbegin(); it != kids.rend(); ++it)
      if (!seen.count(it->second.get())) stack.push_back(it->second.get());
  }
}

}  // namespace

Module::Module(const Module& other)
    : name_(other.name_), training_(other.training_), parameters_(other.parameters_),
      buffers_(other.buffers_), children_(other.children_), member_offsets_(other.member_offsets_) {
  for (std::size_t i = 0; i < children_.size(); ++i)
    if (member_offsets_[i] == kOwned) ++children_[i].second->parents_;
  rebase_members();
}

Module& Module::operator=(const Module& other) {
  if (this == &other) return *this;
  for (std::size_t i = 0; i < other.children_.size(); ++i)
    if (other.member_offsets_[i] == kOwned) ++other.children_[i].second->parents_;
  Children old = std::move(children_);
  std::vector<std::ptrdiff_t> old_offsets = std::move(member_offsets_);
  name_ = other.name_;
  training_ = other.training_;
  parameters_ = other.parameters_;
  buffers_ = other.buffers_;
  children_ = other.children_;
  member_offsets_ = other.member_offsets_;
  rebase_members();
  for (std::size_t i = 0; i < old.size(); ++i)
    if (old_offsets[i] == kOwned) --old[i].second->parents_;
  // old goes out of scope here; a deep subtree it held alone is freed by
  // the children's destructors, each of which dismantles iteratively.
  return *this;
}

void Module::rebase_members() {
  // The copy's member sits where the original's did, counted from the
  // module (the two are objects of the same class). It may not be built
  // yet (members are built after the Module base), so it is not touched.
  for (std::size_t i = 0; i < children_.size(); ++i)
    if (member_offsets_[i] != kOwned)
      children_[i].second = std::shared_ptr<Module>(
          std::shared_ptr<Module>(), reinterpret_cast<Module*>(reinterpret_cast<char*>(this) + member_offsets_[i]));
}

Module::~Module() {
  // A Sequential nested 30,000 deep would be 30,000 nested destructor calls.
  // Instead, a child whose last owner is this module gives up its own
  // children before it dies; they wait in `dying`, and the loop frees them.
  // A member registered in place is not ours to free (and by now it is gone).
  std::vector<std::shared_ptr<Module>> dying;
  auto give_up_children = [&dying](Module& m) {
    for (std::size_t i = 0; i < m.children_.size(); ++i) {
      if (m.member_offsets_[i] != kOwned) continue;
      --m.children_[i].second->parents_;
      dying.push_back(std::move(m.children_[i].second));
    }
    m.children_.clear();
    m.member_offsets_.clear();
  };
  give_up_children(*this);
  while (!dying.empty()) {
    std::shared_ptr<Module> m = std::move(dying.back());
    dying.pop_back();
    if (m.use_count() != 1) continue;  // someone else still holds it
    give_up_children(*m);
  }  // m is freed here, with no children left to recurse into
}

Tensor Module::forward(Tensor) {
  throw std::logic_error(this->name() + ": this module has no forward(Tensor) (a module's own is declared "
                         "`Tensor forward(Tensor x) override`)");
}

namespace {

// "Net" from the mangled name of gradlab::nn::Net or (anonymous namespace)::Net:
// the class's own name, without namespaces or a LibTorch-style "Impl".
std::string class_name(const std::type_info& type) {
  std::string name = detail::class_name(type);
  if (name.size() > 4 && name.ends_with("Impl")) name.resize(name.size() - 4);
  return name;
}

}  // namespace

const std::string& Module::name() const {
  if (name_.empty()) name_ = class_name(typeid(*this));
  return name_;
}

namespace {

void check_name(const std::string& module, const char* what, const std::string& name) {
  if (name.empty())
    throw std::invalid_argument(module + ": a " + what + " name must not be empty");
  if (name.find('.') != std::string::npos)
    throw std::invalid_argument(module + ": " + what + " name '" + name +
                                "' contains '.', which separates the parts of a path (\"fc1.weight\")");
}

}  // namespace

Parameter Module::register_parameter(const std::string& name, const Tensor& value) {
  check_name(this->name(), "parameter", name);
  for (auto& [existing, p] : parameters_)
    if (existing == name) throw std::invalid_argument(this->name() + ": parameter '" + name + "' registered twice");
  for (auto& [existing, m] : children_)
    if (existing == name)
      throw std::invalid_argument(this->name() + ": parameter '" + name + "' has the name of a submodule");
  Parameter p(value);
  parameters_.emplace_back(name, p);
  return p;
}

Tensor Module::register_buffer(const std::string& name, const Tensor& value) {
  check_name(this->name(), "buffer", name);
  for (auto& [existing, b] : buffers_)
    if (existing == name) throw std::invalid_argument(this->name() + ": buffer '" + name + "' registered twice");
  buffers_.emplace_back(name, value);
  return value;
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> module, bool in_place) {
  check_name(this->name(), "submodule", name);
  if (!module) throw std::invalid_argument(this->name() + ": submodule '" + name + "' is null");
  for (auto& [existing, m] : children_)
    if (existing == name) throw std::invalid_argument(this->name() + ": submodule '" + name + "' registered twice");
  for (auto& [existing, p] : parameters_)
    if (existing == name)
      throw std::invalid_argument(this->name() + ": submodule '" + name + "' has the name of a parameter");
  // A cycle would make every walk endless (and the modules immortal). Only a
  // module that is inside another can be inside `module`: a root (no
  // parents, the usual case when building bottom-up) needs no search.
  bool cycle = module.get() == this;
  if (!cycle && (parents_ > 0 || in_place))
    for_each_module(*module, [&](const Module& m) { cycle |= &m == this; });
  if (cycle)
    throw std::invalid_argument(this->name() + ": submodule '" + name + "' (" + module->name() +
                                ") contains this module, so adding it would make a cycle");
  ++module->parents_;
  member_offsets_.push_back(in_place ? reinterpret_cast<char*>(module.get()) - reinterpret_cast<char*>(this) : kOwned);
  children_.emplace_back(name, std::move(module));
}

std::vector<std::pair<std::string, Tensor>> Module::named_parameters(bool recurse) const {
  return named_tensors(&Module::parameters_, recurse);
}

std::vector<std::pair<std::string, Tensor>> Module::named_buffers(bool recurse) const {
  return named_tensors(&Module::buffers_, recurse);
}

std::vector<std::pair<std::string, Tensor>> Module::named_tensors(NamedList Module::*list, bool recurse) const {
  std::vector<std::pair<std::string, Tensor>> out = this->*list;
  if (!recurse) return out;
  // Depth first, a module's own tensors before its children's, each child's
  // subtree before the next child. A tensor shared by two submodules (the
  // same layer used twice) is listed once, under its first name, as PyTorch
  // does. Paths are spelled out only for the tensors listed: `path` holds,
  // per module met, its parent's entry and its name.
  std::unordered_set<const Node*> seen_tensors;
  for (auto& [name, t] : out) seen_tensors.insert(t.node());
  struct Entry {
    std::size_t parent;
    const std::string* name;
  };
  std::vector<Entry> path{{0, nullptr}};  // entry 0: this module
  std::vector<std::pair<const Module*, std::size_t>> stack{{this, 0}};
  std::unordered_set<const Module*> seen_modules;
  while (!stack.empty()) {
    auto [m, at] = stack.back();
    stack.pop_back();
    if (!seen_modules.insert(m).second) continue;  // a shared module: listed where met first
    if (m != this && !(m->*list).empty()) {
      std::string prefix;
      for (std::size_t e = at; e != 0; e = path[e].parent) prefix.insert(0, *path[e].name + ".");
      for (auto& [name, t] : m->*list)
        if (seen_tensors.insert(t.node()).second) out.emplace_back(prefix + name, t);
    }
    for (auto it = m->children_.rbegin(); it != m->children_.rend(); ++it)
      if (!seen_modules.count(it->second.get())) {
        path.push_back({at, &it->first});
        stack.emplace_back(it->second.get(), path.size() - 1);
      }
  }
  return out;
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& [name, p] : named_parameters(recurse)) out.push_back(p);
  return out;
}

std::int64_t Module::num_parameters() const {
  std::int64_t n = 0;
  for (const Tensor& p : parameters()) n += p.numel();
  return n;
}

void Module::zero_grad() {
  for (Tensor& p : parameters()) p.zero_grad();
}

void Module::train(bool on) {
  // The walk is read-only; the flag is ours to set on every module met.
  for_each_module(*this, [on](const Module& m) { const_cast<Module&>(m).training_ = on; });
}

namespace {

void write_spaces(std::ostream& os, std::size_t n) {
  static const char spaces[] = "                                                                ";
  for (; n > 0 && os; n -= std::min(n, sizeof spaces - 1))
    os.write(spaces, static_cast<std::streamsize>(std::min(n, sizeof spaces - 1)));
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const Module& module) {
  // Each module: "Name(extra", then its children one per line, indented two
  // more, then ")" at its own indent. The stack holds the modules whose
  // children are being written, with the next child to write.
  struct Open {
    const Module* m;
    std::size_t next;
    std::size_t indent;
  };
  os << module.name() << "(" << module.extra_repr();
  if (module.named_children().empty()) return os << ")";
  os << "\n";
  std::vector<Open> stack{{&module, 0, 0}};
  while (!stack.empty()) {
    Open& top = stack.back();
    if (top.next == top.m->named_children().size()) {
      write_spaces(os, top.indent);
      os << ")";
      stack.pop_back();
      if (!stack.empty()) os << "\n";
      continue;
    }
    const auto& [name, child] = top.m->named_children()[top.next++];
    const std::size_t indent = top.indent + 2;
    write_spaces(os, indent);
    os << "(" << name << "): " << child->name() << "(" << child->extra_repr();
    if (child->named_children().empty()) {
      os << ")\n";
    } else {
      os << "\n";
      stack.push_back({child.get(), 0, indent});  // top is not used after this
    }
  }
  return os;
}

}  // namespace gradlab::nn
