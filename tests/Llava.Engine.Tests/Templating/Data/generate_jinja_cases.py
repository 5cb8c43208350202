#!/usr/bin/python3
"""Generates jinja_cases.json: template/context pairs rendered by the real Jinja2, configured exactly like
Hugging Face transformers' apply_chat_template (ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
extensions=[AssistantTracker, loopcontrols]), HF's tojson filter, raise_exception and strftime_now globals).

Run with Debian's python3-jinja2 (3.1.2):  /usr/bin/python3 generate_jinja_cases.py
strftime_now is pinned to FIXED_NOW so the output is reproducible; the C# test uses the same clock.
"""
import json
import os
from datetime import datetime

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

import chat_templates as T

FIXED_NOW = datetime(2024, 7, 23, 9, 5, 7)


class GenerationBlock(Extension):
    """HF's {% generation %} block, reduced to what affects the rendered text: the body, rendered unchanged."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def make_env():
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return FIXED_NOW.strftime(format)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[GenerationBlock, loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


CASES = []


def case(case_name, template, **context):
    CASES.append((case_name, template, context))


# ---------------------------------------------------------------- whitespace control, trim_blocks, lstrip_blocks
case("ws_plain_text", "Hello, world!")
case("ws_variable", "Hello {{ name }}!", name="Ada")
case("ws_trim_blocks", "{% if true %}\nyes\n{% endif %}\nafter")
case("ws_lstrip_blocks", "  {% if true %}\n  x\n  {% endif %}\ny")
case("ws_lstrip_tabs", "\t \t{% if true %}a{% endif %}\n\t{% if true %}b{% endif %}")
case("ws_lstrip_not_after_text", "x {% if true %}y{% endif %}")
case("ws_lstrip_template_start", "   {% if true %}a{% endif %}")
case("ws_lstrip_after_variable", "{{ 'a' }}   {% if true %}b{% endif %}")
case("ws_lstrip_after_trimmed_block", "{% set x = 1 %}\n   {% if true %}b{% endif %}")
case("ws_lstrip_after_block_same_line", "{% if true %}   {% endif %}|")
case("ws_variable_not_lstripped", "  {{ 'x' }}\n  {{ 'y' }}")
case("ws_minus_both", "a  \n {{- ' b ' -}} \n c")
case("ws_minus_block", "a \n {%- if true -%} \n x \n {%- endif -%} \n b")
case("ws_minus_only_left", "a\n\n{%- if true %}\nb{% endif %}")
case("ws_plus_disables_lstrip", "  {%+ if true %}x{% endif %}")
case("ws_plus_disables_trim", "{% if true +%}\nx{% endif +%}\ny")
case("ws_comment", "a {# a comment #} b")
case("ws_comment_own_line", "a\n  {# comment #}\nb")
case("ws_comment_minus", "a   {#- comment -#}   b")
case("ws_comment_multiline", "a{# line 1\nline 2 #}\nb")
case("ws_raw", "{% raw %}{{ not evaluated }} {% if %}{% endraw %}")
case("ws_raw_newlines", "  {% raw %}\n  a\n  {% endraw %}\nb")
case("ws_raw_minus", "x {%- raw -%}  {{ y }}  {%- endraw -%}  z")
case("ws_trailing_newline_dropped", "abc\n")
case("ws_only_one_trailing_newline_dropped", "abc\n\n")
case("ws_crlf_normalised", "a\r\nb{% if true %}\r\nc{% endif %}\r\n")
case("ws_minus_variable_eats_newlines", "{{ 'a' -}}\n\n  b")
case("ws_nested_braces_in_variable", "{{ {'a': {'b': 1}} }}")
case("ws_delimiters_in_strings", "{{ '}}' }}{{ \"%}\" }}{{ '{#' }}")
case("ws_indented_template", T.INDENTED_BLOCKS, messages=[
    {"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}],
    add_generation_prompt=True)
case("ws_multiline_set_block", "{% set x %}\n  inner\n{% endset %}[{{ x }}]")
case("ws_newline_after_variable_kept", "{{ 'a' }}\nb")
case("ws_block_then_text_same_line", "{% if true %}a{% endif %} tail\n{% for i in [1, 2] %}\n  {{ i }}\n{% endfor %}")

# ---------------------------------------------------------------- literals and printing
case("lit_ints", "{{ 0 }} {{ 42 }} {{ -7 }} {{ 1_000_000 }} {{ 0x1F }} {{ 0o17 }} {{ 0b101 }}")
case("lit_floats", "{{ 1.0 }} {{ 1.5 }} {{ 2.50 }} {{ 1e3 }} {{ 1E-3 }} {{ 1.5e300 }} {{ 12345678901234567.0 }}")
case("lit_float_repr_boundaries", "{{ 1e15 }} {{ 1e16 }} {{ 0.0001 }} {{ 0.00001 }} {{ 123456789012345.6 }} {{ -0.0 }}")
case("lit_float_arith", "{{ 0.1 + 0.2 }} {{ 1 / 3 }} {{ 10 / 2 }} {{ 2 ** 0.5 }} {{ 1e308 * 10 }} {{ -1e308 * 10 }}")
case("lit_booleans_none", "{{ true }} {{ True }} {{ false }} {{ False }} {{ none }} {{ None }}")
case("lit_strings_escapes", "{{ 'a\\tb' }}|{{ \"q\\\"q\" }}|{{ 'it\\'s' }}|{{ '\\x41\\u00e9\\U0001F600' }}|{{ '\\\\' }}")
case("lit_string_unknown_escape", "{{ '<\\s>' }}{{ '<\\\\s>' }}")
case("lit_string_non_ascii", "{{ 'héllo ✓ 😀' }}{{ 'caf\\é' }}")
case("lit_adjacent_strings", "{{ 'a' 'b' \"c\" }}")
case("lit_list_repr", "{{ [1, 'a', none, true, 1.0, [2], (3,), {'k': 'v'}] }}")
case("lit_string_repr_quotes", "{{ [\"it's\", 'say \"hi\"', 'both \\' \"', 'nl\\n', 'tab\\t', 'bs\\\\'] }}")
case("lit_tuple_repr", "{{ () }} {{ (1,) }} {{ (1, 2) }} {{ 1, 'x' }}")
case("lit_dict_repr", "{{ {} }} {{ {'a': 1, 2: 'b', none: [true]} }}")
case("lit_trailing_commas", "{{ [1, 2,] }} {{ {'a': 1,} }} {{ (1, 2,) }}")
case("lit_markup_repr", "{{ ['<b>'|safe] }}")
case("lit_unicode_repr", "{{ ['é', '\\x00', '\\u200b'] }}")

# ---------------------------------------------------------------- operators
case("op_precedence", "{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 2 ** 3 ** 2 }} {{ -2 ** 2 }} {{ 10 - 2 - 3 }} {{ 2 * 3 | string }}")
case("op_division", "{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 7.5 // 2 }} {{ -7.5 // 2 }} {{ 7.5 % -2 }} {{ 6 / 3 }}")
case("op_power", "{{ 2 ** 10 }} {{ 2 ** -1 }} {{ 2.0 ** 3 }} {{ 9 ** 0.5 }} {{ (-8) ** 2 }}")
case("op_bool_arith", "{{ true + 1 }} {{ true * 3 }} {{ -true }} {{ false - 1 }} {{ 1 + 1.5 }}")
case("op_strings", "{{ 'ab' + 'cd' }} {{ 'ab' * 3 }} {{ 2 * 'x' }} {{ 'x' * 0 }}|{{ [1] * 3 }} {{ [1, 2] + [3] }} {{ (1,) + (2,) }}")
case("op_concat", "{{ 'a' ~ 1 ~ none ~ true ~ 1.5 ~ undefined_name ~ [1] }}")
case("op_compare", "{{ 1 < 2 }} {{ 1 < 2 < 3 }} {{ 1 < 3 < 2 }} {{ 'a' < 'b' }} {{ 'B' < 'a' }} {{ [1, 2] < [1, 3] }} {{ 2 >= 2.0 }} {{ 1 != 1.0 }}")
case("op_equality", "{{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' == 'a' }} {{ [1] == [1] }} {{ [1] == (1,) }} {{ {'a': 1} == {'a': 1} }} {{ none == none }} {{ none == false }}")
case("op_in", "{{ 'b' in 'abc' }} {{ 'x' in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 3 not in [1, 2] }} {{ '' in 'abc' }} {{ 1.0 in [1] }}")
case("op_logic_values", "{{ 0 or 'x' }}|{{ 'a' and 'b' }}|{{ none or [] }}|{{ '' and 1 }}|{{ not 0 }}|{{ not [] }}|{{ not 'a' }}")
case("op_not_precedence", "{{ not true == false }} {{ not 1 in [1] }} {{ (not true) == false }}")
case("op_conditional", "{{ 'y' if 1 else 'n' }}|{{ 'y' if 0 else 'n' }}|{{ 'y' if 0 }}|{{ 'a' if false else 'b' if false else 'c' }}")
case("op_unary_filter", "{{ -3|abs }} {{ -(3|abs) }} {{ +4 }} {{ -1.5 }}")
case("op_truthiness", "{% for v in [0, 1, 0.0, 0.5, '', 'a', [], [0], {}, {'a': 1}, none, true, false] %}{{ 'T' if v else 'F' }}{% endfor %}")

# ---------------------------------------------------------------- attribute and item access
ACCESS = {"d": {"a": 1, "items": "ITEMS", "nested": {"x": [10, 20, 30]}}, "l": [1, 2, 3, 4, 5], "s": "hello"}
case("acc_dict", "{{ d['a'] }} {{ d.a }} {{ d.nested.x[1] }} {{ d['nested']['x'][-1] }} {{ d.nested.x.0 }}", **ACCESS)
case("acc_dict_method_vs_key", "{{ d['items'] }} {{ d.items is defined }} {{ d.items()|list|length }}", **ACCESS)
case("acc_list_index", "{{ l[0] }} {{ l[-1] }} {{ l[10] }}|{{ l[true] }}", **ACCESS)
case("acc_slices", "{{ l[1:] }} {{ l[:2] }} {{ l[::-1] }} {{ l[::2] }} {{ l[-2:] }} {{ l[1:-1] }} {{ l[5:1] }} {{ l[4:1:-1] }}", **ACCESS)
case("acc_string_slices", "{{ s[0] }} {{ s[-1] }} {{ s[1:3] }} {{ s[::-1] }} {{ s[:100] }} {{ s[99] }}|", **ACCESS)
case("acc_missing", "[{{ d.missing }}][{{ d['missing'] }}][{{ l.foo }}][{{ none.x }}][{{ none['x'] }}][{{ s.nope }}]", **ACCESS)
case("acc_tuple_and_range", "{{ (1, 2, 3)[1] }} {{ (1, 2, 3)[1:] }} {{ range(10)[3] }} {{ range(10)[2:5] }} {{ range(10)[::-3] }}")
case("acc_missing_chain_error", "{{ d.missing.x }}", **ACCESS)
case("acc_undefined_attr_error", "{{ nothing.x }}")
case("acc_undefined_item_error", "{{ nothing['x'] }}")
case("acc_list_bad_key", "[{{ l['x'] }}][{{ l[1.0] }}]", **ACCESS)

# ---------------------------------------------------------------- undefined semantics
case("undef_print", "[{{ missing }}]")
case("undef_if", "{% if missing %}yes{% else %}no{% endif %}")
case("undef_tests", "{{ missing is defined }} {{ missing is undefined }} {{ missing is none }} {{ missing is iterable }} {{ missing is sequence }} {{ missing is string }} {{ missing is callable }}")
case("undef_default", "{{ missing|default('d') }} {{ ''|default('d') }} {{ ''|default('d', true) }} {{ none|default('d') }} {{ missing|d }}|")
case("undef_length_list_join", "{{ missing|length }} {{ missing|list }} [{{ missing|join(',') }}] [{{ missing|upper }}] [{{ missing|first }}] [{{ missing|last }}]")
case("undef_for", "{% for x in missing %}{{ x }}{% else %}empty{% endfor %}")
case("undef_compare", "{{ missing == none }} {{ missing == missing2 }} {{ missing != 1 }} {{ missing in [1] }} {{ 1 in missing }}")
case("undef_arith_error", "{{ missing + 1 }}")
case("undef_call_error", "{{ missing() }}")
case("undef_int_error", "{{ missing|int }}")
case("undef_tojson_error", "{{ missing|tojson }}")
case("undef_missing_attribute_default", "{{ d.missing|default('z') }} {{ d.missing is defined }} {{ [1][3] is defined }}", d={})
case("undef_concat", "[{{ missing ~ 'a' }}]")

# ---------------------------------------------------------------- if / for / set / macros / blocks
case("stmt_if_elif_else", "{% for n in [1, 2, 3, 4] %}{% if n == 1 %}one{% elif n == 2 %}two{% elif n == 3 %}three{% else %}many{% endif %} {% endfor %}")
case("stmt_for_loop_vars", "{% for x in ['a', 'b', 'c'] %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}|{% endfor %}")
case("stmt_for_prev_next", "{% for x in [1, 2, 3] %}({{ loop.previtem }},{{ loop.nextitem }}){% endfor %}")
case("stmt_for_cycle_changed", "{% for x in [1, 1, 2, 2, 3] %}{{ loop.cycle('odd', 'even') }}{% if loop.changed(x) %}*{% endif %} {% endfor %}")
case("stmt_for_else", "{% for x in [] %}{{ x }}{% else %}none{% endfor %}|{% for x in [1] %}{{ x }}{% else %}none{% endfor %}")
case("stmt_for_dict", "{% for k in {'b': 1, 'a': 2} %}{{ k }}{% endfor %}|{% for k, v in {'b': 1, 'a': 2}.items() %}{{ k }}={{ v }};{% endfor %}")
case("stmt_for_unpack", "{% for a, b in [(1, 2), [3, 4], 'xy'] %}{{ a }}{{ b }} {% endfor %}")
case("stmt_for_filter", "{% for x in range(10) if x is odd %}{{ x }}{{ '' if loop.last else ',' }}{% endfor %} len={% for x in range(10) if x > 6 %}{{ loop.length }}{% endfor %}")
case("stmt_for_string_range", "{% for c in 'abc' %}[{{ c }}]{% endfor %}{% for i in range(3) %}{{ i }}{% endfor %}{% for i in range(1, 10, 3) %}{{ i }}{% endfor %}{% for i in range(5, 0, -2) %}{{ i }}{% endfor %}")
case("stmt_nested_loops", "{% for a in [1, 2] %}{% set outer = loop %}{% for b in 'xy' %}{{ outer.index }}{{ loop.index }}{{ a }}{{ b }} {% endfor %}{% endfor %}")
case("stmt_loop_scoping", "{% set x = 0 %}{% for i in [1, 2] %}{% set x = x + i %}{{ x }}{% endfor %}{{ x }}|{% for i in [1, 2] %}[{{ y }}]{% set y = i %}{% endfor %}[{{ y }}]")
case("stmt_if_no_scope", "{% if true %}{% set z = 5 %}{% endif %}{{ z }}")
case("stmt_namespace", "{% set ns = namespace(total=0, seen=false) %}{% for i in [1, 2, 3] %}{% set ns.total = ns.total + i %}{% if i == 2 %}{% set ns.seen = true %}{% endif %}{% endfor %}{{ ns.total }} {{ ns.seen }} {{ ns.missing }}|{{ ns }}")
case("stmt_namespace_from_dict", "{% set ns = namespace({'a': 1}, b=2) %}{{ ns.a }}{{ ns.b }}{{ ns['a'] }}")
case("stmt_break_continue", "{% for i in range(10) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 5 %}{% break %}{% endif %}{{ i }}{% endfor %}")
case("stmt_set_tuple", "{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set c, d = 'xy' %}{{ c }}{{ d }}{% set t = 1, 2 %}{{ t }}")
case("stmt_set_block", "{% set greeting %}Hello {{ name }}!{% endset %}[{{ greeting }}]{% set up | upper | replace('L', '_') %}hello{% endset %}{{ up }}", name="Bo")
case("stmt_macro", "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('A') }} {{ greet('B', '?') }} {{ greet(punct='.', name='C') }} [{{ greet() }}]")
case("stmt_macro_varargs_kwargs", "{% macro m(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, 3, x=4) }}")
case("stmt_macro_recursion", "{% macro fact(n) %}{% if n <= 1 %}1{% else %}{{ n * fact(n - 1)|int }}{% endif %}{% endmacro %}{{ fact(5) }}")
case("stmt_macro_sees_later_set", "{% set x = 1 %}{% macro m() %}{{ x }}{% endmacro %}{% set x = 2 %}{{ m() }}")
case("stmt_macro_default_uses_param", "{% macro m(a, b=a * 2) %}{{ a }}-{{ b }}{% endmacro %}{{ m(3) }}")
case("stmt_macro_print", "{% macro m() %}{% endmacro %}{{ m }}")
case("stmt_macro_too_many_args", "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}")
case("stmt_macro_unknown_kwarg", "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(b=1) }}")
case("stmt_with", "{% set a = 1 %}{% with a = 2, b = a %}{{ a }}{{ b }}{% endwith %}{{ a }}")
case("stmt_filter_block", "{% filter upper %}hello {{ 'world' }}{% endfilter %}|{% filter replace('a', 'o') | title %}banana split{% endfilter %}")
case("stmt_generation", "{% for m in ['a', 'b'] %}{% generation %}<{{ m }}>{% set g = 1 %}{% endgeneration %}{% endfor %}[{{ g }}]")
case("stmt_print", "{% print 'x' ~ 1 %}")
case("stmt_set_overrides_context", "{{ v }}{% set v = 'local' %}{{ v }}", v="ctx")
case("stmt_loop_over_generator", "{% for x in [3, 1, 2]|select('>', 1) %}{{ loop.index }}:{{ x }}/{{ loop.length }} {% endfor %}")

# ---------------------------------------------------------------- filters
PEOPLE = [{"name": "Bob", "age": 30, "tags": ["x"]}, {"name": "alice", "age": 25}, {"name": "Carl", "age": 30, "nick": None}]
case("f_case", "{{ 'hello WORLD'|upper }} {{ 'Hello'|lower }} {{ 'hELLO world'|capitalize }} {{ \"they're bill's-friends (ok) [x] <y>\"|title }}")
case("f_trim", "[{{ '  a b \\n'|trim }}][{{ 'xxaxx'|trim('x') }}][{{ 42|trim }}]")
case("f_length_count", "{{ 'abc'|length }} {{ [1, 2]|count }} {{ {'a': 1}|length }} {{ 'é😀'|length }} {{ range(5)|length }}")
case("f_first_last", "{{ [1, 2, 3]|first }} {{ [1, 2, 3]|last }} {{ 'abc'|first }} {{ 'abc'|last }} {{ {'x': 1, 'y': 2}|last }} [{{ []|first }}]")
case("f_join", "{{ [1, 'a', none, 2.5]|join(', ') }}|{{ ['a', 'b']|join }}|{{ people|join('/', attribute='name') }}", people=PEOPLE)
case("f_map", "{{ people|map(attribute='name')|join(',') }}|{{ ['a', 'b']|map('upper')|list }}|{{ people|map(attribute='nick', default='-')|list }}|{{ ['1', '2']|map('int')|sum }}", people=PEOPLE)
case("f_selectattr", "{{ people|selectattr('age', 'equalto', 30)|map(attribute='name')|list }} {{ people|rejectattr('age', 'eq', 30)|map(attribute='name')|list }} {{ people|selectattr('tags')|list|length }} {{ people|selectattr('nick', 'defined')|list|length }} {{ people|selectattr('nick', 'none')|list|length }}", people=PEOPLE)
case("f_select_reject", "{{ [1, 2, 3, 4, 5]|select('odd')|list }} {{ [1, 2, 3, 4]|reject('even')|list }} {{ [0, 1, '', 'a', none]|select|list }} {{ [1, 5, 10]|select('gt', 4)|list }} {{ ['a', 'b']|select('in', 'abc')|list }}")
case("f_generator_truthiness", "{% if []|select('odd') %}generator is truthy{% endif %}|{% if []|select('odd')|list %}no{% else %}empty list is falsy{% endif %}")
case("f_generator_consumed_once", "{% set g = [1, 2]|map('string') %}{{ g|join }}|{{ g|join }}|")
case("f_generator_length_error", "{{ [1, 2]|select('odd')|length }}")
case("f_default_variants", "{{ none|default('x') }} {{ false|default('x', true) }} {{ 0|default(1, boolean=true) }} {{ []|d('empty', true) }}")
case("f_replace", "{{ 'aaa'|replace('a', 'b') }} {{ 'aaa'|replace('a', 'b', 2) }} {{ 'abc'|replace('', '-') }} {{ 1234|replace('2', 'x') }}")
case("f_string", "{{ 1|string }} {{ none|string }} {{ [1, 'a']|string }} {{ (1|string) + 'x' }} {{ 1.0|string|length }}")
case("f_int", "{{ '42'|int }} {{ ' 42 '|int }} {{ '3.9'|int }} {{ '-1_000'|int }} {{ 'abc'|int }} {{ 'abc'|int(7) }} {{ 4.99|int }} {{ -4.99|int }} {{ true|int }} {{ none|int }} {{ '0x1A'|int(0, 16) }} {{ '1A'|int(base=16) }} {{ '1e3'|int }} {{ 'nan'|int(-1) }}")
case("f_float", "{{ '1.5'|float }} {{ '1e3'|float }} {{ ' 2 '|float }} {{ 'x'|float }} {{ 'x'|float(9.5) }} {{ 3|float }} {{ 'inf'|float }} {{ '-Infinity'|float }} {{ '1_0.5'|float }} {{ '.5'|float }} {{ none|float }}")
case("f_round", "{{ 2.5|round }} {{ 3.5|round }} {{ 2.675|round(2) }} {{ 1.2345|round(3) }} {{ 7|round }} {{ 1234|round(-2) }} {{ 1250|round(-2) }} {{ 2.1|round(0, 'ceil') }} {{ 2.9|round(method='floor') }} {{ 0.125|round(2) }} {{ -2.5|round }} {{ 1.15|round(1) }}")
case("f_abs", "{{ -3|abs }} {{ (-3)|abs }} {{ -2.5|abs }} {{ 0|abs }}")
case("f_list_items", "{{ 'ab'|list }} {{ {'a': 1}|list }} {{ (1, 2)|list }} {{ {'a': 1, 'b': [2]}|items|list }} {% for k, v in {'x': 1}|items %}{{ k }}{{ v }}{% endfor %}")
case("f_tojson", "{{ {'b': 1, 'a': [true, none, 1.5, 'é\"\\n'], 'c': {}}|tojson }}|{{ 'x'|tojson }}|{{ [1, [2, []]]|tojson }}|{{ 1e16|tojson }}|{{ (1, 2)|tojson }}")
case("f_tojson_options", "{{ {'b': 1, 'a': {'x': [1, 2]}, 'e': []}|tojson(indent=2) }}|{{ {'b': 1, 'a': 2}|tojson(sort_keys=true) }}|{{ {'a': [1, 2]}|tojson(separators=(',', ':')) }}|{{ 'é'|tojson(ensure_ascii=true) }}|{{ {'a': 1}|tojson(indent=0) }}|{{ {'a': 1}|tojson(indent='\\t') }}")
case("f_tojson_keys", "{{ {1: 'a', true: 'b', none: 'c', 2.5: 'd'}|tojson }}")
case("f_indent", "[{{ 'a\\nb\\n\\nc'|indent }}][{{ 'a\\nb'|indent(2, true) }}][{{ 'a\\n\\nb'|indent(2, blank=true) }}][{{ 'a\\nb\\n'|indent('> ') }}][{{ 'x'|indent(first=true) }}]")
case("f_escape_safe", "{{ '<a href=\"x\">&\\'</a>'|e }} {{ '<b>'|safe }} {{ '<b>'|safe|escape }} {{ ('<b>'|safe) + '<i>' }} {{ 5|e }}")
case("f_unique", "{{ ['a', 'A', 'b', 'a']|unique|list }} {{ ['a', 'A', 'b']|unique(case_sensitive=true)|list }} {{ people|unique(attribute='age')|map(attribute='name')|list }} {{ [1, 1.0, true, 2]|unique|list }}", people=PEOPLE)
case("f_dictsort", "{{ {'b': 1, 'A': 3, 'c': 2}|dictsort }} {{ {'b': 1, 'A': 3, 'c': 2}|dictsort(true) }} {{ {'b': 1, 'A': 3, 'c': 2}|dictsort(by='value') }} {{ {'b': 1, 'a': 3}|dictsort(reverse=true) }}")
case("f_sort", "{{ [3, 1, 2]|sort }} {{ ['b', 'A', 'c']|sort }} {{ ['b', 'A', 'c']|sort(case_sensitive=true) }} {{ [3, 1, 2]|sort(reverse=true) }} {{ people|sort(attribute='age')|map(attribute='name')|list }} {{ people|sort(attribute='age,name')|map(attribute='name')|list }} {{ people|sort(attribute='age', reverse=true)|map(attribute='name')|list }}", people=PEOPLE)
case("f_reverse", "{{ 'abc'|reverse }} {{ [1, 2, 3]|reverse|list }} {{ [1, 2]|select|reverse }} {{ (1, 2)|reverse|join }}")
case("f_sum_min_max", "{{ [1, 2, 3]|sum }} {{ [1.5, 2]|sum }} {{ people|sum(attribute='age') }} {{ [1, 2]|sum(start=10) }} {{ [3, 1, 2]|min }} {{ [3, 1, 2]|max }} {{ ['b', 'A', 'c']|min }} {{ ['b', 'A', 'c']|max(case_sensitive=true) }} {{ people|max(attribute='age')|attr('name') }}[{{ []|max }}]", people=PEOPLE)
case("f_attr", "[{{ {'a': 1}|attr('a') }}] {{ {'a': 1}|attr('items') is callable }}")
case("f_center_wordcount", "[{{ 'ab'|center(7) }}][{{ 'abc'|center(6) }}] {{ 'one two  three-four'|wordcount }}")
case("f_chain", "{{ '  Hello World  '|trim|lower|replace(' ', '_')|upper }}")

# ---------------------------------------------------------------- tests
case("t_types", "{% for v in [1, 1.5, true, 'a', none, [1], (1,), {'a': 1}, range(2)] %}{{ v is number }}{{ v is integer }}{{ v is float }}{{ v is boolean }}{{ v is string }}{{ v is mapping }}{{ v is iterable }}{{ v is sequence }}{{ v is none }} {% endfor %}")
case("t_values", "{{ true is true }} {{ 1 is true }} {{ false is false }} {{ 0 is false }} {{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(4) }} {{ 3.0 is odd }}")
case("t_compare", "{{ 1 is eq 1 }} {{ 1 is equalto 2 }} {{ 1 is ne 2 }} {{ 1 is lt 2 }} {{ 2 is le 2 }} {{ 3 is gt 2 }} {{ 2 is ge 3 }} {{ 1 is lessthan 2 }} {{ 1 is greaterthan 2 }}")
case("t_misc", "{{ 'abc' is lower }} {{ 'ABC' is upper }} {{ 'a' is in 'abc' }} {{ 2 is in [1, 3] }} {{ range is callable }} {{ 'x' is callable }} {{ 'upper' is filter }} {{ 'odd' is test }} {{ 'nope' is filter }} {{ ('<'|e) is escaped }} {{ '<' is escaped }}")
case("t_not", "{{ 1 is not none }} {{ none is not none }} {{ x is not defined }} {{ 'a' is not string }}")
case("t_in_conditional", "{{ 'y' if x is none else 'n' }} {{ 'y' if 1 is odd and 2 is even else 'n' }}", x=None)

# ---------------------------------------------------------------- methods
case("m_strip", "[{{ '  a  '.strip() }}][{{ '  a  '.lstrip() }}][{{ '  a  '.rstrip() }}][{{ 'xyaxy'.strip('xy') }}][{{ '\\n\\t a \\r\\n'.strip() }}]")
case("m_split", "{{ 'a b  c'.split() }} {{ 'a,b,,c'.split(',') }} {{ 'a b c'.split(' ', 1) }} {{ '  a b  '.split(none, 1) }} {{ 'a,b,c'.rsplit(',', 1) }} {{ ''.split() }} {{ ''.split(',') }} {{ 'a\\nb\\r\\nc'.splitlines() }}")
case("m_affixes", "{{ 'hello'.startswith('he') }} {{ 'hello'.endswith('lo') }} {{ 'hello'.startswith(('x', 'h')) }} {{ 'hello'.endswith('x') }} {{ 'hello'.removeprefix('he') }} {{ 'hello'.removesuffix('lo') }}")
case("m_case", "{{ 'hello world'.upper() }} {{ 'HeLLo'.lower() }} {{ \"they're bill's 1st\".title() }} {{ 'hELLO'.capitalize() }} {{ 'aBc'.swapcase() }}")
case("m_replace_find", "{{ 'aaa'.replace('a', 'b', 1) }} {{ 'hello'.find('l') }} {{ 'hello'.rfind('l') }} {{ 'hello'.find('z') }} {{ 'hello'.count('l') }} {{ '-'.join(['a', 'b', 'c']) }}")
case("m_format", "{{ '{} and {}'.format('a', 'b') }} {{ '{1}{0}'.format('a', 'b') }} {{ 'Hi {name}!'.format(name='Bo') }} {{ '{{x}} {}'.format(1) }} {{ '{!r}'.format('q') }}")
case("m_predicates", "{{ '123'.isdigit() }} {{ '12a'.isdigit() }} {{ 'abc'.isalpha() }} {{ 'ab1'.isalnum() }} {{ ' \\t'.isspace() }} {{ ''.isspace() }} {{ 'abc'.islower() }} {{ 'ABC1'.isupper() }}")
case("m_dict", "{{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 0) }} {{ d.keys()|list }} {{ d.values()|list }} {{ d.items()|list }} {{ d.items() }} {{ d.keys() }} {{ d.items()|length }}", d={"a": 1, "b": 2})
case("m_list", "{{ [1, 2, 1].count(1) }} {{ ['a', 'b'].index('b') }}")
case("m_list_append_unsafe", "{{ [1].append(2) }}")
case("m_dict_update_unsafe", "{% set d = {} %}{{ d.update({'a': 1}) }}")
case("m_unsafe_is_falsy", "{% if [1].append %}y{% else %}n{% endif %}")

# ---------------------------------------------------------------- globals
case("g_range", "{{ range(3)|list }} {{ range(2, 5)|list }} {{ range(10, 0, -3)|list }} {{ range(0)|list }} {{ range(3) }} {{ range(1, 9, 2) }}")
case("g_dict", "{{ dict(a=1, b=2) }} {{ dict() }} {{ dict({'x': 1}, y=2) }} {{ dict([('k', 'v')]) }}")
case("g_joiner_cycler", "{% set pipe = joiner(' | ') %}{% for x in 'abc' %}{{ pipe() }}{{ x }}{% endfor %} {% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}{{ c.next() }}{{ c.current }}{{ c.reset() }}{{ c.next() }}")
case("g_raise_exception", "before{{ raise_exception('Only user and assistant roles are supported!') }}")
case("g_strftime_now", "{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d %H:%M:%S') }}|{{ strftime_now('%A %B %j %I%p %y %-d') }}")

# ---------------------------------------------------------------- errors
case("err_unknown_filter", "{{ 'a'|nosuchfilter }}")
case("err_unknown_test", "{{ 'a' is nosuchtest }}")
case("err_unknown_tag", "{% frobnicate %}")
case("err_unclosed_if", "{% if true %}abc")
case("err_unexpected_endif", "abc{% endif %}")
case("err_bad_expression", "{{ 1 + }}")
case("err_type_add", "{{ 1 + 'a' }}")
case("err_type_add_str", "{{ 'a' + 1 }}")
case("err_concat_precedence", "{{ 'abc' ~ 1 + 2 }}")
case("err_compare_types", "{{ 1 < 'a' }}")
case("err_not_iterable", "{% for x in 5 %}{% endfor %}")
case("err_unpack", "{% for a, b in [(1, 2, 3)] %}{% endfor %}")
case("err_division_by_zero", "{{ 1 / 0 }}")
case("err_set_attr_non_namespace", "{% set d = {} %}{% set d.x = 1 %}")
case("err_unclosed_comment", "a {# b")
case("err_unclosed_variable", "a {{ b")
case("err_break_outside_loop", "{% break %}")
case("err_last_of_generator", "{{ [1]|select|last }}")
case("err_call_string", "{{ 'a'() }}")

# ---------------------------------------------------------------- second wave: edge cases
case("x_tag_spanning_lines", "{% if\n  true\n%}x{% endif\n%}\ny")
case("x_minus_beats_lstrip", "  a  \n  {%- if true %}b{% endif %}")
case("x_variable_plus_sign", "a {{+ 1 }}")
case("x_nbsp_stripped_by_minus", "a\u00a0\u2003{{- 'b' -}}\u00a0c")
case("x_lstrip_only_spaces_tabs", "a\n\u00a0{% if true %}b{% endif %}")
case("x_float_extremes", "{{ 5e-324 }} {{ 1.7976931348623157e308 }} {{ 123456789.123456789 }} {{ 1 / 7 }} {{ 2.5e-5 }} {{ 100.0 }} {{ 1e22 }} {{ 0.1 * 3 }} {{ 1e400 }}")
case("x_float_ops", "{{ 10 // 3.0 }} {{ -0.0 // 1 }} {{ 5.0 % 0.3 }} {{ -5 % 0.3 }} {{ 2 ** -2 }} {{ 10|float / 4 }} {{ 0.5 == 1 / 2 }}")
case("x_big_ints", "{{ 2 ** 62 }} {{ 9007199254740993 }} {{ 9007199254740993 == 9007199254740992.0 }} {{ -9223372036854775807 - 1 }}")
case("x_outer_loop_restored", "{% for a in [1, 2] %}{% for b in [7] %}{{ loop.index }}{% endfor %}{{ loop.index }}{% endfor %}")
case("x_list_accumulate", "{% set x = [] %}{% for i in range(3) %}{% set x = x + [i] %}{% endfor %}{{ x }}|{% set ns = namespace(items=[]) %}{% for i in range(3) %}{% set ns.items = ns.items + [i * i] %}{% endfor %}{{ ns.items }}")
case("x_loop_outside", "[{{ loop }}][{{ loop.index }}]")
case("x_previtem_defined", "{% for i in range(3) %}{{ loop.previtem is defined }}{{ loop.nextitem is defined }} {% endfor %}")
case("x_views_membership", "{{ 'a' in d.keys() }} {{ 1 in d.values() }} {{ ('a', 1) in d.items() }} {{ d.keys()|length }} {{ d.values() }} {% for k, v in d.items() %}{{ k }}{{ v }}{% endfor %}", d={"a": 1, "b": 2})
case("x_nested_equality", "{{ [1, 2] in [[1, 2]] }} {{ (1, 2) == (1, 2) }} {{ {'a': [1]} == {'a': [1]} }} {{ [1, [2]] == [1, [2.0]] }}")
case("x_string_repeat_negative", "[{{ 'a' * -1 }}][{{ [1] * 0 }}]")
case("x_replace_with_none", "{{ 'x'|replace('x', none) }} {{ [1, 2, 3]|join(none) }} {{ none|string|upper }}")
case("x_markup_concat", "{{ ('<'|e) ~ '<' }} {{ ('<'|e) + '<' }} {{ '<b>'|safe|length }} {{ '<' + ('<'|e) }} {{ ('<'|e)|string|e }}")
case("x_dotted_attributes", "{{ rows|selectattr('a.b', 'eq', 1)|list|length }} {{ pairs|map(attribute='0')|list }} {{ pairs|map(attribute='1')|join }} {{ rows|map(attribute='a.b')|list }}",
     rows=[{"a": {"b": 1}}, {"a": {"b": 2}}], pairs=[["x", "y"], ["z", "w"]])
case("x_selectattr_on_strings", "{{ 'abc'|selectattr('type', 'equalto', 'image')|list }} {{ ['ab', 'cd']|selectattr('type')|list }}")
case("x_content_checks", "{% for m in messages %}{{ m.content is string }}{{ m['content'] is not string }}{{ m.content[0].text if m.content is not string else m.content }} {% endfor %}{{ messages[-1]['role'] }}",
     messages=[{"role": "user", "content": "hi"}, {"role": "assistant", "content": [{"type": "text", "text": "yo"}]}])
case("x_reverse_chains", "{{ range(3)|reverse|list }} {{ 'abc'|list|reverse|join }} {{ 'Hello'[::-1]|upper }}")
case("x_title_filter_hyphen", "{{ 'hello-world foo_bar'|title }} {{ 'ÉCOLE école'|title }} {{ 'a1b2'|title }}")
case("x_if_defined_and", "{% if x is defined and x %}a{% endif %}{% if y is defined and y %}b{% endif %}{% if not z %}c{% endif %}", x=1, y=0)
case("x_nested_ternary_filters", "{{ (items|length ~ ' items') if items else 'none' }} {{ items|map('string')|join('+') if items|length > 1 }}", items=[1, 2])
case("x_sort_stability", "{{ pairs|sort(attribute='1')|map(attribute='0')|join }} {{ pairs|sort(attribute='1', reverse=true)|map(attribute='0')|join }}",
     pairs=[["a", 2], ["b", 1], ["c", 2], ["d", 1]])
case("x_int_float_strings", "{{ '  -12  '|int }} {{ '+7'|int }} {{ '1__0'|int }} {{ '_1'|int }} {{ '0b11'|int(0, 0) }} {{ '08'|int }} {{ '1e-2'|float }} {{ '1.'|float }} {{ 'InFiNiTy'|float }} {{ 'nan'|float }}")
case("x_round_more", "{{ 0.5|round }} {{ 1.5|round }} {{ 2.345|round(2) }} {{ 1e20|round(2) }} {{ -0.4|round }} {{ 15|round(-1) }} {{ 25|round(-1) }} {{ 2.5|round(0, 'floor') }} {{ -2.5|round(0, 'ceil') }}")
case("x_length_of_non_string_error", "{{ 5|length }}")
case("x_filter_extra_args_error", "{{ 'a'|upper(1) }}")
case("x_divisibleby_zero_error", "{{ 3 is divisibleby 0 }}")
case("x_include_error", "{% include 'other.jinja' %}")
case("x_unhashable_key_error", "{{ {[1]: 2} }}")
case("x_tuple_compare_list_error", "{{ [1] < (1,) }}")
case("x_format_method_errors", "{{ '{'.format(1) }}")
case("x_generator_print_join", "{{ [3, 1]|map('string')|join('-') }} {{ ([1, 2]|select('odd')|list)[0] }}")
case("x_items_filter_lazy", "{% if 5|items %}lazy{% endif %}")
case("x_items_filter_error", "{{ 5|items|list }}")
case("x_macro_call_in_filter", "{% macro wrap(x) %}<{{ x }}>{% endmacro %}{{ wrap('a')|upper }} {{ wrap(wrap('b')) }} {{ ['c', 'd']|map('upper')|map('lower')|join }}")
case("x_set_in_macro_local", "{% set v = 1 %}{% macro m() %}{% set v = 2 %}{{ v }}{% endmacro %}{{ m() }}{{ v }}")
case("x_with_scope", "{% with %}{% set w = 1 %}{{ w }}{% endwith %}[{{ w }}]")
case("x_for_target_tuple_nested", "{% for (a, b), c in [((1, 2), 3)] %}{{ a }}{{ b }}{{ c }}{% endfor %}")
case("x_conditional_undefined_else", "[{{ 'x' if false }}][{{ ('x' if false) is defined }}]")
case("x_comparison_chain_types", "{{ 1 < 2 > 0 }} {{ 1 == 1 == 1.0 }} {{ 'a' != 'b' != 'a' }}")
case("x_bool_in_dict_key_and_index", "{{ {true: 'yes'}[1] }} {{ ['a', 'b'][true] }} {{ {1: 'one'}[1.0] }}")
case("x_string_iteration_unicode", "{% for c in 'a😀b' %}[{{ c }}]{% endfor %} {{ 'a😀b'[1] }} {{ 'a😀b'|length }} {{ 'a😀b'[::-1] }}")
case("x_escapes_in_double_quotes", "{{ \"line1\\nline2\" }}|{{ \"tab\\there\" }}|{{ \"\\101\\x42\" }}")
case("x_comment_with_tags_inside", "a{# {% if %} {{ x }} #}b")
case("x_raw_inside_if", "{% if true %}{% raw %}{% endif %}{% endraw %}{% endif %}")
case("x_deep_whitespace_mix", "<ul>\n    {% for i in [1, 2] %}\n        <li>{{ i }}</li>\n    {% endfor %}\n</ul>\n")
case("x_minus_inside_expression", "{{ 5 -3 }}{{ 5-3 }}{% set x = 10-1 %}{{ x }}")
case("x_keyword_filter_args", "{{ [1, 2, 3]|join(d='-') }} {{ 'abc'|replace(old='b', new='B') }} {{ 'a'|default(default_value='z') }}")
case("x_sort_mixed_types_error", "{{ [1, 'a']|sort }}")
case("x_max_mixed_types_error", "{{ [1, 'a']|max }}")
case("x_unique_unhashable_error", "{{ [[1], [1]]|unique|list }}")
case("x_strip_chars_methods", "{{ '..a..'.strip('.') }} {{ 'a-b-c'.split('-', maxsplit=1) }} {{ 'a b'.split(sep=none) }}")

# ---------------------------------------------------------------- Unicode casing (full case mapping, final sigma)
case("u_upper_special", "{{ 'straße ﬁne ŉ ǰ ᾳ ı'|upper }} {{ 'straße'.upper() }} {{ 'ǆemal'|capitalize }} {{ 'ßa'.capitalize() }}")
case("u_lower_special", "{{ 'İSTANBUL'|lower }} {{ 'ΟΔΟΣ ΟΔΟΣ. Σ ΑΣ\\'Σ'|lower }} {{ 'ΧΑΟΣ'.lower() }}")
case("u_title_special", "{{ 'ǆungla ßtraße ﬁsh'|title }} {{ 'ǆungla ßtraße ﬁsh'.title() }} {{ 'ΟΔΟΣ ΣΑΣ'.title() }} {{ '😀abc DEF'|title }}")
case("u_case_tests", "{{ 'ª'.islower() }} {{ 'ⓐⓑ'.islower() }} {{ 'Ⓐ'.isupper() }} {{ 'ǅ'.isupper() }} {{ 'ǅ'.islower() }} {{ 'ǅ'.istitle() if false else 'x' }} {{ 'ⅰ' is lower }} {{ 'Ⅰ' is upper }} {{ 'Σ'.swapcase() }} {{ 'aΣ'.swapcase() }}")
case("u_digit_predicates", "{{ '²'.isdigit() }} {{ '²'.isdecimal() }} {{ '½'.isnumeric() }} {{ '½'.isdigit() }} {{ 'a½'.isalnum() }}")

# ---------------------------------------------------------------- chat templates
TEXT = lambda t: {"type": "text", "text": t}
IMAGE = {"type": "image"}
LLAVA_CONVERSATIONS = {
    "single_image": [{"role": "user", "content": [IMAGE, TEXT("What is shown in this image?")]}],
    "text_only": [{"role": "user", "content": [TEXT("Hello!")]}],
    "two_images_text_last": [{"role": "user", "content": [TEXT("Compare"), IMAGE, TEXT("these"), IMAGE]}],
    "multi_turn": [
        {"role": "user", "content": [IMAGE, TEXT("What color is the sky?")]},
        {"role": "assistant", "content": [TEXT("Blue.")]},
        {"role": "user", "content": [TEXT("Are you sure?")]},
    ],
    "system_string": [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": [IMAGE, TEXT("Describe.")]},
    ],
    "system_parts": [
        {"role": "system", "content": [TEXT("You are helpful.")]},
        {"role": "user", "content": [TEXT("Hi")]},
    ],
    "user_string_content": [{"role": "user", "content": "plain string content"}],
    "unicode_and_newlines": [{"role": "user", "content": [TEXT("Línea 1\nLínea 2 — ✓ 😀"), IMAGE]}],
}
LLAVA_TEMPLATES = {
    "llava15": T.LLAVA_15,
    "llava15_legacy": T.LLAVA_15_LEGACY,
    "llava_next_mistral": T.LLAVA_NEXT_MISTRAL,
    "llava_next_llama3": T.LLAVA_NEXT_LLAMA3,
    "llava_interleave_qwen": T.LLAVA_INTERLEAVE_QWEN,
    "qwen2_vl": T.QWEN2_VL,
    "fixture": T.FIXTURE,
}
for template_name, template in LLAVA_TEMPLATES.items():
    for conversation_name, messages in LLAVA_CONVERSATIONS.items():
        for add_generation_prompt in (True, False):
            case(f"chat_{template_name}_{conversation_name}_{'gen' if add_generation_prompt else 'nogen'}", template,
                 messages=messages, add_generation_prompt=add_generation_prompt, bos_token="<s>", eos_token="</s>",
                 tools=None, documents=None)

TEXT_CONVERSATIONS = {
    "basic": [{"role": "user", "content": "Hi there"}],
    "with_system": [{"role": "system", "content": "Be terse."}, {"role": "user", "content": "  Hi  "},
                    {"role": "assistant", "content": " Hello! "}, {"role": "user", "content": "Bye"}],
    "bad_order": [{"role": "assistant", "content": "I speak first"}],
}
TEXT_TEMPLATES = {"llama2": T.LLAMA2, "vicuna": T.VICUNA, "mistral": T.MISTRAL_INSTRUCT, "chatml": T.CHATML,
                  "llama3": T.LLAMA3, "multiline_tools": T.MULTILINE_TOOLS, "mistral_tools": T.MISTRAL_TOOLS}
for template_name, template in TEXT_TEMPLATES.items():
    for conversation_name, messages in TEXT_CONVERSATIONS.items():
        case(f"chat_{template_name}_{conversation_name}", template, messages=messages, add_generation_prompt=True,
             bos_token="<s>", eos_token="</s>", tools=None, documents=None)

WEATHER_TOOL = {"type": "function", "function": {"name": "get_weather", "description": "Get the weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name"}},
                               "required": ["city"]}}}
TOOL_CONVERSATION = [
    {"role": "system", "content": "Use tools."},
    {"role": "user", "content": "Weather in Paris?"},
    {"role": "assistant", "tool_calls": [{"id": "abcdefghi", "type": "function",
                                          "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
    {"role": "tool", "tool_call_id": "abcdefghi", "content": {"temp": 21.5, "unit": "C"}},
    {"role": "assistant", "content": "It is 21.5 °C."},
    {"role": "user", "content": "Thanks"},
]
case("chat_mistral_tools_with_tools", T.MISTRAL_TOOLS, messages=TOOL_CONVERSATION, add_generation_prompt=True,
     bos_token="<s>", eos_token="</s>", tools=[WEATHER_TOOL], documents=None)
case("chat_multiline_tools_with_tools", T.MULTILINE_TOOLS, messages=TOOL_CONVERSATION, add_generation_prompt=True,
     bos_token="<|begin_of_text|>", eos_token="<|eot_id|>", tools=[WEATHER_TOOL], documents=None)
case("chat_multiline_tools_date_given", T.MULTILINE_TOOLS, messages=TEXT_CONVERSATIONS["basic"], add_generation_prompt=False,
     bos_token="<|begin_of_text|>", eos_token="<|eot_id|>", tools=None, documents=None, date_string="1 Jan 2030")


def render(env, template, context):
    try:
        return {"expected": env.from_string(template).render(**context)}
    except Exception as e:  # noqa: BLE001 - every failure is recorded as an expected error
        return {"error": {"type": type(e).__name__, "message": str(e)}}


def main():
    env = make_env()
    out = []
    names = set()
    for name, template, context in CASES:
        assert name not in names, name
        names.add(name)
        out.append({"name": name, "template": template, "context": context, **render(env, template, context)})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jinja_cases.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"generator": "generate_jinja_cases.py", "jinja2_version": jinja2.__version__,
                   "strftime_now": FIXED_NOW.isoformat(), "cases": out}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(out)} cases ({sum('error' in c for c in out)} errors) -> {path}")


if __name__ == "__main__":
    main()
