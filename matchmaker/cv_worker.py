"""The CV check and text extraction, run as its own script in a fresh, limited interpreter.

`python -I cv_worker.py MEMORY_MB MAX_PAGES MAX_CHARS CPU_SECONDS` reads the PDF from stdin and writes one
JSON object to stdout: {"text": ..., "pages": n} or {"error": code}. It imports nothing of the app, so
nothing of the app's state (configuration, database, secrets) is within reach of a hostile file.

Active content is found in the parsed objects, never in the bytes alone: a name may be written with
#xx escapes (`/J#61vaScript` is `/JavaScript`), an action may sit on an outline item, on a form field's
parent or on a page that text extraction never reaches. So every object of the file is visited (each
indirect object pypdf knows from the cross-reference data and the file's own object headers, and every
dictionary and array nested in them), bounded in count and time. Only two kinds of action are accepted:
/GoTo (a place in the same document) and /URI with a web, mail or telephone address. Scripts, launch and
form actions, remote and embedded go-to, multimedia and attached files are refused wherever they are.
"""

import io
import json
import re
import sys
import time

OBJECTS_MAX = 100_000
NODES_MAX = 2_000_000

# Actions a CV may carry: a link to a web, mail or phone address, a jump within the document.
SAFE_ACTIONS = {"/URI", "/GoTo"}
SAFE_URI_SCHEMES = {"http", "https", "mailto", "tel"}
# Action types refused wherever they appear, even outside a place where an action is expected.
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/GoTo3DView",
                  "/RichMediaExecute", "/Rendition", "/Movie", "/Sound"}
