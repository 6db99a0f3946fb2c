// SPDX-License-Identifier: MIT
// The BPE tokenizers (gradlab/tokenizer.hpp): the Wikipedia example, round
// trips, merges against a Python reference (fixtures/bpe_merges.txt) and
// against minbpe's recount-everything trainer written out below, GPT-4's
// split on hand-derived examples, special tokens, the .model / .vocab files.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gradlab/tokenizer.hpp>

#include "test_helpers.hpp"

namespace gt = gradlab::text;
using gradlab::testing::error_of;
using gradlab::testing::read_bytes;
using gradlab::testing::TempDir;
using gradlab::testing::write_bytes;

namespace {

// A pair of token ids, as the reference trainers below keep them.
struct Pair {
  int first = 0, second = 0;
  auto operator<=>(const Pair&) const = default;
  friend std::ostream& operator<<(std::ostream& os, const Pair& p) {
    return os << "(" << p.first << ", " << p.second << ")";
  }
};

// minbpe's training, word for word: count every adjacent pair of every chunk
// into a dict that remembers insertion order, take max(stats, key=stats.get)
// (the first pair seen among the most frequent), merge it everywhere.
std::vector<Pair> naive_train(const std::vector<std::string_view>& chunks, int vocab_size) {
  std::vector<std::vector<int>> ids;
  for (std::string_view c : chunks) ids.emplace_back(c.begin(), c.end());
  for (auto& chunk : ids)
    for (int& x : chunk) x = static_cast<unsigned char>(x);
  std::vector<Pair> merges;
  for (int i = 0; i < vocab_size - 256; ++i) {
    std::vector<Pair> order;  // the dict's keys in insertion order
    std::map<Pair, int> counts;
    for (const auto& chunk : ids)
      for (std::size_t k = 0; k + 1 < chunk.size(); ++k)
        if (counts[{chunk[k], chunk[k + 1]}]++ == 0) order.push_back({chunk[k], chunk[k + 1]});
    if (order.empty()) break;
    Pair best = order[0];
    for (const Pair& p : order)
      if (counts[p] > counts[best]) best = p;  // strictly more: ties keep the first
    for (auto& chunk : ids) {
      std::vector<int> out;
      for (std::size_t k = 0; k < chunk.size();) {
        if (k + 1 < chunk.size() && chunk[k] == best.first && chunk[k + 1] == best.second) {
          out.push_back(256 + i);
          k += 2;
        } else {
          out.push_back(chunk[k++]);
        }
      }
      chunk = std::move(out);
    }
    merges.push_back(best);
  }
  return merges;
}

// minbpe's encoding, word for word: while some pair has a merge, merge the
// one with the lowest id everywhere.
std::vector<int> naive_encode(const gt::Tokenizer& t, std::string_view text) {
  std::map<Pair, int> id_of;
  for (const gt::Merge& m : t.merges()) id_of[{m.left, m.right}] = m.id;
  std::vector<int> all;
  for (std::string_view chunk : t.split(text)) {
    std::vector<int> ids;
    for (char c : chunk) ids.push_back(static_cast<unsigned char>(c));
    while (ids.size() >= 2) {
      int best = -1;
      Pair pair;
      for (std::size_t k = 0; k + 1 < ids.size(); ++k)
        if (auto it = id_of.find({ids[k], ids[k + 1]});
            it != id_of.end() && (best < 0 || it->second < best))
          best = it->second, pair = it->first;
      if (best < 0) break;
      std::vector<int> out;
      for (std::size_t k = 0; k < ids.size();) {
        if (k + 1 < ids.size() && ids[k] == pair.first && ids[k + 1] == pair.second) {
          out.push_back(best);
          k += 2;
        } else {
          out.push_back(ids[k++]);
        }
      }
      ids = std::move(out);
    }
    all.insert(all.end(), ids.begin(), ids.end());
  }
  return all;
}

std::vector<Pair> pairs_of(const gt::Tokenizer& t) {
  std::vector<Pair> out;
  for (const gt::Merge& m : t.merges()) out.push_back({m.left, m.right});
  return out;
}

// The same LCG as make_bpe_fixture.py: a text from a small alphabet, many ties.
std::string ties_text(int n, const std::string& alphabet, std::uint64_t seed) {
  std::string out;
  std::uint64_t x = seed;
  for (int i = 0; i < n; ++i) {
    x = (x * 1103515245 + 12345) % (std::uint64_t{1} << 31);
    out += alphabet[(x >> 16) % alphabet.size()];
  }
  return out;
}

std::string prose() {
  return read_bytes(GRADLAB_FIXTURES "/bpe_text.txt");
}

// Debian's licence texts (base-files): a large real text, about 250 KB.
std::string licences() {
  std::string all;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/share/common-licenses"))
    if (entry.is_regular_file()) all += gt::read_text_file(entry.path().string());
  return all;
}

std::vector<std::string> chunks_of(const gt::Tokenizer& t, std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view c : t.split(text)) out.emplace_back(c);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bpe_wikipedia)

