#!/usr/bin/env python3
"""Writes the small hand-made seeds of fuzz/corpus/<target>/ (committed; rerun to regenerate).
Larger seeds come from ../shared/fixtures at campaign time (scripts/fuzz-corpus)."""
import json, os, struct, sys

HERE = os.path.dirname(os.path.abspath(__file__))

def put(target, name, data):
    d = os.path.join(HERE, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

def safetensors(tensors, metadata=None):
    header, blob = {}, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, (dtype, shape, data) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(blob), len(blob) + len(data)]}
        blob += data
    h = json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + blob

put("safetensors_header", "two_tensors", safetensors({
    "a.weight": ("F32", [2, 2], struct.pack("<4f", 1, 2, 3, 4)),
    "b.bias": ("BF16", [3], b"\x80\x3f" * 3)}, {"format": "pt"}))
put("safetensors_header", "empty_and_scalar", safetensors({
    "e": ("F16", [0, 4], b""), "s": ("I64", [], struct.pack("<q", -1)), "m": ("BOOL", [2], b"\x01\x00")}))

put("safetensors_index", "one_shard", json.dumps({"metadata": {"total_size": 4},
    "weight_map": {"w": "model-00001-of-00001.safetensors"}}))
put("safetensors_index", "missing_shard", json.dumps({"metadata": {},
    "weight_map": {"w": "model-00001-of-00001.safetensors", "v": "../model-00002-of-00002.safetensors"}}))

