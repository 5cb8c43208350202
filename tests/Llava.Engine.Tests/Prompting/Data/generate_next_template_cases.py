#!/usr/bin/python3
"""Generates next_template_cases.json: the LLaVA-NeXT checkpoints' own chat templates rendered by Hugging Face.

Run from the repository root in the sid chroot (transformers 5.12, jinja2):
    ../shared/tools/sid-chroot.sh run python3 tests/Llava.Engine.Tests/Prompting/Data/generate_next_template_cases.py

Each conversation goes through LlavaNextProcessor.apply_chat_template (tokenize=False) with the checkpoint's template,
every string content given as one text part (what vLLM and our ChatTemplate hand a template that loops over parts;
as sent, such a template drops a string's text). "input_ids" are the rendered prompt's ids from the tokenizer of
models/tiny-llava-visible, the one the NeXT fixtures were made with (each <image> still one id, before the processor
expands it); a template that refuses a conversation (raise_exception) records the error message instead.

Loading a folder that has tokenizer.model but no tokenizer.json (tests/fixtures/next/models/*), transformers 5.12
converts the SentencePiece model without its dummy-prefix space ("hello" -> [1, 12199] instead of [1, 22172]);
checkpoints on the Hub ship tokenizer.json, so the references use one that has it.

Where each template's text comes from (the Hub is not reachable here):
- llava-v1.6-mistral-7b-hf: llava-v1.6-mistral-7b-hf/chat_template.json, quoted in openvinotoolkit/openvino.genai's
  tokenizer fallback map ("tiny-random-llava-next, llava-v1.6-mistral (chat_template.json)"); the same text is the
  chat_mistral of the llava-hf maintainers' template script (model2template) and of transformers'
  src/transformers/models/llava_next_video/convert_llava_next_video_weights_to_hf.py.
- llava-v1.6-vicuna-7b-hf / -13b-hf: the llava-1.5-7b-hf/chat_template.json text, labelled "llava-1.5,
  llava-v1.6-vicuna (chat_template.json)" in openvino.genai; transformers' tests/models/llava_next/
  test_processor_llava_next.py expects its "USER: <image>\\nWhat is shown in this image? ASSISTANT:" from the
  vicuna-7b checkpoint.
- llava-v1.6-34b-hf (Yi): llava-v1.6-34b-hf/chat_template.json, the chat_yi ChatML template that the llava-hf
  maintainers' script assigns to "llava-hf/llava-v1.6-34b-hf" and transformers'
  convert_llava_next_video_weights_to_hf.py uses for LLaVA-NeXT-Video-34B. The Hub file may since have gained
  {% generation %} markers (as llava-1.5's did), which do not change what is rendered.
- llama3-llava-next-8b-hf: llama3-llava-next-8b-hf/chat_template.json (see SOURCES.md), the llava-hf Llama 3 header
  layout also quoted by downstream projects as the LlavaNextForConditionalGeneration/LlamaForCausalLM template.
"""
import json
import os

from jinja2 import TemplateError
from transformers import AutoTokenizer, LlavaNextProcessor
from transformers.models.llava_next.image_processing_pil_llava_next import LlavaNextImageProcessorPil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..", "..")
TOKENIZER = os.path.join(ROOT, "models", "tiny-llava-visible")

# checkpoint -> folder under Data/ whose chat_template.json is that checkpoint's template
CHECKPOINTS = {
    "llava-v1.6-mistral-7b-hf": "llava-v1.6-mistral-7b-hf",
    "llava-v1.6-vicuna-7b-hf": "llava-1.5-7b-hf",
    "llava-v1.6-34b-hf": "llava-v1.6-34b-hf",
    "llama3-llava-next-8b-hf": "llama3-llava-next-8b-hf",
}


def text(t):
    return {"type": "text", "text": t}


IMAGE = {"type": "image"}
SYSTEM = "You are a careful visual assistant."

# (name, add_generation_prompt, messages)
CONVERSATIONS = [
    ("single_image", True, [{"role": "user", "content": [IMAGE, text("What is shown in this image?")]}]),
    ("text_only", True, [{"role": "user", "content": [text("Say hello.")]}]),
    ("several_images_interleaved", True,
     [{"role": "user", "content": [text("Compare"), IMAGE, text("with"), IMAGE, IMAGE, text("please.")]}]),
    ("images_without_text", True, [{"role": "user", "content": [IMAGE, IMAGE]}]),
    ("system_then_image_question", True,
     [{"role": "system", "content": [text(SYSTEM)]}, {"role": "user", "content": [IMAGE, text("Describe it.")]}]),
    ("multi_turn_parts", True,
     [{"role": "user", "content": [IMAGE, text("What color is the sky?")]},
      {"role": "assistant", "content": [text("Blue.")]},
      {"role": "user", "content": [IMAGE, text("And in this one?")]}]),
    ("multi_turn_strings_with_system", True,
     [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "What color is the sky?"},
      {"role": "assistant", "content": "Blue."}, {"role": "user", "content": "Are you sure?"}]),
    ("mixed_strings_and_parts", True,
     [{"role": "system", "content": SYSTEM}, {"role": "user", "content": [IMAGE, text("What is it?")]},
      {"role": "assistant", "content": "A dog."}, {"role": "user", "content": [text("What breed?")]}]),
    ("continuation_without_generation_prompt", False,
     [{"role": "user", "content": [IMAGE, text("Describe this image.")]},
      {"role": "assistant", "content": [text("There is a dog and")]}]),
    ("unicode_and_newlines", True,
     [{"role": "user", "content": [IMAGE, text("Qu'est-ce que c'est ?\nRéponds en une ligne. 🐕 日本語")]}]),
    ("tool_role", True,
     [{"role": "user", "content": [text("Weather?")]}, {"role": "tool", "content": [text("sunny")]}]),
]


def as_parts(messages):
    return [{**m, "content": [text(m["content"])] if isinstance(m["content"], str) else m["content"]} for m in messages]


def main():
    tokenizer = AutoTokenizer.from_pretrained(TOKENIZER)
    out = {"tokenizer": "models/tiny-llava-visible", "checkpoints": {}}
    for checkpoint, folder in CHECKPOINTS.items():
        with open(os.path.join(HERE, folder, "chat_template.json"), encoding="utf-8") as f:
            template = json.load(f)["chat_template"]
        processor = LlavaNextProcessor(image_processor=LlavaNextImageProcessorPil(), tokenizer=tokenizer,
                                       chat_template=template)
        cases = []
        for name, generation_prompt, messages in CONVERSATIONS:
            case = {"name": name, "add_generation_prompt": generation_prompt, "messages": messages}
            try:
                prompt = processor.apply_chat_template(as_parts(messages), add_generation_prompt=generation_prompt,
                                                       tokenize=False)
                case["prompt"] = prompt
                case["input_ids"] = tokenizer(prompt)["input_ids"]
            except TemplateError as e:
                case["error"] = str(e)
            cases.append(case)
        out["checkpoints"][checkpoint] = {"template_folder": folder, "cases": cases}
    with open(os.path.join(HERE, "next_template_cases.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