// Wikipedia's "Byte pair encoding" example, as minbpe's README runs it:
// aa -> Z (256), Za -> Y (257), Yb -> X (258); "aaabdaaabac" -> XdXac.
BOOST_AUTO_TEST_CASE(three_merges) {
  gt::BasicTokenizer t;
  t.train("aaabdaaabac", 256 + 3);
  BOOST_TEST(t.merges() == (std::vector<gt::Merge>{{97, 97, 256}, {256, 97, 257}, {257, 98, 258}}),
             boost::test_tools::per_element());
  BOOST_TEST(t.encode("aaabdaaabac") == (std::vector<int>{258, 100, 258, 97, 99}),
             boost::test_tools::per_element());
  BOOST_TEST(t.decode({258, 100, 258, 97, 99}) == "aaabdaaabac");
  BOOST_TEST(t.vocab().at(258) == "aaab");
  BOOST_TEST(t.vocab_size() == 259);
}

// Training replaces the merges; it stops when no pair is left.
BOOST_AUTO_TEST_CASE(stops_when_no_pair_is_left) {
  gt::BasicTokenizer t;
  t.train("abcd", 1000);
  BOOST_TEST(t.merges().size() == 3u);  // ab, abc, abcd: one token
  BOOST_TEST(t.encode("abcd") == std::vector<int>{258});
  t.train("xy", 300);
  BOOST_TEST(t.merges().size() == 1u);
  BOOST_TEST(t.encode("abcd") == (std::vector<int>{97, 98, 99, 100}),
             boost::test_tools::per_element());
  t.train("", 300);
  BOOST_TEST(t.merges().empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bpe_round_trip)

BOOST_AUTO_TEST_CASE(decode_of_encode_is_the_text) {
  gt::BasicTokenizer basic;
  basic.train(prose(), 256 + 300);
  gt::RegexTokenizer regex;
  regex.train(prose(), 256 + 300);
  const std::vector<std::string> texts = {
      "",
      "a",
      "é",
      "🙂",
      "hello world",
      "Ελληνικά, русский, 日本語, 한국어, עברית, العربية, हिन्दी: 👩‍💻🇫🇷 "
      "🚀!",
      std::string("\xff\xfe\x00 x", 5),          // bytes that are no UTF-8, and a NUL
      "abc\x80\x80 def \xc3",                    // a stray continuation, a cut character
      "\xed\xa0\x80 \xc0\xaf \xf4\x90\x80\x80",  // a surrogate, an overlong, past U+10FFFF
      "tabs\t\tand\r\nnewlines\n\n\n   trailing   ",
  };
  for (const std::string& s : texts) {
    BOOST_TEST_CONTEXT("text \"" << gt::render_token(s) << "\"") {
      BOOST_TEST(basic.decode(basic.encode(s)) == s);
      BOOST_TEST(regex.decode(regex.encode(s)) == s);
      BOOST_TEST(regex.decode(regex.encode_ordinary(s)) == s);
    }
  }
  BOOST_TEST(basic.encode("").empty());
  BOOST_TEST(basic.encode("a") == std::vector<int>{97});
  // The whole training text, and a large real one.
  BOOST_TEST(basic.decode(basic.encode(prose())) == prose());
  BOOST_TEST(regex.decode(regex.encode(prose())) == prose());
  std::string big = licences();
  BOOST_REQUIRE(big.size() > 100000);
  std::vector<int> ids = regex.encode(big);
  BOOST_TEST(ids.size() < big.size() * 3 / 4);  // the merges do compress it
  BOOST_TEST(regex.decode(ids) == big);
  BOOST_TEST(basic.decode(basic.encode(big)) == big);
}

BOOST_AUTO_TEST_CASE(unknown_id_is_refused) {
  gt::BasicTokenizer t;
  t.train("aaabdaaabac", 259);
  std::string e = error_of<std::invalid_argument>([&] { t.decode({97, 259}); });
  BOOST_TEST(e.find("token id 259 (ids[1])") != std::string::npos, e);
  BOOST_TEST(error_of<std::invalid_argument>([&] { t.decode({-1}); }) != "(no error)");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bpe_training)

// Against the Python reference (tests/fixtures/make_bpe_fixture.py).
BOOST_AUTO_TEST_CASE(merges_match_the_python_reference) {
  std::ifstream in(GRADLAB_FIXTURES "/bpe_merges.txt");
  BOOST_REQUIRE(in);
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    if (line.rfind("case ", 0) != 0) continue;
    std::istringstream head(line.substr(5));
    std::string name, kind;
    int vocab_size = 0;
    head >> name >> kind >> vocab_size;
    std::getline(in, line);
    std::string text;
    if (line.rfind("text file ", 0) == 0) {
      text = read_bytes(GRADLAB_FIXTURES "/" + line.substr(10));
    } else {
      BOOST_REQUIRE(line.rfind("text hex ", 0) == 0);
      for (std::size_t k = 9; k + 1 < line.size(); k += 2)
        text += static_cast<char>(std::stoi(line.substr(k, 2), nullptr, 16));
    }
    std::string pattern;
    if (kind == "regex") {
      std::getline(in, line);
      pattern = line.substr(8);
    }
    std::getline(in, line);
    int n = std::stoi(line.substr(7));
    std::vector<Pair> expected(n);
    for (Pair& p : expected) in >> p.first >> p.second;
    BOOST_TEST_CONTEXT("case " << name) {
      if (kind == "basic") {
        gt::BasicTokenizer t;
        t.train(text, vocab_size);
        BOOST_TEST(pairs_of(t) == expected, boost::test_tools::per_element());
      } else {
        gt::RegexTokenizer t(pattern);
        t.train(text, vocab_size);
        BOOST_TEST(pairs_of(t) == expected, boost::test_tools::per_element());
      }
    }
    ++cases;
  }
  BOOST_TEST(cases == 5);
}