put("config_json", "llama", json.dumps({"architectures": ["LlamaForCausalLM"], "model_type": "llama",
    "vocab_size": 32, "hidden_size": 16, "num_hidden_layers": 2, "num_attention_heads": 4,
    "num_key_value_heads": 2, "intermediate_size": 32, "max_position_embeddings": 64,
    "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "hidden_act": "silu", "eos_token_id": [1, 2],
    "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                     "high_freq_factor": 4.0, "original_max_position_embeddings": 32}}))

# Pickles: a protocol-2 state dict of one tensor, as torch.save writes into data.pkl.
def pickle_state_dict():
    p = b"\x80\x02" + b"ccollections\nOrderedDict\nq\x00)Rq\x01"
    p += b"X\x01\x00\x00\x00wq\x02"
    p += b"ctorch._utils\n_rebuild_tensor_v2\nq\x03((X\x07\x00\x00\x00storageq\x04ctorch\nFloatStorage\nq\x05X\x01\x00\x00\x000q\x06X\x03\x00\x00\x00cpuq\x07K\x04tq\x08QK\x00K\x02K\x02\x86q\tK\x02K\x01\x86q\n\x89ccollections\nOrderedDict\nq\x0b)Rq\x0ctq\rRq\x0es}q\x0f."
    return p
put("pickle", "state_dict", pickle_state_dict())
put("pickle", "containers", b"\x80\x02}q\x00(X\x01\x00\x00\x00aq\x01]q\x02(K\x01M\x00\x01J\xff\xff\xff\xffG?\xf0\x00\x00\x00\x00\x00\x00\x88\x89NeX\x01\x00\x00\x00bq\x03C\x02hih\x01h\x02\x87q\x04\x8a\x02\x00\x01u.")

put("chat_template", "chatml", "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] | trim + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
put("chat_template", "macros", "{%- macro m(x, y=2) -%}{{ x ~ y }}{%- endmacro -%}{% set ns = namespace(n=0) %}{% for m2 in messages | selectattr('role', 'equalto', 'user') %}{% set ns.n = ns.n + 1 %}{{ m(loop.index) }}{{ m2.content | tojson }}{{ m2.get('tool_calls', [])|length }}{% endfor %}{{ ns.n }}{{ strftime_now('%d %b %Y') }}{{ (messages|last).content[1:3] | upper }}{{ '%s-%d' % ('a', 3) }}{% if not messages %}{{ raise_exception('empty') }}{% endif %}")

put("tokenizer_config", "string_template", json.dumps({"add_bos_token": True, "add_eos_token": False,
    "bos_token": "<s>", "eos_token": {"content": "</s>", "lstrip": False}, "pad_token": None,
    "unk_token": "<unk>", "clean_up_tokenization_spaces": False,
    "chat_template": "{{ bos_token }}{% for m in messages %}{{ m.content }}{{ eos_token }}{% endfor %}"}))
put("tokenizer_config", "named_templates", json.dumps({"chat_template": [
    {"name": "default", "template": "{{ messages[0].content }}"}, {"name": "tool_use", "template": "x"}],
    "added_tokens_decoder": {"5": {"content": "<s>", "special": True}}}))

put("trainer_state", "trl", json.dumps({"global_step": 20, "epoch": 1.0, "log_history": [
    {"loss": 0.6931, "grad_norm": 1.5, "learning_rate": 5e-7, "rewards/chosen": 0.01, "rewards/rejected": -0.02,
     "rewards/accuracies": 0.5, "rewards/margins": 0.03, "epoch": 0.5, "step": 10},
    {"eval_loss": 0.65, "eval_rewards/chosen": 0.1, "eval_runtime": 1.2, "epoch": 0.5, "step": 10},
    {"train_runtime": 100.5, "total_flos": 0.0, "train_loss": 0.61, "epoch": 1.0, "step": 20}]}).replace("0.0,", "NaN,"))

put("jsonl_log", "llamafactory", "\n".join([
    '{"current_steps": 5, "total_steps": 20, "loss": 0.6931, "accuracy": 0.0, "lr": 4.5e-06, "epoch": 0.25, "percentage": 25.0, "elapsed_time": "0:00:12", "remaining_time": "0:00:36"}',
    '{"current_steps": 10, "total_steps": 20, "eval_loss": 0.6512, "epoch": 0.5, "elapsed_time": "1 day, 1:02:03", "remaining_time": "0:00:30"}']) + "\n")
put("jsonl_log", "wandb", "\n".join([
    '{"_step": 0, "_timestamp": 1700000000.5, "train/loss": 0.69, "train/rewards/chosen": 0.015625, "_wandb": {"runtime": 2}, "tags": ["a", "b"]}',
    '{"_step": 1, "_timestamp": 1700000001.5, "train/loss": NaN, "x": -Infinity, "note": "text \\"q\\" \\u00e9 \\ud83d\\ude00"}',
    '{"rewards_train/chosen": -0.5, "loss/train": 0.7, "counters/examples": 64, "counters/updates": 1}']) + "\r\n")

put("csv_log", "wandb_export", 'Step,"run_dpo - train/loss","run_dpo - train/loss__MIN",run_dpo - train/loss__MAX\n10,0.6931,0.6,0.7\n20,0.5,,\n30,"1e-3",nan,inf\n')
put("csv_log", "hf_csv_logger", "step,epoch,loss,rewards/chosen,eval_loss,wall_time\n1,0.1,0.69,0.0,,1700000000\n2,0.2,0.68,0.01,0.7,1700000001.5\n")
put("csv_log", "single_column", "Wall time,Step,Value\n1700000000.25,10,0.6931\n1700000010.75,20,0.5\n")

put("dpo_stdout", "reference", "building policy\n"
    "train stats after 64 examples: {'rewards_train/chosen': '0.0012', 'rewards_train/rejected': '-0.0031', "
    "'rewards_train/accuracies': '0.5625', 'loss/train': '0.69', 'examples_per_second': '12.3', "
    "'counters/examples': 64, 'counters/updates': 1}\n"
    "Running evaluation after 128 train examples\n"
    "eval after 128: {'rewards_eval/chosen': '-0.05', 'rewards_eval/rejected': '-0.1', 'loss/eval': '0.68'}\n"
    "skipping logging after 192 examples to avoid logging too frequently\n")

# TensorBoard: TFRecord frames of Event protos (tests/core/tst_log_helpers.h writes the same).
def crc32c(data):
    crc = 0xffffffff
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82f63b78 & -(crc & 1))
    return crc ^ 0xffffffff
def mask(c): return ((((c >> 15) | (c << 17)) & 0xffffffff) + 0xa282ead8) & 0xffffffff
def varint(n):
    out = b""
    while True:
        b = n & 0x7f; n >>= 7
        if n: out += bytes([b | 0x80])
        else: return out + bytes([b])
def field_bytes(no, data): return varint(no << 3 | 2) + varint(len(data)) + data
def field_double(no, v): return varint(no << 3 | 1) + struct.pack("<d", v)
def field_float(no, v): return varint(no << 3 | 5) + struct.pack("<f", v)
def field_int(no, v): return varint(no << 3) + varint(v)
def record(data):
    l = struct.pack("<Q", len(data))
    return l + struct.pack("<I", mask(crc32c(l))) + data + struct.pack("<I", mask(crc32c(data)))
def scalar(wall, step, tag, v):
    value = field_bytes(1, tag.encode()) + field_float(2, v)
    return record(field_double(1, wall) + field_int(2, step) + field_bytes(5, field_bytes(1, value)))
def tensor(wall, step, tag, v, dtype=1):
    t = field_int(1, dtype) + field_bytes(2, b"") + field_bytes(5, struct.pack("<f", v))
    meta = field_bytes(1, field_bytes(1, b"scalars"))
    value = field_bytes(1, tag.encode()) + field_bytes(8, t) + field_bytes(9, meta)
    return record(field_double(1, wall) + field_int(2, step) + field_bytes(5, field_bytes(1, value)))
version = record(field_double(1, 1700000000.0) + field_bytes(3, b"brain.Event:2"))
put("tensorboard", "scalars", version + scalar(1700000001.0, 10, "train/loss", 0.69) + scalar(1700000002.0, 20, "eval/loss", 0.5))
put("tensorboard", "tensors", version + tensor(1700000001.0, 10, "train/rewards/chosen", 0.25) + tensor(1700000002.0, 11, "half", 1.5, 19))

put("preference_jsonl", "pairs", "\n".join([
    json.dumps({"prompt": "Q: 2+2?", "chosen": " 4", "rejected": " 5"}),
    json.dumps({"prompt": [{"role": "user", "content": "hi"}], "chosen": [{"role": "assistant", "content": "hello"}],
                "rejected": [{"role": "assistant", "content": "go away"}]}),
    json.dumps({"chosen": "\n\nHuman: a\n\nAssistant: b", "rejected": "\n\nHuman: a\n\nAssistant: c"}),
    "not json", ""]))

put("session", "full", json.dumps({"format": "creditlens-session", "version": 1, "policy": "/m/policy",
    "reference": "/m/ref", "prompt": "p \u00e9", "response": "r", "rejected_response": "x", "compare": True,
    "beta": 0.1, "template": "tldr", "color_pinned": True, "color_limit": 2.5,
    "preferences_file": "/d/pairs.jsonl", "preference_index": 3}, indent=4))

# The scoring server's wire format: requests as CreditLens's client and vLLM clients send them,
# and replies as CreditLens and vLLM 0.6.3 answer.
put("server_request", "completion", json.dumps({"model": "policy", "prompt": [1, 450, 13, 50303],
    "max_tokens": 0, "prompt_logprobs": 0, "creditlens_ranks": False, "creditlens_from": 2}))
put("server_request", "echo", json.dumps({"model": "reference", "prompt": [[5, 0, 311]],
    "max_tokens": 0, "echo": True, "logprobs": 5, "return_tokens_as_token_ids": True}))
put("server_request", "beam", json.dumps({"prompt": [10, 11, 12], "width": 4, "max_tokens": 16,
    "min_tokens": 2, "num_return": 2, "beta": 0.25, "length_penalty": 0.8,
    "early_stopping": "never", "no_repeat_ngram": 3, "eos_ids": [0, 2]}))
put("server_request", "beam_reply", json.dumps({"object": "creditlens.beams", "beams": [
    {"ids": [5, 7, 0], "score": -1.5, "sum_logprob": -4.5, "finished": True,
     "logp_policy": [-1.0, -2.0, -1.5], "logp_ref": [-1.2, -2.5, -1.0], "rewards": [0.02, 0.05, -0.05],
     "reward_sum": 0.02}], "usage": {"prompt_tokens": 3, "completion_tokens": 3}}))
put("server_request", "prompt_logprobs_reply", json.dumps({"id": "cmpl-9", "object": "text_completion",
    "choices": [{"index": 0, "text": "", "logprobs": None, "finish_reason": "length",
                 "prompt_logprobs": [None, {"450": {"logprob": -2.5, "rank": 3, "decoded_token": " a"}},
                                     {"13": {"logprob": -0.25, "rank": 1, "decoded_token": "."}},
                                     {"50303": {"logprob": -9.0, "rank": 900, "decoded_token": "x"}}]}]}))
put("server_request", "alternatives", json.dumps({"prompt": [10, 11, 12], "token": 13, "k": 10,
    "beta": 0.1, "vocab": 50277}))
put("server_request", "alternatives_reply", json.dumps({"object": "creditlens.alternatives",
    "by_reward": [{"id": 13, "logp_policy": -0.5, "logp_ref": -1.5, "reward": 0.1, "plausible": True}],
    "by_policy": [{"id": 7, "logp_policy": -0.1, "logp_ref": -0.2, "reward": 0.01, "plausible": True}]}))
put("server_request", "beam_trace_reply", json.dumps({"object": "creditlens.beams", "beams": [
    {"ids": [5, 0], "score": -1.0, "sum_logprob": -2.0, "finished": True, "logp_policy": [-1.5, -0.5],
     "logp_ref": [-1.0, -0.7], "rewards": [-0.05, 0.02], "reward_sum": -0.03}],
    "trace": {"width": 2, "scored": True,
              "steps": [{"nodes": [[-1, 0, 0, 5, 0, -1.5, -1.5, -1.0, -0.05], [-1, 0, 1, 9, 0, -2.0, -2.0, None, None],
                                   [-1, 0, 2, 3, 2, -3.0, -3.0, -2.5, -0.05]], "beam_rows": [0, 1]},
                        {"nodes": [[0, 0, 0, 0, 1, -0.5, -2.0, -0.7, 0.02], [1, 1, 1, 4, 2, -1.0, -3.0, -1.1, 0.01]],
                         "beam_rows": []}],
              "finals": [[1, 0]]}}))
