#!/usr/bin/python3
"""Generates content_format_cases.json, the references for chat-template content formats.

Run from the repository root in the sid chroot (transformers 5.12, jinja2):
    ../shared/tools/sid-chroot.sh run python3 tests/Llava.Engine.Tests/Prompting/Data/generate_content_format_cases.py

- "detection": every template of ../../Templating/Data/chat_templates.py, plus EXTRA_TEMPLATES below,
  with the content format vLLM's _detect_content_format (vllm/entrypoints/chat_utils.py) gives it. The rule is applied
  to the AST of the real Jinja2 environment transformers compiles chat templates with: a template is "openai" when it
  has a for loop over m['content'] / m.content (seen through filters, tests and slices), m being the target of a for
  loop over `messages` or over a variable set from it (transitively); else "string".
- "llava15": conversations with string, list-of-parts and mixed content for llava-hf/llava-1.5-7b-hf's chat template
  (llava-1.5-7b-hf/chat_template.json). "prompt" is what Hugging Face's LlavaProcessor.apply_chat_template renders when
  every string content is given as one text part (what vLLM hands such templates); "prompt_as_sent" what it renders
  for the conversation exactly as sent, where string contents vanish.
- "string_template": a template that reads content as a string, rendered by the tokenizer's apply_chat_template.
"""
import json
import os
import sys

from jinja2 import nodes
from transformers import AutoTokenizer, CLIPImageProcessor, LlavaProcessor
from transformers.utils.chat_template_utils import _compile_jinja_template

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Templating", "Data"))
import chat_templates  # noqa: E402

FIXTURE_MODEL = os.path.join(HERE, "..", "..", "..", "..", "models", "tiny-llava-visible")

STRING_PLAIN = ("{% for message in messages %}{{ message['role'] }}: {{ message['content'] }}\n{% endfor %}"
                "{% if add_generation_prompt %}assistant:{% endif %}")

# Edge cases of the rule: aliases of `messages`, attribute syntax, a loop hidden in a macro (scopes are ignored).
EXTRA_TEMPLATES = {
    "STRING_PLAIN": STRING_PLAIN,
    "STRING_ALIASED": "{% set turns = messages | selectattr('role', 'ne', 'system') | list %}{% for turn in turns %}"
                      "{% if turn.content is string %}{{ turn.role ~ ': ' ~ turn.content | trim }}{% endif %}\n{% endfor %}",
    "OPENAI_ALIASED_SLICE": "{% set rest = messages[1:] %}{% set again = rest %}{% for m in again %}"
                            "{% for part in m.content | selectattr('type', 'equalto', 'text') %}{{ part.text }}{% endfor %}{% endfor %}",
    "OPENAI_LOOP_IN_MACRO": "{% macro text_of(message) %}{% for part in message['content'] %}{{ part['text'] }}{% endfor %}"
                            "{% endmacro %}{% for message in messages %}{{ text_of(message) }}{% endfor %}",
    "STRING_INDEXED_PART": "{% for message in messages %}{{ message['content'][0]['text'] }}{% endfor %}",
}


def accesses(node, name, key=None):
    """node reads `name` (or name[key] / name.key), possibly through filters, tests or a slice."""
    if isinstance(node, nodes.Filter):
        return node.node is not None and accesses(node.node, name, key)
    if isinstance(node, nodes.Test):
        return accesses(node.node, name, key)
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Slice):
        return accesses(node.node, name, key)
    if key is None:
        return isinstance(node, nodes.Name) and node.ctx == "load" and node.name == name
    if isinstance(node, nodes.Getitem):
        return (isinstance(node.node, nodes.Name) and node.node.name == name
                and isinstance(node.arg, nodes.Const) and node.arg.value == key)
    if isinstance(node, nodes.Getattr):
        return isinstance(node.node, nodes.Name) and node.node.name == name and node.attr == key
    return False