// The incremental trainer against minbpe's recount on texts full of ties,
// runs, overlaps ("aaaa"), and a real one, with and without the split.
BOOST_AUTO_TEST_CASE(incremental_equals_recount) {
  std::vector<std::string> texts = {
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "abababababababababababababa",
      "aaabaaabaaab aaab ba ba baaa",
      "abcabcabcabd abd abd xyzxyz",
      "the cat sat on the mat; the cat ate the rat",
      ties_text(500, "ab", 1),
      ties_text(700, "aab", 2),
      ties_text(900, "abc ", 3),
      ties_text(900, "ab \n", 4),
      ties_text(300, "aaaab", 5),
      prose().substr(0, 1500),
  };
  for (std::size_t k = 0; k < texts.size(); ++k) {
    const std::string& text = texts[k];
    BOOST_TEST_CONTEXT("text " << k) {
      gt::BasicTokenizer basic;
      basic.train(text, 256 + 120);
      BOOST_TEST(pairs_of(basic) == naive_train({text}, 256 + 120),
                 boost::test_tools::per_element());
      gt::RegexTokenizer regex;
      regex.train(text, 256 + 120);
      BOOST_TEST(pairs_of(regex) == naive_train(regex.split(text), 256 + 120),
                 boost::test_tools::per_element());
      gt::RegexTokenizer gpt2(gt::GPT2_SPLIT_PATTERN);
      gpt2.train(text, 256 + 60);
      BOOST_TEST(pairs_of(gpt2) == naive_train(gpt2.split(text), 256 + 60),
                 boost::test_tools::per_element());
    }
  }
}