# Annotations that play media or run their own scripts.
ACTIVE_SUBTYPES = {"/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}
# Keys whose value is an action (or, for /Next, a list of them); /OpenAction and /A may also be a destination
# or (in a structure element) attributes, which are no action and have no /S.
ACTION_KEYS = ("/A", "/OpenAction", "/Next", "/PA")
# A script as an action's value (/JS), the document's script name tree (/JavaScript), an XFA form (scripts).
ACTIVE_KEYS = ("/JS", "/JavaScript", "/XFA")
EMBEDDED_KEYS = ("/EmbeddedFiles", "/EF")


# (number, generation) of the objects the file has; set by check_all_objects.
KNOWN = set()


class Refused(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


class TooComplex(Exception):
    pass


def emit(**result):
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()
    raise SystemExit(0)


def limit_resources(memory_mb, cpu_seconds):
    try:
        import resource

        memory = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    except (ImportError, ValueError, OSError):
        pass


def field(obj, key):
    """The value at `key`, followed if it is a reference (dict.get alone would leave it one)."""
    value = dict.get(obj, key)
    return resolve(value)


def resolve(value):
    """`value`, or the object it refers to; a reference to an object the file does not have is null.

    pypdf would search the whole file for such an object each time it is asked; a few thousand dangling
    references would use up the time, so they are answered here.
    """
    from pypdf.generic import IndirectObject

    if isinstance(value, IndirectObject):
        return value.get_object() if (value.idnum, value.generation) in KNOWN else None
    return value


def check_uri(action):
    uri = field(action, "/URI") or ""
    if isinstance(uri, bytes):
        uri = uri.decode("latin-1")
    uri = re.sub(r"[\x00-\x20\x7f]", "", str(uri))
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", uri)
    if scheme and scheme.group(1).lower() not in SAFE_URI_SCHEMES:
        raise Refused("active")


def check_action(value, key):
    """`value` stands where an action is expected; only plain /GoTo and /URI actions pass."""
    from pypdf.generic import ArrayObject, DictionaryObject

    value = resolve(value)
    if isinstance(value, ArrayObject):
        # A destination (for /OpenAction) or attributes; only /Next holds a list of actions.
        if key == "/Next":
            for item in value[:100]:
                check_action(item, "/A")
        return
    if not isinstance(value, DictionaryObject):
        return
    if "/S" not in value and field(value, "/Type") != "/Action":
        return
    kind = field(value, "/S")
    if kind not in SAFE_ACTIONS:
        raise Refused("active")
    if kind == "/URI":
        check_uri(value)


def check_dictionary(obj):
    """Refuse `obj` (a dictionary, stream or not) if it is, holds or triggers active content."""
    kind, subtype = field(obj, "/S"), field(obj, "/Subtype")
    if kind in ACTIVE_ACTIONS or subtype in ACTIVE_SUBTYPES:
        raise Refused("active")
    if any(key in obj for key in ACTIVE_KEYS):
        raise Refused("active")
    if any(key in obj for key in EMBEDDED_KEYS) or subtype == "/FileAttachment" \
            or field(obj, "/Type") == "/EmbeddedFile":
        raise Refused("embedded")
    for key in ACTION_KEYS:
        if key in obj:
            check_action(dict.get(obj, key), key)
    triggers = field(obj, "/AA")
    if triggers is not None:
        if isinstance(triggers, dict):
            for trigger in list(dict.values(triggers))[:100]:
                check_action(trigger, "/A")


def object_numbers(reader, data):
    """(number, generation) of every indirect object: from the cross-reference data and the file's headers."""
    numbers = set()
    for generation, entries in reader.xref.items():
        numbers.update((number, generation) for number in entries)
    numbers.update((number, 0) for number in reader.xref_objStm)
    # Objects a viewer could find by its own repair (a broken or incomplete cross-reference table).
    for match in re.finditer(rb"(?<![0-9])([0-9]{1,10})\s+([0-9]{1,5})\s+obj\b", data):
        numbers.add((int(match.group(1)), int(match.group(2))))
    return sorted(numbers)


def check_all_objects(reader, data, seconds):
    """Visit every object of the file once; raises Refused or TooComplex."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    deadline = time.monotonic() + seconds
    KNOWN.update(object_numbers(reader, data))
    if len(KNOWN) > OBJECTS_MAX:
        raise TooComplex()
    # Every indirect object is visited from this list, so references met on the way need not be followed.
    pending = sorted(KNOWN)
    nodes = 0
    stack = [reader.trailer]
    while stack or pending:
        if not stack:
            if time.monotonic() > deadline:
                raise TooComplex()
            number, generation = pending.pop()
            try:
                stack.append(reader.get_object(IndirectObject(number, generation, reader)))
            except Exception:
                # Only a number found in the bytes (not in the cross-reference data) may fail to read.
                if number in reader.xref.get(generation, {}) or number in reader.xref_objStm:
                    raise
                continue
        obj = stack.pop()
        nodes += 1
        if nodes > NODES_MAX or (nodes % 1000 == 0 and time.monotonic() > deadline):
            raise TooComplex()
        if isinstance(obj, DictionaryObject):
            check_dictionary(obj)
            stack.extend(dict.values(obj))
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


def main():
    memory_mb, max_pages, max_chars, cpu = (int(arg) for arg in sys.argv[1:5])
    limit_resources(memory_mb, cpu)
    data = sys.stdin.buffer.read()
    # Cheap first: script and launch names written plainly in the file's bytes (outside compressed streams).
    if re.search(rb"/(JavaScript|JS|Launch)\b", data):
        emit(error="active")
    try:
        import logging
        import warnings

        logging.disable(logging.CRITICAL)
        warnings.simplefilter("ignore")
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            emit(error="encrypted")
        # Half of the CPU budget for the walk, the rest for reading the text.
        check_all_objects(reader, data, max(0.5, cpu / 2))
        page_count = len(reader.pages)
        if page_count == 0:
            emit(error="invalid")
        texts, total = [], 0
        for number, page in enumerate(reader.pages):
            if number >= max_pages:
                break
            text = page.extract_text() or ""
            texts.append(text.strip())
            total += len(text)
            if total >= max_chars:
                break
        emit(text="\n\n".join(t for t in texts if t)[:max_chars], pages=page_count)
    except Refused as refused:
        emit(error=refused.code)
    except (TooComplex, MemoryError, RecursionError):
        emit(error="too_complex")
    except SystemExit:
        raise
    except Exception as exc:
        # pypdf's own guards against decompression bombs and runaway structures raise LimitReachedError.
        emit(error="too_complex" if type(exc).__name__ == "LimitReachedError" else "invalid",
             detail=type(exc).__name__)


if __name__ == "__main__":
    main()
