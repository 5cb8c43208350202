#!/usr/bin/python3
"""Trains the shapes tokenizer once; the result (tokenizer/tokenizer.model) is committed.

Usage: /usr/bin/python3 training-data/shapes/train_tokenizer.py DATA_DIR/tokenizer-corpus.txt

Needs Debian's python3-sentencepiece. The settings are the ones the engine's Llama tokenizer supports: BPE with byte
fallback, identity normalisation, whitespace kept as is, no user-defined pieces. The corpus (written by
`make-data`) already carries the leading space Hugging Face's legacy Llama tokenizer gives each segment, so no dummy
prefix is added here. The vocabulary size must match the <image>/<pad> ids in tokenizer/tokenizer_config.json.
"""
import os
import sys

import sentencepiece as spm

VOCAB_SIZE = 768


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    here = os.path.dirname(os.path.abspath(__file__))
    prefix = os.path.join(here, "tokenizer", "tokenizer")
    spm.SentencePieceTrainer.train(
        input=sys.argv[1],
        model_prefix=prefix,
        model_type="bpe",
        vocab_size=VOCAB_SIZE,
        character_coverage=1.0,
        byte_fallback=True,
        normalization_rule_name="identity",
        remove_extra_whitespaces=False,
        add_dummy_prefix=False,
        split_digits=True,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        input_sentence_size=2_000_000,
        shuffle_input_sentence=True,
        seed_sentencepiece_size=1_000_000,
        num_threads=2,
    )
    os.remove(prefix + ".vocab")
    processor = spm.SentencePieceProcessor(model_file=prefix + ".model")
    if processor.vocab_size() != VOCAB_SIZE:
        sys.exit(f"expected {VOCAB_SIZE} pieces, got {processor.vocab_size()}")
    print(f"wrote {prefix}.model ({processor.vocab_size()} pieces)")


if __name__ == "__main__":
    main()
