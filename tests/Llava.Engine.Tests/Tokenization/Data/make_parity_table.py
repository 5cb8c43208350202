#!/usr/bin/python3
"""Writes parity_table.json: Hugging Face's input_ids for many strings, computed with the real SentencePiece.

Hugging Face's Llama tokenizers first split the text on added tokens, encode every text segment on its own, and
prepend BOS. They differ only in which segments get the word-boundary "▁" in front:
  ids                 legacy (what the fixture's tokenizer_config.json selects): every segment, as SentencePiece's
                      add_dummy_prefix does;
  ids_prepend_first   non-legacy (legacy=false; tokenizer.json Metaspace prepend_scheme "first"): only a segment
                      at the very start of the input, and only if it does not already start with a space or "▁";
  ids_prepend_always  Metaspace prepend_scheme "always": every segment not starting with a space or "▁";
  ids_prepend_never   add_prefix_space=false / prepend_scheme "never": no segment.
The Metaspace columns use SentencePiece with add_dummy_prefix switched off (as transformers' non-legacy slow
tokenizer does) and the "▁" put in front by hand. Before writing anything the script checks itself against the
golden prompts' input_ids (computed by transformers), the known library disagreements, ids quoted in
transformers' own Llama docs and tests, and, for "first", against a re-enactment of transformers' slow
LlamaTokenizer(legacy=False) (prefix "▁" to the text, encode "<unk>" + segment and drop the "<unk>" pieces).

Run from the repository root (Debian: `apt-get install python3-sentencepiece`, then `/usr/bin/python3`):
    /usr/bin/python3 tests/Llava.Engine.Tests/Tokenization/Data/make_parity_table.py
"""
import json
import os
import random
import re

import sentencepiece

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 4))
MODEL_DIR = os.path.join(ROOT, "models", "tiny-llava-visible")
GOLDEN = os.path.join(ROOT, "tests", "fixtures", "reference", "golden", "tiny-llava-visible.json")
OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "parity_table.json")

with open(os.path.join(MODEL_DIR, "tokenizer.model"), "rb") as f:
    MODEL_PROTO = f.read()
processor = sentencepiece.SentencePieceProcessor(model_file=os.path.join(MODEL_DIR, "tokenizer.model"))
# Appending a ModelProto with normalizer_spec { add_dummy_prefix: false } merges into the parsed model, exactly
# like transformers' `model.normalizer_spec.MergeFrom(...)` (field 3 = normalizer_spec, its field 3 = the flag).
no_prefix_processor = sentencepiece.SentencePieceProcessor()
no_prefix_processor.LoadFromSerializedProto(MODEL_PROTO + bytes([0x1A, 0x02, 0x18, 0x00]))
with open(os.path.join(MODEL_DIR, "tokenizer_config.json"), encoding="utf-8") as f:
    config = json.load(f)
assert config.get("legacy") is True and config.get("add_bos_token", True) and not config.get("add_eos_token")

added_tokens = {entry["content"]: int(i) for i, entry in config["added_tokens_decoder"].items()}
BOS = added_tokens[config["bos_token"]]
# Longest first, so that at one position the longest added token wins, as in transformers' trie.
SPLIT = re.compile("|".join(re.escape(t) for t in sorted(added_tokens, key=len, reverse=True)))


def segments(text):
    """(start offset, text segment or None, added token id or None) in input order."""
    position = 0
    for match in SPLIT.finditer(text):
        if match.start() > position:
            yield position, text[position:match.start()], None
        yield match.start(), None, added_tokens[match.group()]
        position = match.end()
    if position < len(text):
        yield position, text[position:], None


def starts_with_space(segment):
    return segment.startswith((" ", "\u2581"))


def encode_segment(scheme, start, segment):
    if scheme == "legacy":
        return processor.encode(segment)
    prepend = {"first": start == 0 and not starts_with_space(segment),
               "always": not starts_with_space(segment),
               "never": False}[scheme]
    return no_prefix_processor.encode("\u2581" + segment if prepend else segment)


def hf_input_ids(text, scheme="legacy"):
    ids = [BOS]
    for start, segment, added_id in segments(text):
        ids += [added_id] if segment is None else encode_segment(scheme, start, segment)
    return ids


# The slow tokenizer's all_special_tokens: its named special tokens (the fixture has no additional ones).
SLOW_SPECIAL_IDS = {added_tokens[config[key]] for key in ("bos_token", "eos_token", "unk_token", "pad_token")}


