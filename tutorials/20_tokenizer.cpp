// SPDX-License-Identifier: MIT
// The tokenizer, the way the lecture "Let's build the GPT Tokenizer" builds
// it: Unicode code points, their UTF-8 bytes, the byte-pair merge loop by
// hand with its pair counts, BasicTokenizer on the fortune cookies, GPT-4's
// regex split and why, RegexTokenizer, special tokens and the .model file.
// Then the GPT chapter's model (gpt_model.hpp, gpt_training.hpp) twice, on
// the same cookies cut the same way, once reading characters and once BPE
// tokens, same size and steps, compared in bits per byte of the validation
// text. Ends with `char_bits_per_byte: x.xxxx` and `bpe_bits_per_byte: x.xxxx`.
// The whole chapter takes about two minutes here (--steps for more).
//   build/tutorials/20_tokenizer [--steps 1500] [--vocab-size 512] [--no-pause] [folder]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include <gradlab/gradlab.hpp>
#include <gradlab/viz/lesson.hpp>
#include <gradlab/viz/plot.hpp>

#include "bpe_by_hand.hpp"
#include "gpt_model.hpp"
#include "gpt_training.hpp"

#include "chapter_args.hpp"
#include "course_page.hpp"
#include "progress.hpp"

namespace gl = gradlab;
namespace gt = gradlab::text;
namespace viz = gradlab::viz;
using gpt::text_of;