def content_format(source):
    tree = _compile_jinja_template(source).environment.parse(source)
    lists, pending = {"messages"}, ["messages"]
    while pending:
        current = pending.pop()
        for assign in tree.find_all(nodes.Assign):
            target = assign.target
            if isinstance(target, nodes.Name) and accesses(assign.node, current) and target.name not in lists:
                lists.add(target.name)
                pending.append(target.name)
    loops = list(tree.find_all(nodes.For))
    items = {loop.target.name for loop in loops
             if isinstance(loop.target, nodes.Name) and any(accesses(loop.iter, name) for name in lists)}
    return "openai" if any(accesses(loop.iter, item, "content") for loop in loops for item in items) else "string"


def text(t):
    return {"type": "text", "text": t}


IMAGE = {"type": "image"}
SYSTEM = "You are a careful visual assistant."

CONVERSATIONS = [
    ("system_string_with_image_question", True,
     [{"role": "system", "content": SYSTEM}, {"role": "user", "content": [IMAGE, text("What is shown in this image?")]}]),
    ("all_strings_multi_turn", True,
     [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "What color is the sky?"},
      {"role": "assistant", "content": "Blue."}, {"role": "user", "content": "Are you sure?"}]),
    ("all_parts_multi_turn", True,
     [{"role": "system", "content": [text(SYSTEM)]}, {"role": "user", "content": [IMAGE, text("What color is the sky?")]},
      {"role": "assistant", "content": [text("Blue.")]}, {"role": "user", "content": [text("Are you sure?")]}]),
    ("mixed_multi_turn", True,
     [{"role": "system", "content": SYSTEM}, {"role": "user", "content": [IMAGE, text("What color is the sky?")]},
      {"role": "assistant", "content": "Blue."}, {"role": "user", "content": [text("Are you sure?")]}]),
    ("interleaved_images_and_texts", True,
     [{"role": "user", "content": [text("Compare"), IMAGE, text("with"), IMAGE]}]),
    ("string_continuation_without_generation_prompt", False,
     [{"role": "user", "content": "Describe the picture."}, {"role": "assistant", "content": "There is a dog and"}]),
    ("unicode_and_newlines_in_strings", True,
     [{"role": "system", "content": "Réponds en français.\nSois bref."}, {"role": "user", "content": "Qu'est-ce que c'est ? 🐕"}]),
]


def as_parts(messages):
    return [{**m, "content": [text(m["content"])] if isinstance(m["content"], str) else m["content"]} for m in messages]


def main():
    with open(os.path.join(HERE, "llava-1.5-7b-hf", "chat_template.json"), encoding="utf-8") as f:
        llava15 = json.load(f)["chat_template"]
    assert llava15 == chat_templates.LLAVA_15

    templates = {name: value for name, value in vars(chat_templates).items() if name.isupper() and isinstance(value, str)}
    templates.update(EXTRA_TEMPLATES)
    detection = [{"name": name, "template": source, "format": content_format(source)}
                 for name, source in sorted(templates.items())]

    tokenizer = AutoTokenizer.from_pretrained(FIXTURE_MODEL)
    processor = LlavaProcessor(image_processor=CLIPImageProcessor(), tokenizer=tokenizer, chat_template=llava15)
    cases = []
    for name, generation_prompt, messages in CONVERSATIONS:
        cases.append({
            "name": name,
            "add_generation_prompt": generation_prompt,
            "messages": messages,
            "prompt": processor.apply_chat_template(as_parts(messages), add_generation_prompt=generation_prompt, tokenize=False),
            "prompt_as_sent": processor.apply_chat_template(messages, add_generation_prompt=generation_prompt, tokenize=False),
        })

    string_messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "Hi"},
                       {"role": "assistant", "content": "Hello."}, {"role": "user", "content": "Bye"}]
    string_template = {
        "template": STRING_PLAIN,
        "messages": string_messages,
        "prompt": tokenizer.apply_chat_template(string_messages, chat_template=STRING_PLAIN,
                                                add_generation_prompt=True, tokenize=False),
    }

    out = {"detection": detection, "llava15": cases, "string_template": string_template}
    with open(os.path.join(HERE, "content_format_cases.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