def slow_non_legacy_input_ids(text):
    """transformers' LlamaTokenizer(legacy=False).tokenize followed by convert_tokens_to_ids, re-enacted."""
    if not text:
        return [BOS]
    unk = config["unk_token"]
    unk_length = len(no_prefix_processor.encode(unk))
    ids = []
    for _, segment, added_id in segments("\u2581" + text.replace("\u2581", " ")):
        if segment is None:
            ids.append(added_id)
        elif starts_with_space(segment):
            ids += no_prefix_processor.encode(unk + segment)[unk_length:]
        else:
            ids += no_prefix_processor.encode(segment)
    if len(ids) > 1 and ids[0] == processor.piece_to_id("\u2581") and ids[1] in SLOW_SPECIAL_IDS:
        ids = ids[1:]
    return [BOS] + ids


def agrees_with_slow_non_legacy(text):
    """The slow tokenizer differs from Metaspace "first" only where the text starts with a space or "▁" (it
    prefixes "▁" regardless) or with an added token outside its all_special_tokens (it keeps a lone "▁" before
    it); elsewhere they must agree."""
    if starts_with_space(text):
        return True
    opening = SPLIT.match(text)
    if opening and added_tokens[opening.group()] not in SLOW_SPECIAL_IDS:
        return True
    return slow_non_legacy_input_ids(text) == hf_input_ids(text, "first")


def self_check():
    with open(GOLDEN, encoding="utf-8") as f:
        golden = json.load(f)
    for case in golden["cases"]:
        assert hf_input_ids(case["prompt"]) == case["input_ids_before_expansion"], case["name"]
    assert hf_input_ids("x" * 50)[1:4] == [921, 14633, 14633]
    assert hf_input_ids(" " * 17 + "x")[1:] == [462, 29871, 921]
    assert hf_input_ids("a" + " " * 20 + "b")[1:] == [263, 462, 1678, 289]
    # transformers' LlamaTokenizer docstring (legacy=True / legacy=False) and its Llama integration tests
    # (LlamaTokenizerFast legacy=False, from_slow=True, add_special_tokens=False), same LLaMA vocabulary.
    assert hf_input_ids("Hello <s>.") == [1, 15043, 29871, 1, 869]
    assert hf_input_ids("Hello <s>.", "first") == [1, 15043, 29871, 1, 29889]
    assert hf_input_ids(" <s> Hello<s> how", "first")[1:] == [29871, 1, 15043, 1, 920]
    assert hf_input_ids("<s> Hello<s>how", "first")[1:] == [1, 15043, 1, 3525]
    return [case["prompt"] for case in golden["cases"]]


def hand_written():
    return [
        "", " ", "  ", "   ", "\n", "\n\n", "\t", "\t\t", "\r\n", " \n ", "\n \n", " \t\n\r ",
        "Hello", "Hello world", "Hello, world!", " Hello", "Hello ", "  Hello  ", "hello\nworld", "hello\tworld",
        "The quick brown fox jumps over the lazy dog.", "THE QUICK BROWN FOX", "tHe QuIcK",
        "What is shown in this image?", "Describe this photo in detail.",
        "x" * 50, " " * 17 + "x", "a" + " " * 20 + "b",
        "0", "7", "42", "123", "1234567890", "3.14159", "2024-01-01", "100000000", "1,000,000", "-12.5e+3",
        "0x1F", "v1.2.3", "12:30:45", "$100", "50%", "#1", "i18n", "A1B2C3",
        "...", "?!?!", "!!!", "???", "--", "---", "----------", "==", "===", "=> ->", "<= >= != ==",
        "\"quoted\"", "'single'", "`code`", "(a)[b]{c}", "a/b\\c", "@user #tag", "foo_bar_baz", "snake_case",
        "camelCaseWord", "e-mail", "can't won't", "l'été", "C++ and C#", "x**2 + y**2", "a&b|c^d~e",
        "def f(x):\n    return x * 2\n", "for (int i = 0; i < n; i++) { sum += i; }", "<div class=\"a\">b</div>",
        "SELECT * FROM t WHERE id = 1;", "https://example.com/path?q=1&r=2", "{\"key\": [1, 2, 3]}",
        "café", "naïve", "résumé", "Ångström", "Zürich", "São Paulo", "Dvořák", "Łódź", "ﬁ ligature",
        "cafe\u0301", "e\u0301\u0301", "Ω ≈ ∑ ∫ √ ∞", "½ ¾ ⅓", "™ © ®", "° µ ¶ §", "← → ↑ ↓", "• ◦ ▪",
        "你好", "你好，世界！", "中文测试句子。", "我爱北京天安门", "日本語のテキスト", "ひらがな カタカナ",
        "한국어 문장입니다", "Привет, мир!", "Ελληνικά", "مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया",
        "สวัสดีครับ", "Xin chào thế giới", "ሰላም", "ᚠᚢᚦ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𝟙𝟚𝟛", "ꙮ",
        "😀", "😀😀", "😀😀😀", "🦙", "🦙 llama", "I ❤️ NY", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷🇩🇪", "🙂🙃",
        "emoji 😀 in text", "mix 中文 and English and 😀", "Ünïcödé 中 😀 end",
        "\u0000", "a\u0000b", "\u0001\u0002", "\u007f", "\u200b", "zero\u200bwidth", "\ufeffbom", "\u00a0nbsp",
        "a\u2003b", "\u2581", "\u2581\u2581", "a\u2581b", " \u2581 ", "\U0010ffff", "\U0001f9ff", "\ue000",
        "<image>", "<image>\n", " <image>", "<image> ", " <image> ", "<image><image>", "<image>\n<image>\n",
        "USER: <image>\nWhat is this?", "a<image>b", "<image>text", "text<image>",
        "</s>", "a</s>b", "The end.</s>", "</s></s>", " </s> ", "<s>", "<s><s>", "<s> hi", "hi <s>",
        "<unk>", "x<unk>y", "<pad>", "<pad><pad>", "<s></s><image><pad><unk>",
        "<ima", "<image", "image>", "< image>", "<IMAGE>", "<im<image>", "<</s>>", "<<s>>", "</ s>", "<s",
        "<0x0A>", "<0xFF>", "<0x41><0x42>", "▁<image>▁",
        "USER: <image>\nWhat is this? ASSISTANT:", "<image>\nWhat is this?", "Hello <s>.", " <s> Hello<s> how",
        "<s> Hello<s>how", "a <image> b", "a<image> b", "a <image>b", "<image> <image>", "\u2581x<image>\u2581y",
        " \u2581 <image> \u2581", "\n<image>", "<image>\n\nUSER:", "x </s> y", "</s>\n",
        " " * 100, "a" * 100, "ab" * 50, "abc" * 33, "\n" * 10, "\t" * 10, "- " * 20, "=" * 80,
        "The cat sat on the mat. " * 5, "word " * 30,
    ]


