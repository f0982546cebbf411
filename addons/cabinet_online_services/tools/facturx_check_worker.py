"""The Factur-X checker process: started by ``facturx_checker.py``, never imported by Odoo.

It lifts its address-space limit to the hard limit (an Odoo server sets only the soft one,
``limit_memory_hard``, which Saxon's native image cannot start under), compiles the XSD and
both schematrons once (``facturx_validation.py``), says it is ready, then answers
requests until its input closes. Frames on the pipes (lengths are 4-byte big-endian):

- request: the number of documents, then each document as its length and its bytes;
- answer: the length and the bytes of a JSON value, ``{"ready": pid}`` once started, then
  per request the list of each document's problems (``[[rule, message], ...]``), or
  ``{"error": text}`` if the request could not be checked.
"""

import importlib.util
import json
import os
import resource
import struct
import sys
from pathlib import Path

VALIDATION = Path(__file__).resolve().parent / "facturx_validation.py"
SIZE = struct.Struct(">I")


def lift_address_space_limit():
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def load_validation():
    """The validation module, loaded from its file: the addon's package would import Odoo."""
    spec = importlib.util.spec_from_file_location("cabinet_facturx_validation", VALIDATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_exactly(stream, size):
    data = stream.read(size)
    if len(data) != size:
        raise EOFError
    return data


def read_request(stream):
    (count,) = SIZE.unpack(read_exactly(stream, SIZE.size))
    documents = []
    for _index in range(count):
        (size,) = SIZE.unpack(read_exactly(stream, SIZE.size))
        documents.append(read_exactly(stream, size))
    return documents


def write_answer(stream, value):
    data = json.dumps(value).encode()
    stream.write(SIZE.pack(len(data)) + data)
    stream.flush()


def main():
    # The answers get a pipe of their own: anything a library prints goes to stderr.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    requests = sys.stdin.buffer
    lift_address_space_limit()
    validator = load_validation().Validator()
    write_answer(answers, {"ready": os.getpid()})
    while True:
        try:
            documents = read_request(requests)
        except EOFError:
            return 0
        try:
            write_answer(answers, [validator.problems(xml) for xml in documents])
        except Exception as error:  # told to the caller, the process goes on
            write_answer(answers, {"error": f"{type(error).__name__}: {error}"})


if __name__ == "__main__":
    sys.exit(main())
