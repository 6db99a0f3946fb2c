// SPDX-License-Identifier: MIT
// The files a lesson writes in its folder (step_NN.png, index.html), told
// apart from everyone else's: a lesson replaces or removes only files it
// wrote itself, as its record in the folder (.gradlab_lesson: each file's
// size and hash) shows them, unchanged since. Internal to viz; a newcomer
// may skip it.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace gradlab::viz::detail {

class LessonFiles {
 public:
  // Makes the folder when it is missing. The files an earlier lesson wrote
  // there, still as it wrote them, are removed (their pictures would pass
  // for this run's); if a file with a name a lesson writes is there and is
  // not one of those, nothing is touched and std::runtime_error names it.
  explicit LessonFiles(const std::string& dir);

  // The path of `name` in the folder, about to be written: refused
  // (std::runtime_error) if a file is there that this run did not write.
  std::string claim(const std::string& name) const;
  // After writing it (if it is there): recorded as this run's.
  void wrote(const std::string& name);

  static constexpr const char* kRecord = ".gradlab_lesson";

 private:
  struct Written {
    std::uint64_t size, hash;
  };
  void save_record() const;

  std::string dir_;
  std::map<std::string, Written> written_;  // this run's files, as written
};

}  // namespace gradlab::viz::detail