def repeated_runs():
    characters = ["x", "a", " ", "\n", "\t", "-", "=", ".", "!", "0", "1", "*", "_", "#", "é", "中", "😀", "▁",
                  "~", "/"]
    lengths = [1, 2, 3, 4, 5, 6, 8, 9, 16, 17, 33, 50]
    return [c * n for c in characters for n in lengths]


def whitespace_mixes():
    texts = []
    for n in range(1, 25):
        texts.append("a" + " " * n + "b")
    for n in [1, 2, 3, 5, 8, 13, 21]:
        texts.append(" " * n + "word")
        texts.append("word" + " " * n)
        texts.append("\n" * n + "word")
        texts.append("x" + "\t" * n + "y")
        texts.append(" " * n + "\n" + " " * n)
    return texts


def random_strings():
    pool = (list("abcdefghijklmnopqrstuvwxyz") + list("ABCXYZ0123456789") + list(" \n\t.,;:!?-_'\"()<>/")
            + list("éüñçøåß") + list("中文字日本語한국어") + ["😀", "🦙", "👍🏽", "𝔘", "\u200b", "\u0000", "▁"]
            + ["<image>", "</s>", "<s>"])
    rng = random.Random(20240601)
    return ["".join(rng.choice(pool) for _ in range(rng.randint(1, 40))) for _ in range(80)]


def long_prompt():
    paragraph = ("LLaVA combines a CLIP vision encoder with a Llama language model. "
                 "It answers questions about images: colours, counts, positions, text in the picture. ")
    return [paragraph * 12, "USER: <image>\n" + paragraph * 4 + " ASSISTANT:"]


def main():
    golden_prompts = self_check()
    texts = []
    seen = set()
    for text in (hand_written() + repeated_runs() + whitespace_mixes() + random_strings() + long_prompt()
                 + golden_prompts):
        if text not in seen:
            seen.add(text)
            texts.append(text)

    disagreeing = [text for text in texts if not agrees_with_slow_non_legacy(text)]
    assert not disagreeing, disagreeing

    lines = [json.dumps({"text": text, "ids": hf_input_ids(text),
                         "ids_prepend_first": hf_input_ids(text, "first"),
                         "ids_prepend_always": hf_input_ids(text, "always"),
                         "ids_prepend_never": hf_input_ids(text, "never")}, ensure_ascii=False)
             for text in texts]
    with open(OUTPUT, "w", encoding="utf-8") as f:
        f.write('{\n"generator": "make_parity_table.py with sentencepiece ' + sentencepiece.__version__
                + ' (Hugging Face Llama semantics: split on added tokens, encode each segment, prepend BOS; '
                + 'ids: legacy, ids_prepend_*: Metaspace prepend_scheme)",\n"cases": [\n')
        f.write(",\n".join(lines))
        f.write("\n]\n}\n")
    print(f"{len(texts)} cases written to {OUTPUT}")


if __name__ == "__main__":
    main()
