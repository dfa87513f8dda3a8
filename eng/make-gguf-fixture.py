#!/usr/bin/env python3
"""Regenerates the GGUF fixtures written by llama.cpp's own Python writer (the `gguf` package).

The fixtures let Swarm.Inference's GGUF reader be tested against files that llama.cpp's tooling wrote, not only
against files our own writer wrote. This script only calls the `gguf` package; it contains no GGUF code itself.

Requirements: python3 with numpy (Debian: `apt-get install -y python3-numpy`) and llama.cpp's gguf-py, which ships
in the npm package node-llama-cpp@3.22.1 as a git bundle of the llama.cpp source:

    cd /tmp && npm pack node-llama-cpp@3.22.1 && tar xzf node-llama-cpp-3.22.1.tgz
    git clone package/llama/gitRelease.bundle /tmp/llama.cpp
    /usr/bin/python3 eng/make-gguf-fixture.py /tmp/llama.cpp/gguf-py   # the Debian python3 that has numpy

Output (a few KB each, committed): tests/Swarm.Inference.Tests/Fixtures/gguf-py-sample.gguf (default alignment 32)
and gguf-py-aligned64.gguf (general.alignment = 64). GgufFixtureTests checks every key, value and tensor; keep the two
in step when changing this script.
"""
import os
import sys

import numpy as np


def main() -> int:
    gguf_py = sys.argv[1] if len(sys.argv) > 1 else "/tmp/llama.cpp/gguf-py"
    sys.path.insert(0, gguf_py)
    import gguf  # noqa: E402  (the package from the llama.cpp source)
    from gguf.constants import GGUFValueType, GGMLQuantizationType  # noqa: E402

    out_dir = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "Swarm.Inference.Tests", "Fixtures")
    os.makedirs(out_dir, exist_ok=True)

    def write(name: str, alignment: int | None) -> None:
        path = os.path.join(out_dir, name)
        w = gguf.GGUFWriter(path, arch="llama")
        if alignment is not None:
            w.add_custom_alignment(alignment)
        w.add_name("fixture")
        w.add_uint8("test.u8", 200)
        w.add_int8("test.i8", -100)
        w.add_uint16("test.u16", 60000)
        w.add_int16("test.i16", -30000)
        w.add_uint32("test.u32", 4000000000)
        w.add_int32("test.i32", -2000000000)
        w.add_uint64("test.u64", 18446744073709551615)
        w.add_int64("test.i64", -9223372036854775808)
        w.add_float32("test.f32", 3.25)
        w.add_float64("test.f64", -1e300)
        w.add_bool("test.bool", True)
        w.add_string("test.string", "h\u00e9llo \u2581 w\u00f6rld")
        w.add_array("test.arr_i32", [1, -2, 3])
        w.add_array("test.arr_f32", [0.5, -1.5])
        w.add_array("test.arr_str", ["<unk>", "<s>", "\u2581"])
        w.add_array("test.arr_bool", [True, False])
        w.add_key_value("test.arr_u16", [1, 65535], GGUFValueType.ARRAY, sub_type=GGUFValueType.UINT16)
        w.add_key_value("test.arr_u64", [7, 18446744073709551615], GGUFValueType.ARRAY, sub_type=GGUFValueType.UINT64)
        w.add_key_value("test.arr_f64", [0.25, -2.0], GGUFValueType.ARRAY, sub_type=GGUFValueType.FLOAT64)
        w.add_array("test.arr_nested", [[1, 2], ["x", "y"], [[0.5]]])

        f32 = (np.arange(6, dtype=np.float32) / 10).reshape(2, 3)
        f16 = np.array([0.5, -1.25, 3.0, 65504.0], dtype=np.float16)
        q8_src = np.linspace(-2.0, 2.0, 64, dtype=np.float32).reshape(2, 32)
        q8 = gguf.quants.quantize(q8_src, GGMLQuantizationType.Q8_0)
        w.add_tensor("fixture.f32", f32)
        w.add_tensor("fixture.f16", f16)
        w.add_tensor("fixture.q8_0", q8, raw_dtype=GGMLQuantizationType.Q8_0)

        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_tensors_to_file()
        w.close()
        print(f"wrote {path} ({os.path.getsize(path)} bytes)")

    write("gguf-py-sample.gguf", None)
    write("gguf-py-aligned64.gguf", 64)
    return 0


if __name__ == "__main__":
    sys.exit(main())