// Ties go to the pair seen first, wherever it is: "xy" comes before "ab" in
// the text, both twice, so it is merged first; swapped, the other way round.
BOOST_AUTO_TEST_CASE(ties_go_to_the_first_pair_in_the_text) {
  gt::BasicTokenizer t;
  t.train("xy ab xy ab", 257);
  BOOST_TEST(t.merges()[0] == (gt::Merge{'x', 'y', 256}));
  t.train("ab xy ab xy", 257);
  BOOST_TEST(t.merges()[0] == (gt::Merge{'a', 'b', 256}));
  // Overlaps count twice ("aaa" holds (a, a) twice) but merge once.
  t.train("aaa bc bc", 257);
  BOOST_TEST(t.merges()[0] == (gt::Merge{'a', 'a', 256}));
  BOOST_TEST(t.encode("aaa") == (std::vector<int>{256, 97}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(sizes_are_checked) {
  gt::BasicTokenizer t;
  std::string e = error_of<std::invalid_argument>([&] { t.train("abc", 255); });
  BOOST_TEST(e.find("vocab_size 255") != std::string::npos, e);
  e = error_of<std::length_error>([&] { t.train("abc", gt::kMaxVocabSize + 1); });
  BOOST_TEST(e.find("vocab_size") != std::string::npos, e);
  BOOST_TEST(error_of<std::invalid_argument>([&] { t.save(""); }).find("file_prefix") !=
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bpe_encoding)

// Merges applied lowest id first, everywhere, as minbpe's loop does.
BOOST_AUTO_TEST_CASE(encode_equals_minbpe_loop) {
  gt::BasicTokenizer basic;
  basic.train(prose(), 256 + 250);
  gt::RegexTokenizer regex;
  regex.train(prose(), 256 + 250);
  gt::BasicTokenizer ties;
  ties.train(ties_text(600, "ab", 9), 256 + 40);
  const std::string other = licences().substr(0, 20000);
  for (const std::string& s : {prose(), other, ties_text(800, "ab", 10),
                               std::string("aaaaaaaaaaaaaaaaaaab"), std::string("")}) {
    BOOST_TEST(basic.encode(s) == naive_encode(basic, s), boost::test_tools::per_element());
    BOOST_TEST(regex.encode(s) == naive_encode(regex, s), boost::test_tools::per_element());
    BOOST_TEST(ties.encode(s) == naive_encode(ties, s), boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(regex_split)

// GPT-4's pattern, each expectation worked out by hand from its alternatives:
//   '(?i:[sdmt]|ll|ve|re)                 contractions, any case
//   [^\r\n\p{L}\p{N}]?+\p{L}+            a word, with one leading non-letter
//   \p{N}{1,3}                            up to three digits, no space before
//   ?[^\s\p{L}\p{N}]++[\r\n]*             punctuation, with its line breaks
//   \s*[\r\n]                             blank lines
//   \s+(?!\S) | \s+                       spaces, the last one left to the next word
BOOST_AUTO_TEST_CASE(gpt4_pattern) {
  gt::RegexTokenizer t;
  using V = std::vector<std::string>;
  auto check = [&](const std::string& text, const V& expected) {
    BOOST_TEST_CONTEXT("text \"" << gt::render_token(text) << "\"") {
      BOOST_TEST(chunks_of(t, text) == expected, boost::test_tools::per_element());
    }
  };
  check("Hello world", {"Hello", " world"});
  check("I'm here, don't you?", {"I", "'m", " here", ",", " don", "'t", " you", "?"});
  check("WE'LL GO", {"WE", "'LL", " GO"});  // (?i:...)
  check("12345 678", {"123", "45", " ", "678"});
  check("abc123def", {"abc", "123", "def"});
  check("a   b", {"a", "  ", " b"});    // \s+(?!\S) leaves the last space
  check("hi  ", {"hi", "  "});          // at the end, all of it
  check("x\n\ny", {"x", "\n\n", "y"});  // \s*[\r\n]
  check("Hi!!!\nok", {"Hi", "!!!\n", "ok"});
  check("$hello (abc)", {"$hello", " (", "abc", ")"});
  check("\tword", {"\tword"});  // a tab is a non-letter that may lead a word
  check("Café über 日本語", {"Café", " über", " 日本語"});
  check(" 🙂🙂 ok", {" 🙂🙂", " ok"});
  check("", {});
  // Bytes that are no UTF-8 match nothing: kept as chunks of their own.
  check(
      "ab\xff\xfe"
      "cd",
      {"ab", "\xff\xfe", "cd"});
  // GPT-2's pattern keeps the space and runs of digits whole.
  gt::RegexTokenizer gpt2(gt::GPT2_SPLIT_PATTERN);
  BOOST_TEST(chunks_of(gpt2, "12345 678") == (V{"12345", " 678"}),
             boost::test_tools::per_element());
}

// Merges never cross chunks: trained to exhaustion, every chunk is one token.
BOOST_AUTO_TEST_CASE(merges_stay_inside_chunks) {
  gt::RegexTokenizer t;
  const std::string text = "Hello world, hello worlds! 2024 it's";
  t.train(text, 256 + 1000);
  std::vector<std::string> tokens;
  for (int id : t.encode(text)) tokens.push_back(t.decode({id}));
  BOOST_TEST(tokens == chunks_of(t, text), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(bad_patterns_are_refused) {
  std::string e = error_of<std::invalid_argument>([] { gt::RegexTokenizer t("(ab"); });
  BOOST_TEST(e.find("does not compile") != std::string::npos, e);
  BOOST_TEST(error_of<std::invalid_argument>([] { gt::RegexTokenizer t(""); }) != "(no error)");
  BOOST_TEST(error_of<std::invalid_argument>([] {
               gt::RegexTokenizer t("a\nb");
             }).find("line break") != std::string::npos);
}

// A pattern that can match nothing, or covers only part of the text: no
// endless loop, and nothing lost.
BOOST_AUTO_TEST_CASE(empty_matches_and_gaps) {
  gt::RegexTokenizer t("\\p{L}*");
  // Matches "ab", "" at 2 and 3, "cd": the gaps "," and " " are chunks too.
  BOOST_TEST(chunks_of(t, "ab, cd") == (std::vector<std::string>{"ab", ",", " ", "cd"}),
             boost::test_tools::per_element());
  t.train("ab, cd ab", 300);
  BOOST_TEST(t.decode(t.encode("ab, cd!")) == "ab, cd!");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(special_tokens)

struct Trained {
  gt::RegexTokenizer t;
  Trained() {
    t.train(prose(), 256 + 100);
    t.register_special_tokens({{"<|endoftext|>", 100257}, {"<|fim_prefix|>", 100258}});
  }
};

BOOST_FIXTURE_TEST_CASE(in_and_out_in_each_mode, Trained) {
  const std::string text = "hello<|endoftext|>world<|fim_prefix|>!";
  const std::vector<int> hello = t.encode_ordinary("hello"), world = t.encode_ordinary("world"),
                         bang = t.encode_ordinary("!");
  auto join = [](std::initializer_list<std::vector<int>> parts) {
    std::vector<int> out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
  };
  // "all": both become their ids.
  std::vector<int> all = t.encode(text, "all");
  BOOST_TEST(all == join({hello, {100257}, world, {100258}, bang}),
             boost::test_tools::per_element());
  BOOST_TEST(t.decode(all) == text);
  // "none": ordinary text, no special id anywhere.
  std::vector<int> none = t.encode(text, "none");
  BOOST_TEST(t.encode(text, std::string("none")) == none, boost::test_tools::per_element());
  BOOST_TEST(none == t.encode_ordinary(text), boost::test_tools::per_element());
  BOOST_TEST(std::count_if(none.begin(), none.end(), [](int id) { return id >= 100257; }) == 0);
  BOOST_TEST(t.decode(none) == text);
  // "none_raise" (the default): an error naming the token, and fine without one.
  std::string e = error_of<std::invalid_argument>([&] { t.encode(text); });
  BOOST_TEST(e.find("<|endoftext|>") != std::string::npos, e);
  BOOST_TEST(e.find("byte 5") != std::string::npos, e);
  BOOST_TEST(t.encode("plain text") == t.encode_ordinary("plain text"),
             boost::test_tools::per_element());
  // A set: only those named; names never registered are ignored (minbpe's filter).
  std::vector<int> some = t.encode(text, {"<|endoftext|>", "<|unknown|>"});
  BOOST_TEST(some == join({hello, {100257}, t.encode_ordinary("world<|fim_prefix|>!")}),
             boost::test_tools::per_element());
  BOOST_TEST(t.decode(some) == text);
  BOOST_TEST(t.encode(text, std::set<std::string>{}) == none, boost::test_tools::per_element());
  // Anything else is not understood.
  BOOST_TEST(error_of<std::invalid_argument>([&] {
               t.encode(text, "everything");
             }).find("not understood") != std::string::npos);
  BOOST_TEST(t.vocab().at(100258) == "<|fim_prefix|>");
  BOOST_TEST(t.vocab_size() == 256 + 100 + 2);
}

// Where two special tokens match at one place, the first registered wins
// (Python's alternation tries them in the dict's order).
BOOST_AUTO_TEST_CASE(first_registered_wins) {
  gt::RegexTokenizer a;
  a.register_special_tokens({{"<s>", 300}, {"<s>x", 301}});
  BOOST_TEST(a.encode("<s>x", "all") == (std::vector<int>{300, 'x'}),
             boost::test_tools::per_element());
  gt::RegexTokenizer b;
  b.register_special_tokens({{"<s>x", 301}, {"<s>", 300}});
  BOOST_TEST(b.encode("<s>x<s>", "all") == (std::vector<int>{301, 300}),
             boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(bad_registrations_change_nothing, Trained) {
  auto refused = [&](const gt::SpecialTokens& tokens, const std::string& words) {
    std::string e = error_of<std::invalid_argument>([&] { t.register_special_tokens(tokens); });
    BOOST_TEST(e.find(words) != std::string::npos, e);
    BOOST_TEST(t.special_tokens().size() == 2u);
  };
  refused({{"", 100300}}, "empty");
  refused({{"<a b>", 100300}}, "whitespace");
  refused({{"<ok>", 100300}, {"<low>", 300}}, "inside the vocabulary");
  refused({{"<|endoftext|>", 100300}}, "registered already");
  refused({{"<new>", 100257}}, "which \"<|endoftext|>\" has already");
  // Training that would make ids up to a special token's id is refused.
  std::string e = error_of<std::invalid_argument>([&] { t.train("abc", 100258 + 1); });
  BOOST_TEST(e.find("vocab_size 100259") != std::string::npos, e);
  BOOST_TEST(t.merges().size() == 100u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tokenizer_files)

BOOST_AUTO_TEST_CASE(save_and_load_round_trip) {
  TempDir dir("tokenizer_files");
  gt::RegexTokenizer t;
  t.train(prose(), 256 + 64);
  t.register_special_tokens({{"<|endoftext|>", 100257}});
  t.save(dir.file("toy"));
  std::string model = read_bytes(dir.file("toy.model"));
  BOOST_TEST(model.rfind("minbpe v1\n" + std::string(gt::GPT4_SPLIT_PATTERN) +
                             "\n1\n<|endoftext|> 100257\n",
                         0) == 0);
  BOOST_TEST(std::count(model.begin(), model.end(), '\n') == 4 + 64);
  // The .vocab for people: bytes, merges with their parts, control characters escaped.
  std::string vocab = read_bytes(dir.file("toy.vocab"));
  BOOST_TEST(vocab.find("[\\u000a] 10\n") != std::string::npos);
  BOOST_TEST(vocab.find("[a] 97\n") != std::string::npos);
  BOOST_TEST(vocab.find("[\xEF\xBF\xBD] 200\n") != std::string::npos);  // byte 0xC8 alone
  const gt::Merge& m = t.merges()[0];
  std::string first = "[" + gt::render_token(t.vocab().at(m.left)) + "][" +
                      gt::render_token(t.vocab().at(m.right)) + "] -> [" +
                      gt::render_token(t.vocab().at(256)) + "] 256\n";
  BOOST_TEST(vocab.find(first) != std::string::npos, first);
  BOOST_TEST(vocab.find("[<|endoftext|>] 100257\n") != std::string::npos);

  gt::RegexTokenizer back("x");  // another pattern: load replaces it
  back.load(dir.file("toy.model"));
  BOOST_TEST(back.pattern() == std::string(gt::GPT4_SPLIT_PATTERN));
  BOOST_TEST(back.merges() == t.merges(), boost::test_tools::per_element());
  BOOST_TEST((back.special_tokens() == t.special_tokens()));
  BOOST_TEST((back.vocab() == t.vocab()));
  const std::string text = prose() + "<|endoftext|>";
  BOOST_TEST(back.encode(text, "all") == t.encode(text, "all"), boost::test_tools::per_element());

  gt::BasicTokenizer basic;
  basic.train(prose(), 256 + 30);
  basic.save(dir.file("basic"));
  BOOST_TEST(read_bytes(dir.file("basic.model")).rfind("minbpe v1\n\n0\n", 0) == 0);
  gt::BasicTokenizer basic_back;
  basic_back.load(dir.file("basic.model"));
  BOOST_TEST(basic_back.merges() == basic.merges(), boost::test_tools::per_element());
  // Each kind refuses the other's file.
  BOOST_TEST(error_of<std::runtime_error>([&] {
               basic_back.load(dir.file("toy.model"));
             }).find("line 2") != std::string::npos);
  BOOST_TEST(error_of<std::runtime_error>([&] {
               back.load(dir.file("basic.model"));
             }).find("line 2") != std::string::npos);
}

// Every damaged file is refused naming the file and the line, and the
// tokenizer keeps what it had.
BOOST_AUTO_TEST_CASE(damaged_models_are_refused_and_change_nothing) {
  TempDir dir("tokenizer_files");
  gt::RegexTokenizer t;
  t.train("aaabdaaabac", 259);
  t.register_special_tokens({{"<|eot|>", 1000}});
  const std::string path = dir.file("bad.model");
  const std::string pattern = std::string(gt::GPT4_SPLIT_PATTERN);
  auto refused = [&](const std::string& bytes, const std::string& words) {
    BOOST_TEST_CONTEXT("file \"" << gt::render_token(bytes.substr(0, 200)) << "\"") {
      write_bytes(path, bytes);
      std::string e = error_of<std::runtime_error>([&] { t.load(path); });
      BOOST_TEST(e.find(path) != std::string::npos, e);
      BOOST_TEST(e.find(words) != std::string::npos, e);
      BOOST_TEST(t.merges().size() == 3u);
      BOOST_TEST(t.special_tokens().size() == 1u);
      BOOST_TEST(t.encode("aaabdaaabac") == (std::vector<int>{258, 100, 258, 97, 99}),
                 boost::test_tools::per_element());
    }
  };
  const std::string head = "minbpe v1\n" + pattern + "\n";
  refused("", "line 1: the file is empty");
  refused("minbpe v2\n" + pattern + "\n0\n", "line 1: not a minbpe model");
  refused("GRADLAB\0", "line 1");
  refused("minbpe v1\n", "line 2: truncated");
  refused("minbpe v1\n(oops\n0\n", "line 2: the split pattern does not compile");
  refused(head, "line 3: truncated");
  refused(head + "two\n", "line 3: expected the number of special tokens");
  refused(head + "-1\n", "line 3");
  refused(head + "2\n<a> 1000\n",
          "line 5: truncated: the file ends after 1 of the 2 special tokens");
  refused(head + "1\n<a>\n", "line 4: expected a special token and its id");
  refused(head + "1\n<a> 1x\n", "line 4");
  refused(head + "2\n<a> 1000\n<a> 1001\n", "line 5: special token \"<a>\" is on line 4 already");
  refused(head + "2\n<a> 1000\n<b> 1000\n", "line 5: id 1000");
  refused(head + "1\n<a> 257\n97 97\n256 97\n", "line 4: special token \"<a>\" has id 257");
  refused(head + "0\n97 97\n256 256 256\n", "line 5: expected a merge");
  refused(head + "0\n97 97\n\n", "line 5: expected a merge");
  refused(head + "0\n97 257\n", "line 4: merges token 257, which is not made yet");
  refused(head + "0\n97 97\n98 98\n97 97\n",
          "line 6: the pair (97, 97) is merged on line 4 already");
  refused(head + "0\n97 97\n256 9", "line 5: truncated: the file ends inside this line");
  // Merges that keep doubling one token: 2^27 bytes, refused before they are spelled.
  std::string doubling = head + "0\n97 97\n";
  for (int id = 256; id < 256 + 26; ++id)
    doubling += std::to_string(id) + " " + std::to_string(id) + "\n";
  refused(doubling, "more than 67108864 bytes");
  // Not a file at all.
  std::string e = error_of<std::runtime_error>([&] { t.load(dir.file("missing.model")); });
  BOOST_TEST(e.find("missing.model") != std::string::npos, e);
  BOOST_TEST(error_of<std::runtime_error>([&] { t.load(dir.path.string()); }).find("directory") !=
             std::string::npos);
}

// A saved model cut at every byte: refused, or (cut between two merge lines)
// a model with the first merges; never anything else.
BOOST_AUTO_TEST_CASE(every_truncation_is_refused_or_a_prefix) {
  TempDir dir("tokenizer_files");
  gt::RegexTokenizer t;
  t.train(prose(), 256 + 20);
  t.register_special_tokens({{"<|endoftext|>", 100257}});
  t.save(dir.file("whole"));
  const std::string whole = read_bytes(dir.file("whole.model"));
  const std::size_t merges_start = whole.find("<|endoftext|> 100257\n") + 21;
  const std::string path = dir.file("cut.model");
  for (std::size_t n = 0; n < whole.size(); ++n) {
    write_bytes(path, whole.substr(0, n));
    gt::RegexTokenizer r;
    r.train("aaabdaaabac", 259);
    std::string e = error_of<std::runtime_error>([&] { r.load(path); });
    if (n >= merges_start && whole[n - 1] == '\n') {
      BOOST_TEST(e == "(no error)", "cut at " << n);
      std::size_t lines = std::count(whole.begin() + merges_start, whole.begin() + n, '\n');
      BOOST_TEST(r.merges().size() == lines);
    } else {
      BOOST_TEST(e.find("line ") != std::string::npos, "cut at " << n << ": " << e);
      BOOST_TEST(r.merges().size() == 3u);
    }
  }
}

BOOST_AUTO_TEST_CASE(render_token_as_minbpe) {
  BOOST_TEST(gt::render_token("hello") == "hello");
  BOOST_TEST(gt::render_token("\n") == "\\u000a");
  BOOST_TEST(gt::render_token("a\tb\x7f") == "a\\u0009b\\u007f");
  BOOST_TEST(gt::render_token("\xe2\x80\x8b") == "\\u200b");  // ZERO WIDTH SPACE is Cf
  BOOST_TEST(gt::render_token("é🙂") == "é🙂");
  BOOST_TEST(gt::render_token("\xff") == "\xEF\xBF\xBD");
  BOOST_TEST(gt::render_token("\xe2\x82") == "\xEF\xBF\xBD");  // a cut character: one U+FFFD
  BOOST_TEST(gt::render_token("\xe2\x82(") == "\xEF\xBF\xBD(");
  BOOST_TEST(gt::render_token("\xed\xa0\x80") ==
             "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  BOOST_TEST(gt::render_token("\xf0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  BOOST_TEST(gt::render_token("\xf3\xa0\x80\x81") == "\\ue0001");  // LANGUAGE TAG (Cf), past U+FFFF
}

BOOST_AUTO_TEST_CASE(read_text_file_is_checked) {
  TempDir dir("tokenizer_files");
  write_bytes(dir.file("t.txt"), "some text\n");
  BOOST_TEST(gt::read_text_file(dir.file("t.txt")) == "some text\n");
  std::string e = error_of<std::runtime_error>([&] { gt::read_text_file(dir.file("t.txt"), 4); });
  BOOST_TEST(e.find("more than the 4 bytes") != std::string::npos, e);
}

BOOST_AUTO_TEST_SUITE_END()