namespace {

// The two GPTs' size, the same for both: nanoGPT's model, smaller than the
// GPT chapter's so that both train in a minute or so each here.
constexpr std::int64_t kBlock = 64, kLayers = 2, kHeads = 4, kEmbd = 64, kBatch = 12;
// The GPT chapter's schedule with a larger step, as a small model takes:
// warm-up to 6e-3, then a cosine down to 6e-4. (Measured with a cosine down
// to 1e-4, 1,000 steps reached 3.64 and 3.03 bits per byte, characters and
// tokens, at the GPT chapter's 1e-3; 3.16 and 2.94 at 6e-3.)
constexpr double kLr = 6e-3;

// Bytes as the text shows them: a line break as \n, a tab as \t.
std::string shown(const std::string& bytes) {
  std::string out;
  for (char c : bytes) out += c == '\n' ? std::string("\\n") : c == '\t' ? std::string("\\t") : std::string(1, c);
  return out;
}

// A token's bytes shown and quoted: 'e ', '\n\n'.
std::string quoted(const std::string& bytes) {
  std::string out(1, '\'');
  out += shown(bytes);
  out += '\'';
  return out;
}

// Bytes that may not be whole UTF-8 (a sample of the token model: any of the
// 256 bytes can come out), for the screen: each line through render_token,
// which shows what is not UTF-8 as U+FFFD.
std::string readable(const std::string& bytes) {
  std::string out, line;
  for (char c : bytes) {
    if (c == '\n' || c == '\t') {
      out += gt::render_token(line) + c;
      line.clear();
    } else {
      line += c;
    }
  }
  return out + gt::render_token(line);
}

std::string with_commas(double x) {
  std::string digits = text_of(x, "%.0f"), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string ids_text(const std::vector<int>& ids, std::size_t most = 40) {
  std::string s = "[";
  for (std::size_t i = 0; i < ids.size() && i < most; ++i) s += (i ? ", " : "") + std::to_string(ids[i]);
  return s + (ids.size() > most ? ", ...]" : "]");
}

// A row of a token picture: the bytes of each id, and the ids.
viz::TokenRow row_of(const std::string& caption, const gt::Tokenizer& t, const std::vector<int>& ids) {
  viz::TokenRow r{caption, {}, ids};
  for (int id : ids) r.tokens.push_back(t.decode({id}));
  return r;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Args {
  std::int64_t steps = 1500, vocab_size = 512;
  std::vector<char*> lesson_argv;  // what the lesson itself reads
};

Args parse(int argc, char** argv) {
  Args a;
  const std::string help = course::usage(
      "[--steps N] [--vocab-size N] [--no-pause] [folder for the pictures]",
      "  --steps N       training steps of each of the two GPTs (default 1500: the chapter takes about\n"
      "                  two minutes; more steps make better models, and take longer)\n"
      "  --vocab-size N  the BPE vocabulary: 256 bytes and N - 256 merges (default 512)\n"
      "  --no-pause      run straight through (as when stdin is not a terminal)\n");
  a.lesson_argv = course::parse_options(argc, argv, help, {{"--steps", &a.steps, 1, 1000000},
                                                           {"--vocab-size", &a.vocab_size, 257, 65536}});
  return a;
}

// One of the two GPTs: trained on `train` ids, scored on every id of `val`
// (the first read after the last training id), and a sample of about 300
// bytes.
struct Run {
  std::string name;
  std::int64_t vocab = 0, parameters = 0, val_tokens = 0;
  double val_nll = 0;        // summed over the validation tokens, in nats
  double bits_per_byte = 0;  // val_nll in bits / the validation text's bytes
  double seconds = 0;        // everything: tokenizer, encoding, training, scoring
  std::vector<double> curve, xs;  // training loss in bits per byte, a mean every 25 steps
  std::string sample;
};

Run train_gpt(const std::string& name, std::int64_t vocab, const std::vector<int>& train, const std::vector<int>& val,
              double train_bytes, double val_bytes, std::int64_t steps,
              const std::function<std::string(const std::vector<int>&)>& decode) {
  Run run{.name = name, .vocab = vocab};
  gl::manual_seed(1337);
  gpt::GPT model(gpt::Config{.vocab_size = vocab, .block_size = kBlock, .n_layer = kLayers, .n_head = kHeads, .n_embd = kEmbd});
  run.parameters = model.num_parameters();
  run.val_tokens = static_cast<std::int64_t>(val.size());
  gpt::Recipe recipe{.batch_size = kBatch, .steps = steps, .warmup = std::min<std::int64_t>(100, steps / 10), .lr = kLr,
                     .min_lr = kLr / 10};
  gpt::Progress progress(steps, name + ": ");
  std::vector<double> losses = gpt::train(model, train, recipe, &progress);
  // The training loss per token, in bits per byte of the training text.
  const double per_byte = static_cast<double>(train.size()) / train_bytes / std::numbers::ln2;
  for (std::size_t i = 0; i < losses.size(); i += 25) {
    double sum = 0;
    std::size_t n = 0;
    for (; n < 25 && i + n < losses.size(); ++n) sum += losses[i + n];
    run.curve.push_back(sum / static_cast<double>(n) * per_byte);
    run.xs.push_back(static_cast<double>(i + n));
  }
  std::vector<int> scored{train.back()};  // the validation text's first token is read after the training text's last
  scored.insert(scored.end(), val.begin(), val.end());
  course::Progress scoring(std::cout, "scoring the validation text", 1);
  run.val_nll = gpt::total_nll(scored, kBlock, [&](const gl::Tensor& x) { return model.forward(x); });
  scoring.finish();
  run.bits_per_byte = run.val_nll / std::numbers::ln2 / val_bytes;
  gl::manual_seed(7);
  const auto sample_tokens = static_cast<std::int64_t>(std::lround(300 * static_cast<double>(train.size()) / train_bytes));
  std::vector<double> written =
      model.generate(gl::tensor({static_cast<double>(train.back())}, {1, 1}), sample_tokens).select(0, 0).to_vector();
  std::vector<int> ids(written.begin() + 1, written.end());
  run.sample = readable(decode(ids));
  return run;
}

// Text shown indented, with tabs as two spaces.
std::string indented(const std::string& s) {
  std::string out = "  ";
  for (char c : s) out += c == '\n' ? std::string("\n  ") : c == '\t' ? std::string("  ") : std::string(1, c);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Args args = parse(argc, argv);
  int lesson_argc = static_cast<int>(args.lesson_argv.size());
  double char_result = NAN, bpe_result = NAN;  // printed last, after the lesson's report
  int status = course::run_lesson(lesson_argc, args.lesson_argv.data(), [&](viz::Lesson& lesson) {
    const int V = static_cast<int>(args.vocab_size);

    // --- Unicode code points -------------------------------------------------------------------
    const std::string hello = "Привет, мир! 5€ 😀 (hello, world!)";
    const std::vector<bpe::CodePoint> chars = bpe::code_points(hello);
    std::string table;
    std::size_t shown_lengths = 0;  // bit n: a character of n bytes is in the table
    for (std::size_t i = 0; i < chars.size(); ++i) {
      const std::size_t n = chars[i].bytes.size();
      if (i >= 2 && (shown_lengths >> n & 1) != 0) continue;  // the first two, then one of each length
      shown_lengths |= std::size_t{1} << n;
      std::string bytes;
      for (unsigned char b : chars[i].bytes) bytes += std::to_string(b) + " ";
      table += "  " + quoted(chars[i].bytes) + "  " + bpe::code_name(chars[i].code) + "  ord " +
               std::to_string(chars[i].code) + "  UTF-8 bytes " + bytes + "\n";
    }
    lesson.step("Text, to a computer, is a string of Unicode code points: every character of every script\n"
                "has a number, its code point (Python's ord). Some characters of\n  \"" + hello + "\"\n" +
                table +
                "Why not feed a model these numbers? Unicode has about 150,000 of them and keeps growing:\n"
                "a vocabulary that large, most of it never seen, and a moving target.");

    // --- UTF-8 ------------------------------------------------------------------------------------
    std::size_t longest = 0;
    for (const auto& c : chars) longest = std::max(longest, c.bytes.size());
    viz::TokenRow points{"the " + std::to_string(chars.size()) + " code points (ord under each)", {}, {}};
    viz::TokenRow bytes_row{"their " + std::to_string(hello.size()) + " UTF-8 bytes (the byte under each; a byte of a longer character as hex)", {}, {}};
    for (const auto& c : chars) {
      points.tokens.push_back(c.bytes);
      points.ids.push_back(static_cast<int>(c.code));
      for (unsigned char b : c.bytes) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "%02X", b);
        bytes_row.tokens.push_back(b < 0x80 ? std::string(1, static_cast<char>(b)) : std::string(hex));
        bytes_row.ids.push_back(b);
      }
    }
    lesson.step("UTF-8 writes each code point as 1 to 4 bytes: the 128 ASCII characters as one byte (themselves),\n"
                "Cyrillic letters as two, the euro sign as three, the emoji as four. The greeting is " + std::to_string(chars.size()) +
                " code points and " + std::to_string(hello.size()) + " bytes\n(UTF-32 would spend 4 on each: " +
                std::to_string(4 * chars.size()) + "; the longest character here takes " + std::to_string(longest) +
                ").\nBytes make a tiny vocabulary, 256 ids, that every text fits. But the sequences get long, and\n"
                "a transformer attends to a fixed number of positions. Byte-pair encoding (BPE) compresses\n"
                "them: it merges the most frequent pair of neighbours into a new id, again and again.",
                [&](const std::string& png) {
                  viz::plot_tokens(png, {points, bytes_row}, {.title = "a string as code points and as UTF-8 bytes"});
                });
    lesson.check(bytes_row.ids.size() == hello.size(), "UTF-8 is the string's own bytes");

    // --- the merge loop by hand -----------------------------------------------------------------------
    {
      const std::string wiki = "aaabdaaabac";
      std::vector<int> ids = bpe::bytes_of(wiki);
      std::vector<viz::TokenRow> rows;
      std::map<int, std::string> spelled;
      for (int b = 0; b < 256; ++b) spelled[b] = std::string(1, static_cast<char>(b));
      auto row = [&](const std::string& caption) {
        viz::TokenRow r{caption, {}, ids};
        for (int id : ids) r.tokens.push_back(spelled[id]);
        rows.push_back(r);
      };
      row("the bytes: " + std::to_string(ids.size()) + " ids");
      std::string text = "The merge loop on \"" + wiki + "\" (the Wikipedia example). Its bytes: " + ids_text(ids) +
                         ".\nget_stats counts every pair of neighbours; the most frequent becomes a new id, 256, 257, ...\n";
      std::vector<bpe::Pair> by_hand;
      for (int id = 256; id < 259; ++id) {
        std::vector<bpe::PairCount> stats = bpe::get_stats(ids);
        std::string counts;
        for (const auto& s : stats) {
          counts += ' ';
          counts += quoted(spelled[s.pair.first] + spelled[s.pair.second]);
          counts += ' ' + std::to_string(s.count);
        }
        const bpe::PairCount top = bpe::top_pair(stats);
        by_hand.push_back(top.pair);
        spelled[id] = spelled[top.pair.first] + spelled[top.pair.second];
        ids = bpe::merge(ids, top.pair, id);
        text += "  counts:" + counts + "\n    merge (" + std::to_string(top.pair.first) + ", " +
                std::to_string(top.pair.second) + ") " + quoted(spelled[id]) + " -> " + std::to_string(id) + ": " +
                ids_text(ids) + "\n";
        row("merge " + std::to_string(id - 255) + ": " + quoted(spelled[id]) + " -> " + std::to_string(id) + ", " +
            std::to_string(ids.size()) + " ids");
      }
      gt::BasicTokenizer basic;
      basic.train(wiki, 259);
      bool same = basic.merges().size() == by_hand.size();
      for (std::size_t i = 0; same && i < by_hand.size(); ++i)
        same = basic.merges()[i].left == by_hand[i].first && basic.merges()[i].right == by_hand[i].second;
      text += "Ties (every pair of the last round occurs once) go to the pair seen first, as Python's max\n"
              "over a dict does. 11 bytes became " + std::to_string(ids.size()) + " ids with a vocabulary of 259.\n"
              "BasicTokenizer.train(text, 259) learns the same three merges and encodes the text to " +
              ids_text(basic.encode(wiki)) + ".";
      lesson.step(text, [&](const std::string& png) {
        viz::plot_tokens(png, rows, {.title = "\"aaabdaaabac\", merged three times"});
      });
      lesson.check(same, "the library learns the merges of the loop above");
      lesson.check(basic.encode(wiki) == std::vector<int>({258, 100, 258, 97, 99}), "encode gives [258, 100, 258, 97, 99]");
    }

    // --- the text and its split --------------------------------------------------------------------
    const std::string text = gl::load_text();
    std::size_t cut = text.find("\n\n", text.size() * 9 / 10);
    cut = cut == std::string::npos ? text.size() * 9 / 10 : cut + 2;  // the validation text starts with a cookie
    const std::string train_text = text.substr(0, cut), val_text = text.substr(cut);

    // The loop on the first cookies, ten merges, with the counts of the two best pairs each time.
    {
      const std::string start = text.substr(0, 2000);
      std::vector<int> ids = bpe::bytes_of(start);
      std::map<int, std::string> spelled;
      for (int b = 0; b < 256; ++b) spelled[b] = std::string(1, static_cast<char>(b));
      std::string rows = "  merge  pair              count   runner-up          count   ids after\n";
      std::vector<bpe::Pair> by_hand;
      int first_count = 0;
      for (int id = 256; id < 266; ++id) {
        std::vector<bpe::PairCount> stats = bpe::get_stats(ids);
        const bpe::PairCount top = bpe::top_pair(stats);
        if (id == 256) first_count = top.count;
        bpe::PairCount second{{-1, -1}, 0};
        for (const auto& s : stats)
          if (s.pair != top.pair && s.count > second.count) second = s;
        by_hand.push_back(top.pair);
        spelled[id] = spelled[top.pair.first] + spelled[top.pair.second];
        ids = bpe::merge(ids, top.pair, id);
        std::string pair = quoted(spelled[top.pair.first]) + " " + quoted(spelled[top.pair.second]);
        std::string runner = quoted(spelled[second.pair.first]) + " " + quoted(spelled[second.pair.second]);
        rows += "  " + text_of(id, "%5.0f") + "  " + pair + std::string(18 - std::min<std::size_t>(17, pair.size()), ' ') +
                text_of(top.count, "%5.0f") + "   " + runner + std::string(18 - std::min<std::size_t>(17, runner.size()), ' ') +
                text_of(second.count, "%5.0f") + "   " + std::to_string(ids.size()) + "\n";
      }
      std::string again;  // the first merge of a merged id
      for (std::size_t i = 0; i < by_hand.size() && again.empty(); ++i)
        if (by_hand[i].first >= 256 || by_hand[i].second >= 256)
          again = "Merged ids merge again: merge " + std::to_string(256 + i) + " joins " +
                  quoted(spelled[by_hand[i].first]) + " and " + quoted(spelled[by_hand[i].second]) + ", ";
      gt::BasicTokenizer basic;
      basic.train(start, 266);
      bool same = true;
      for (std::size_t i = 0; i < by_hand.size(); ++i)
        same = same && basic.merges()[i].left == by_hand[i].first && basic.merges()[i].right == by_hand[i].second;
      lesson.step("The same loop on the first 2,000 bytes of the fortune cookies (Debian's fortunes, `make data`),\n"
                  "ten merges, each with the count of its pair and of the best pair after it:\n" + rows +
                  "The first pair, " + quoted(spelled[by_hand[0].first]) + " " + quoted(spelled[by_hand[0].second]) +
                  " (" + std::to_string(first_count) + " times), is the most frequent in this text.\n" +
                  (again.empty() ? "Merged ids merge again later, " : again) +
                  "so tokens grow into whole words\nand the spaces and signs around them.",
                  [&](const std::string& png) {
                    viz::plot_tokens(png, {row_of("the first cookie after these ten merges", basic, basic.encode(text.substr(0, text.find("\n\n"))))},
                                     {.title = "ten merges learned on 2,000 bytes"});
                  });
      lesson.check(same, "BasicTokenizer learns the ten merges of the loop");
    }

    // --- BasicTokenizer on the training text --------------------------------------------------------
    const std::string sentence = [&] {  // a cookie of the validation text, one line of 40 to 70 bytes
      for (std::size_t at = 0, next; at < val_text.size(); at = next + 2) {
        next = val_text.find("\n\n", at);
        if (next == std::string::npos) break;
        std::string cookie = val_text.substr(at, next - at);
        if (cookie.size() >= 40 && cookie.size() <= 70 && cookie.find_first_of("\n\t") == std::string::npos) return cookie;
      }
      return std::string("A day for firm decisions!!!!!  Or is it?");
    }();
    auto t0 = std::chrono::steady_clock::now();
    gt::BasicTokenizer basic;
    basic.train(train_text, V);
    const double basic_seconds = seconds_since(t0);
    const std::vector<int> basic_ids = basic.encode(train_text);
    gt::RegexTokenizer splitter;  // untrained: only its split
    std::vector<std::string> crossing;
    std::string longest_token;
    for (const gt::Merge& m : basic.merges()) {
      std::string bytes = basic.decode({m.id});
      if (splitter.split(bytes).size() > 1) crossing.push_back(bytes);
      if (bytes.size() > longest_token.size()) longest_token = bytes;
    }
    std::stable_sort(crossing.begin(), crossing.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    std::string some_crossing;  // the longest
    for (std::size_t i = 0; i < crossing.size() && i < 10; ++i) some_crossing += " " + quoted(crossing[i]);
    lesson.step("BasicTokenizer.train on the training text: the first 90% of the cookies, " + with_commas(static_cast<double>(train_text.size())) +
                    " bytes\n(the last " + with_commas(static_cast<double>(val_text.size())) +
                    " bytes, from the next cookie on, are the validation text, never trained on).\n" +
                    std::to_string(V - 256) + " merges to a vocabulary of " + std::to_string(V) + " in " +
                    text_of(basic_seconds, "%.2f") + " s (the pair counts are kept up to date around each\nmerge rather than counted again).\n" +
                    "The training text becomes " + with_commas(static_cast<double>(basic_ids.size())) + " tokens, " +
                    text_of(static_cast<double>(train_text.size()) / static_cast<double>(basic_ids.size()), "%.2f") +
                    " bytes per token. Its longest token: " + quoted(longest_token) + ".\n" +
                    "But " + std::to_string(crossing.size()) + " of the " + std::to_string(V - 256) +
                    " merged tokens mix words, spaces and signs that the split of the next step keeps\napart; the longest:" +
                    some_crossing + "\nThe vocabulary spends ids on word-and-punctuation mixtures ('dog.', 'dog!', 'dog?' apart).",
                [&](const std::string& png) {
                  viz::plot_tokens(png, {row_of("BasicTokenizer (a vocabulary of " + std::to_string(V) + "): " +
                                                    std::to_string(basic.encode(sentence).size()) + " tokens",
                                                basic, basic.encode(sentence))},
                                   {.title = "a validation cookie in BasicTokenizer's tokens"});
                });
    lesson.check(basic.decode(basic_ids) == train_text, "decode(encode(training text)) is the text");

    // --- the regex split ------------------------------------------------------------------------
    {
      const std::string example = "Hello've world123 how's are you!!!? HOW'S 12345678   \n\n";
      gt::RegexTokenizer gpt2(gt::GPT2_SPLIT_PATTERN), gpt4;
      auto chunks = [](const gt::Tokenizer& t, const std::string& s, const std::string& caption) {
        viz::TokenRow r{caption, {}, {}};
        for (std::string_view c : t.split(s)) r.tokens.emplace_back(c);
        return r;
      };
      viz::TokenRow r2 = chunks(gpt2, example, "GPT-2's pattern"), r4 = chunks(gpt4, example, "GPT-4's pattern");
      std::string listed;
      for (const std::string& c : r4.tokens) listed += " " + quoted(c);
      lesson.step("GPT-2 and GPT-4 first cut the text into chunks with a regular expression, and merge only\n"
                  "inside a chunk. GPT-4's pattern, one alternative at a time:\n"
                  "  '(?i:[sdmt]|ll|ve|re)           contractions: 's 't 've ..., in either case\n"
                  "  [^\\r\\n\\p{L}\\p{N}]?+\\p{L}+       letters (\\p{L}, any script), with one space or sign before\n"
                  "  \\p{N}{1,3}                      numbers, at most three digits at a time\n"
                  "   ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*      punctuation runs, with a space before\n"
                  "  \\s*[\\r\\n] | \\s+(?!\\S) | \\s+      line breaks, and spaces but the one before a word\n"
                  "On \"" + shown(example) + "\" it gives " + std::to_string(r4.tokens.size()) +
                  " chunks:\n " + listed + "\nGPT-2's (" + std::to_string(r2.tokens.size()) +
                  " chunks) cuts 'HOW'S' apart at the capital S and keeps any run of digits whole.\n"
                  "Chunks keep words, numbers and punctuation from merging together; the space stays at the front\n"
                  "of the word (' world'), so a word has one token wherever it stands in a sentence.",
                  [&](const std::string& png) {
                    viz::plot_tokens(png, {r2, r4}, {.title = "the chunks merges may not cross"});
                  });
      std::string joined;
      for (const std::string& c : r4.tokens) joined += c;
      lesson.check(joined == example, "the chunks put together are the text");
    }

    // --- RegexTokenizer on the training text -------------------------------------------------------------
    t0 = std::chrono::steady_clock::now();
    gt::RegexTokenizer tokenizer;
    tokenizer.train(train_text, V);
    const double regex_seconds = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    const std::vector<int> train_ids = tokenizer.encode_ordinary(train_text);
    const std::vector<int> val_ids = tokenizer.encode_ordinary(val_text);
    const double encode_seconds = seconds_since(t0);
    std::size_t regex_crossing = 0;
    for (const gt::Merge& m : tokenizer.merges()) regex_crossing += tokenizer.split(tokenizer.decode({m.id})).size() > 1;
    const double bytes_per_token = static_cast<double>(train_text.size()) / static_cast<double>(train_ids.size());
    std::string first_merges;
    for (std::size_t i = 0; i < 8; ++i) first_merges += " " + quoted(tokenizer.decode({tokenizer.merges()[i].id}));
    lesson.step("RegexTokenizer (GPT-4's split, then BPE in each chunk) on the same training text, also to " + std::to_string(V) +
                    ":\ntrained in " + text_of(regex_seconds, "%.2f") + " s, " + std::to_string(regex_crossing) +
                    " tokens crossing a chunk. Its first merges:" + first_merges + ".\n" +
                    "Both texts encoded in " + text_of(encode_seconds, "%.2f") + " s: the training text is " +
                    with_commas(static_cast<double>(train_ids.size())) + " tokens, " + text_of(bytes_per_token, "%.2f") +
                    " bytes per token\n(BasicTokenizer's " +
                    text_of(static_cast<double>(train_text.size()) / static_cast<double>(basic_ids.size()), "%.2f") +
                    ": the split costs a little compression), the validation text " +
                    with_commas(static_cast<double>(val_ids.size())) + " tokens\nfor its " +
                    with_commas(static_cast<double>(val_text.size())) + " bytes.",
                [&](const std::string& png) {
                  viz::TokenRow chars_row{"characters: " + std::to_string(sentence.size()) + " tokens", {}, {}};
                  for (char c : sentence) {
                    chars_row.tokens.emplace_back(1, c);
                    chars_row.ids.push_back(static_cast<unsigned char>(c));
                  }
                  viz::plot_tokens(png,
                                   {chars_row,
                                    row_of("BasicTokenizer: " + std::to_string(basic.encode(sentence).size()) + " tokens", basic,
                                           basic.encode(sentence)),
                                    row_of("RegexTokenizer (GPT-4's split): " + std::to_string(tokenizer.encode_ordinary(sentence).size()) +
                                               " tokens",
                                           tokenizer, tokenizer.encode_ordinary(sentence))},
                                   {.title = "one validation cookie, three ways"});
                });
    lesson.check(regex_crossing == 0, "no RegexTokenizer token crosses a chunk");
    lesson.check(tokenizer.decode(val_ids) == val_text, "decode(encode(validation text)) is the text");

    // --- special tokens and the file -------------------------------------------------------------------
    {
      gt::RegexTokenizer special = tokenizer;
      special.register_special_tokens({{"<|endoftext|>", V}});
      const std::string two = "Drain the moat.<|endoftext|>Buy the negatives.";
      const std::vector<int> all = special.encode(two, "all"), none = special.encode(two, "none");
      std::string refused;
      try {
        special.encode(two);
      } catch (const std::invalid_argument& e) {
        refused = e.what();
      }
      special.save(lesson.path("fortunes"));
      gt::RegexTokenizer loaded;
      loaded.load(lesson.path("fortunes.model"));
      std::ifstream vocab_file(lesson.path("fortunes.vocab"));
      std::string line, vocab_lines;
      for (int n = 0; n < 300 && std::getline(vocab_file, line); ++n)
        if (n == 32 || n == 101 || n == 256 || n == 257 || n == 299) vocab_lines += "  " + line + "\n";
      lesson.step("Special tokens mark what is not text: GPT-2's <|endoftext|> (50256) separates documents.\n"
                  "Registered here as id " + std::to_string(V) + " (just past the merges), it is never split or merged:\n"
                  "  \"" + two + "\"\n"
                  "  encode(text, \"all\")   " + ids_text(all) + "\n"
                  "  encode(text, \"none\")  " + ids_text(none) + "  (" + std::to_string(none.size()) +
                  " tokens: the marker as text)\n"
                  "  encode(text)          refused by default, since text from outside should not sneak one in:\n    " + refused + "\n"
                  "save(\"fortunes\") wrote fortunes.model (the pattern, the special tokens and the merges, what\n"
                  "load reads back) and fortunes.vocab, for people; some of its lines:\n" + vocab_lines,
                  [&](const std::string& png) {
                    viz::plot_tokens(png, {row_of("allowed_special \"all\"", special, all), row_of("allowed_special \"none\"", special, none)},
                                     {.title = "<|endoftext|> as one token, and as text"});
                  });
      lesson.check(special.decode(all) == two && special.decode(none) == two, "both decode to the text");
      lesson.check(std::count(all.begin(), all.end(), V) == 1 && std::count(none.begin(), none.end(), V) == 0,
                   "the special id appears with \"all\" only");
      lesson.check(refused.find("<|endoftext|>") != std::string::npos, "the default refuses the special token by name");
      lesson.check(loaded.encode_ordinary(val_text) == val_ids, "the loaded tokenizer encodes as the trained one");
    }

    // --- the GPT on characters, then on tokens ---------------------------------------------------------
    const double train_bytes = static_cast<double>(train_text.size()), val_bytes = static_cast<double>(val_text.size());
    t0 = std::chrono::steady_clock::now();
    const gl::CharVocab vocab(text);
    const std::vector<int> char_train = vocab.encode(train_text), char_val = vocab.encode(val_text);
    Run chars_run = train_gpt("characters", vocab.size(), char_train, char_val, train_bytes, val_bytes, args.steps,
                              [&](const std::vector<int>& ids) { return vocab.decode(ids); });
    chars_run.seconds = seconds_since(t0);
    const std::string setup = std::to_string(kLayers) + " layers of " + std::to_string(kHeads) + " heads, n_embd " +
                              std::to_string(kEmbd) + ", block " + std::to_string(kBlock) + ", " + std::to_string(args.steps) +
                              " steps of " + std::to_string(kBatch) + " windows";
    lesson.step("The GPT chapter's model, smaller: " + setup + ";\nAdamW with warm-up to 6e-3 and a cosine down to 6e-4 (a small model takes larger steps).\n" +
                std::string(args.steps == 1500 ? "Kept short, so that the whole chapter runs in a few minutes; --steps 5000 trains longer.\n" : "") +
                "First on characters: a vocabulary of " + std::to_string(chars_run.vocab) + ", " +
                with_commas(static_cast<double>(chars_run.parameters)) + " parameters. The fortunes are ASCII, so a\ncharacter is a byte: a window of " + std::to_string(kBlock) +
                " tokens sees " + std::to_string(kBlock) + " bytes. Trained and scored in " + text_of(chars_run.seconds, "%.0f") +
                " s.\nOn the validation text (every character, the first read after the training text's last):\n" +
                text_of(chars_run.val_nll / static_cast<double>(chars_run.val_tokens)) + " nats per token, " +
                text_of(chars_run.bits_per_byte) + " bits per byte. It writes:\n" + indented(chars_run.sample));

    t0 = std::chrono::steady_clock::now();
    gt::RegexTokenizer timed_tokenizer;  // trained again, so that its time counts
    timed_tokenizer.train(train_text, V);
    const std::vector<int> bpe_train = timed_tokenizer.encode_ordinary(train_text), bpe_val = timed_tokenizer.encode_ordinary(val_text);
    const double tokenizer_seconds = seconds_since(t0);
    Run bpe_run = train_gpt("BPE tokens", V, bpe_train, bpe_val, train_bytes, val_bytes, args.steps,
                            [&](const std::vector<int>& ids) { return timed_tokenizer.decode(ids); });
    bpe_run.seconds = seconds_since(t0);
    lesson.step("The same model on RegexTokenizer's " + std::to_string(V) + " tokens: " +
                with_commas(static_cast<double>(bpe_run.parameters)) + " parameters (the larger vocabulary adds\n" +
                with_commas(static_cast<double>(bpe_run.parameters - chars_run.parameters)) +
                " to the embedding table, which the output layer reads backwards too). A window of " + std::to_string(kBlock) +
                "\ntokens now sees about " + text_of(static_cast<double>(kBlock) * bytes_per_token, "%.0f") +
                " bytes. Training the tokenizer and encoding took " + text_of(tokenizer_seconds, "%.1f") +
                " s; all in all " + text_of(bpe_run.seconds, "%.0f") + " s.\nValidation: " +
                text_of(bpe_run.val_nll / static_cast<double>(bpe_run.val_tokens)) + " nats per token, but a token is " +
                text_of(val_bytes / static_cast<double>(bpe_run.val_tokens), "%.2f") + " bytes: " + text_of(bpe_run.bits_per_byte) +
                " bits per byte. It writes:\n" + indented(bpe_run.sample));
    lesson.check(timed_tokenizer.merges() == tokenizer.merges(), "training the tokenizer again learns the same merges");

    // --- per byte ---------------------------------------------------------------------------------------
    std::string rows = "  reads        vocabulary  parameters  validation tokens  bytes/token  nats/token  bits/byte  seconds\n";
    for (const Run* r : {&chars_run, &bpe_run}) {
      rows += "  " + r->name + std::string(13 - r->name.size(), ' ') + text_of(static_cast<double>(r->vocab), "%10.0f") +
              text_of(static_cast<double>(r->parameters), "%12.0f") + text_of(static_cast<double>(r->val_tokens), "%19.0f") +
              text_of(val_bytes / static_cast<double>(r->val_tokens), "%13.2f") +
              text_of(r->val_nll / static_cast<double>(r->val_tokens), "%12.4f") + text_of(r->bits_per_byte, "%11.4f") +
              text_of(r->seconds, "%9.0f") + "\n";
    }
    const double uniform_bits = std::log2(static_cast<double>(chars_run.vocab));
    const bool bpe_wins = bpe_run.bits_per_byte < chars_run.bits_per_byte;
    lesson.step("A loss per token cannot compare the two: a BPE token carries several bytes of text. Per byte it\n"
                "can: the validation text's whole negative log-likelihood, in bits (nats / ln 2), divided by its\n" +
                with_commas(val_bytes) + " bytes, the same text and the same cut for both:\n" + rows + "The model on " +
                (bpe_wins ? "BPE tokens" : "characters") + " needs " +
                text_of(std::abs(chars_run.bits_per_byte - bpe_run.bits_per_byte)) + " bits per byte less (a uniform guess among " +
                std::to_string(chars_run.vocab) + " characters\nwould need " + text_of(uniform_bits) +
                "). With the same steps and windows, the token model reads " +
                text_of(bytes_per_token, "%.1f") + " times more text\nand sees that much further back; " +
                "its price is a bigger embedding table and rarer tokens to learn.",
                [&](const std::string& png) {
                  viz::plot_lines(png,
                                  {{"characters: training loss", chars_run.curve, chars_run.xs},
                                   {"BPE tokens: training loss", bpe_run.curve, bpe_run.xs},
                                   {"characters: validation", {chars_run.bits_per_byte, chars_run.bits_per_byte}, {0.0, static_cast<double>(args.steps)}},
                                   {"BPE tokens: validation", {bpe_run.bits_per_byte, bpe_run.bits_per_byte}, {0.0, static_cast<double>(args.steps)}}},
                                  {.title = "the two GPTs in bits per byte (training: a mean of 25 steps)", .y_label = "bits per byte"});
                });
    lesson.check(chars_run.bits_per_byte < uniform_bits && bpe_run.bits_per_byte < uniform_bits,
                 "both models beat a uniform guess among the characters");
    if (args.steps <= 1500)  // measured at 150, 600 and 1,500 steps (the gap narrows as they train)
      lesson.check(bpe_wins, "with the same model and steps, BPE tokens need fewer bits per byte than characters");
    char_result = chars_run.bits_per_byte;
    bpe_result = bpe_run.bits_per_byte;
  });
  if (!std::isnan(bpe_result))
    std::cout << "char_bits_per_byte: " << text_of(char_result) << "\nbpe_bits_per_byte: " << text_of(bpe_result) << std::endl;
  return status;
}
