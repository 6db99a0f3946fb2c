// SPDX-License-Identifier: MIT
// A real browser for the page tests: Debian's chromium, headless, driven
// through the DevTools protocol over a pipe (--remote-debugging-pipe: JSON
// messages ended by a NUL byte, written to its fd 3 and read from its fd 4).
// No network, no port; every wait has a deadline, so a test never hangs.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace gradlab::testing {

class HeadlessBrowser {
 public:
  using json = nlohmann::json;

  explicit HeadlessBrowser(int width = 1200, int height = 900) {
    ::signal(SIGPIPE, SIG_IGN);  // a browser that died is an exception, not a dead test
    char dir[] = "/tmp/gradlab_chromium_XXXXXX";
    if (!::mkdtemp(dir)) throw std::runtime_error("HeadlessBrowser: cannot make a profile folder");
    profile_ = dir;
    int to[2], from[2];
    if (::pipe(to) != 0 || ::pipe(from) != 0) throw std::runtime_error("HeadlessBrowser: pipe failed");
    std::string size = "--window-size=" + std::to_string(width) + "," + std::to_string(height);
    std::string user = "--user-data-dir=" + profile_;
    pid_ = ::fork();
    if (pid_ == 0) {
      int read_end = ::dup(to[0]), write_end = ::dup(from[1]);
      ::dup2(read_end, 3);
      ::dup2(write_end, 4);
      for (int fd = 5; fd < 1024; ++fd) ::close(fd);
      int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::dup2(null, 2);
      ::execlp("chromium", "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-extensions", "--disable-background-networking", "--remote-debugging-pipe",
               "--hide-scrollbars", size.c_str(), user.c_str(), "about:blank", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(to[0]);
    ::close(from[1]);
    out_ = to[1];
    in_ = from[0];
    // The page the browser opened, and a session attached to it.
    json targets = call("Target.getTargets")["targetInfos"];
    std::string target;
    for (const json& t : targets)
      if (t["type"] == "page") target = t["targetId"];
    if (target.empty()) target = call("Target.createTarget", {{"url", "about:blank"}})["targetId"];
    session_ = call("Target.attachToTarget", {{"targetId", target}, {"flatten", true}})["sessionId"];
    for (const char* domain : {"Page.enable", "Runtime.enable", "Log.enable", "Network.enable"}) page(domain);
  }

  ~HeadlessBrowser() {
    try {
      call("Browser.close");
    } catch (...) {
    }
    ::close(out_);
    ::close(in_);
    for (int i = 0; i < 50; ++i) {  // up to 5 s, then it is killed
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) break;
      if (i == 49) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::error_code ignored;
    std::filesystem::remove_all(profile_, ignored);
  }
  HeadlessBrowser(const HeadlessBrowser&) = delete;
  HeadlessBrowser& operator=(const HeadlessBrowser&) = delete;

  // A command to the browser (no session) or to the page; returns its result.
  json call(const std::string& method, const json& params = json::object(), const std::string& session = "") {
    json message = {{"id", ++last_id_}, {"method", method}, {"params", params}};
    if (!session.empty()) message["sessionId"] = session;
    std::string text = message.dump();
    text.push_back('\0');
    for (std::size_t sent = 0; sent < text.size();) {
      ssize_t n = ::write(out_, text.data() + sent, text.size() - sent);
      if (n <= 0) throw std::runtime_error("HeadlessBrowser: the browser is gone (writing " + method + ")");
      sent += static_cast<std::size_t>(n);
    }
    for (;;) {
      json reply = next_message(method);
      if (reply.contains("id") && reply["id"] == last_id_) {
        if (reply.contains("error")) throw std::runtime_error("HeadlessBrowser: " + method + ": " + reply["error"].dump());
        return reply["result"];
      }
    }
  }
  json page(const std::string& method, const json& params = json::object()) { return call(method, params, session_); }

  // Opens url and waits for its load event. Returns the milliseconds from
  // the start of navigation to the end of the load event, as the page saw them.
  // Each open is a fresh load, even of the same page at another #fragment.
  double open(const std::string& url) {
    events_.clear();
    page("Page.navigate", {{"url", "about:blank"}});
    wait_for("Page.loadEventFired");
    events_.clear();
    page("Page.navigate", {{"url", url}});
    wait_for("Page.loadEventFired");
    return evaluate("(() => { const t = performance.getEntriesByType('navigation')[0]; return t.loadEventEnd; })()");
  }

  // Runs JavaScript in the page and returns its value (as JSON).
  json evaluate(const std::string& expression) {
    json r = page("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}});
    if (r.contains("exceptionDetails")) throw std::runtime_error("HeadlessBrowser: " + r["exceptionDetails"].dump());
    return r["result"].contains("value") ? r["result"]["value"] : json();
  }

  // A key pressed and let go, as a learner presses it ("ArrowRight", "ArrowLeft").
  void press(const std::string& key, int code) {
    for (const char* type : {"keyDown", "keyUp"})
      page("Input.dispatchKeyEvent", {{"type", type}, {"key", key}, {"code", key},
                                      {"windowsVirtualKeyCode", code}, {"nativeVirtualKeyCode", code}});
  }

  // The viewport as PNG bytes.
  std::string screenshot() {
    std::string data = page("Page.captureScreenshot", {{"format", "png"}})["data"];
    return decode_base64(data);
  }

  // Every event since the last open(): Network.requestWillBeSent,
  // Runtime.consoleAPICalled, Runtime.exceptionThrown, Log.entryAdded, ...
  const std::vector<json>& events() const { return events_; }

 private:
  json next_message(const std::string& waiting_for) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      if (std::size_t end = buffer_.find('\0'); end != std::string::npos) {
        json message = json::parse(buffer_.substr(0, end));
        buffer_.erase(0, end + 1);
        if (message.contains("method")) events_.push_back(message);
        return message;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) throw std::runtime_error("HeadlessBrowser: no answer to " + waiting_for + " in 30 s");
      pollfd p{in_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char chunk[65536];
      ssize_t n = ::read(in_, chunk, sizeof chunk);
      if (n <= 0)
        throw std::runtime_error("HeadlessBrowser: the browser closed its pipe (is Debian's chromium installed? "
                                 "make test installs it)");
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  void wait_for(const std::string& event) {
    std::size_t seen = 0;
    for (;;) {
      for (; seen < events_.size(); ++seen)
        if (events_[seen]["method"] == event) return;
      next_message(event);
    }
  }

  static std::string decode_base64(const std::string& s) {
    auto value = [](char c) -> int {
      if (c >= 'A' && c <= 'Z') return c - 'A';
      if (c >= 'a' && c <= 'z') return c - 'a' + 26;
      if (c >= '0' && c <= '9') return c - '0' + 52;
      return c == '+' ? 62 : c == '/' ? 63 : -1;
    };
    std::string out;
    unsigned bits = 0;
    int count = 0;
    for (char c : s) {
      int v = value(c);
      if (v < 0) continue;
      bits = bits << 6 | static_cast<unsigned>(v);
      if ((count += 6) >= 8) {
        count -= 8;
        out.push_back(static_cast<char>((bits >> count) & 0xff));
      }
    }
    return out;
  }

  pid_t pid_ = -1;
  int out_ = -1, in_ = -1;
  int last_id_ = 0;
  std::string profile_, session_, buffer_;
  std::vector<json> events_;
};

}  // namespace gradlab::testing
