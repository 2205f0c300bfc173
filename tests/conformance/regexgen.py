"""Strings that match a Smithy @pattern, for the conformance driver.

Smithy patterns are ECMA-262 regexes, matched as a *search* (not anchored unless the pattern says
so). We parse them with Python's own regex parser (close enough for the patterns AWS models use),
generate a string by walking the parse tree, and then check the result with `re.search`, so a
string is only ever used when Python agrees it matches. Character classes prefer printable ASCII
(and letters/digits most of all), so a generated value is also plain for any other regex engine.

Unicode property escapes (`\\p{L}` and friends) are not Python syntax; they are replaced by an
ASCII subset of the property before parsing (a letter from a-z is a `\\p{L}`), which keeps the
generated string valid for the original pattern.
"""
import re
import string
import warnings

try:  # Python 3.11+
    import re._parser as sre_parse
    import re._constants as C
except ImportError:  # pragma: no cover
    import sre_parse
    import sre_constants as C

PRINTABLE = [chr(c) for c in range(0x20, 0x7F)]
ALNUM = set(string.ascii_letters + string.digits)

# ASCII stand-ins for Unicode properties (Unicode general categories, Java's POSIX-like names):
# each is a subset of the property, so a character drawn from it has the property.
_PROPS = {
    "L": "a-zA-Z", "Letter": "a-zA-Z", "Lu": "A-Z", "Ll": "a-z", "Alpha": "a-zA-Z", "IsAlphabetic": "a-zA-Z",
    "IsLetter": "a-zA-Z", "Upper": "A-Z", "Lower": "a-z", "IsUppercase": "A-Z", "IsLowercase": "a-z",
    "N": "0-9", "Nd": "0-9", "Number": "0-9", "Digit": "0-9", "IsDigit": "0-9", "XDigit": "0-9a-fA-F",
    "LD": "a-zA-Z0-9", "Alnum": "a-zA-Z0-9", "Graph": "a-zA-Z0-9", "Print": "a-zA-Z0-9 ", "ASCII": "a-zA-Z0-9 ",
    "Z": " ", "Zs": " ", "Space": " \\t", "IsWhite_Space": " \\t", "IsWhitespace": " \\t", "Blank": " \\t",
    "P": ".,!?_\\-", "Punct": ".,!?_\\-", "Pc": "_", "Pd": "\\-", "Po": ".,!?", "S": "+=$", "Sm": "+=",
    "C": "\\x00-\\x1f\\x7f", "Cc": "\\x00-\\x1f\\x7f", "Cntrl": "\\x00-\\x1f\\x7f",
    "all": " -~", "M": "", "Mn": "",
}
_PROP_RE = re.compile(r"\\([pP])(?:\{([A-Za-z_]+)\}|([LNZPSMC]))")
_SURROGATE_PAIR = re.compile(r"\\u(D[89AB][0-9A-Fa-f]{2})\\u(D[C-F][0-9A-Fa-f]{2})", re.I)
_CLASS_ESCAPES = ("\\w", "\\W", "\\d", "\\D", "\\s", "\\S", "\\p", "\\P", "\\h")
_QUANT_AFTER_DOLLAR = re.compile(r"\$\{\d+(,\d*)?\}")
# Java accepts a quantified quantifier ("[a-z]{11}{0,1011}" = ([a-z]{11}){0,1011}); Python does not.
_DOUBLE_QUANT = re.compile(r"(\[(?:\\.|[^\]\\])*\]|\\.|[^\\()\[\]])(\{\d+(?:,\d*)?\})(\{\d+(?:,\d*)?\})")


class Unsupported(Exception):
    pass


def _negated_subset(sub):
    """Printable ASCII characters outside the class body `sub`, as a class body."""
    rx = re.compile(f"[{sub}]") if sub else None
    chars = [c for c in PRINTABLE if rx is None or not rx.match(c)]
    return "".join(re.escape(c) if c in "\\]^-[" else c for c in chars)


def to_python(pattern):
    """(compiled python regex, python pattern text) for an ECMA/Java-style pattern, or raises Unsupported."""
    out = []
    i = 0
    n = len(pattern)
    in_class = False
    class_start = 0
    prev_escape = False  # the previous token in a class was a class escape (\w, \d, ...)
    flags = ""
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            m = _PROP_RE.match(pattern, i)
            if m:
                neg, name = m.group(1) == "P", m.group(2) or m.group(3)
                sub = _PROPS.get(name)
                if sub is None:
                    raise Unsupported(f"unicode property {name}")
                if neg:
                    sub = _negated_subset(sub)
                if in_class:
                    out.append(sub)
                elif sub:
                    out.append(f"[{sub}]")
                else:
                    raise Unsupported(f"unicode property {name} has no ASCII member")
                i = m.end()
                prev_escape = True
                continue
            nxt = pattern[i + 1]
            m = _SURROGATE_PAIR.match(pattern, i)
            if m:  # a UTF-16 surrogate pair written as two escapes: one code point
                hi_s, lo_s = int(m.group(1), 16), int(m.group(2), 16)
                out.append("\\U%08x" % (0x10000 + ((hi_s - 0xD800) << 10) + (lo_s - 0xDC00)))
                i = m.end()
                prev_escape = False
                continue
            if nxt in "ux" and pattern[i + 2:i + 3] == "{":
                j = pattern.index("}", i)
                out.append("\\U%08x" % int(pattern[i + 3:j], 16))
                i = j + 1
                prev_escape = False
                continue
            if nxt == "z":
                out.append("\\Z")
            elif nxt == "h":
                out.append(" \\t" if in_class else "[ \\t]")
            else:
                out.append(pattern[i:i + 2])
            prev_escape = pattern[i:i + 2] in _CLASS_ESCAPES
            i += 2
            continue
        if in_class:
            if ch == "]" and i > class_start:
                in_class = False
                out.append(ch)
            elif ch == "-" and (prev_escape or pattern.startswith(_CLASS_ESCAPES, i + 1)):
                out.append("\\-")
            elif ch == "[" or (ch in "&|~" and pattern[i + 1:i + 2] == ch):
                out.append("\\" + ch)
            else:
                out.append(ch)
            prev_escape = False
            i += 1
            continue
        if ch == "[":
            in_class = True
            out.append(ch)
            i += 1
            if pattern[i:i + 1] == "^":
                out.append("^")
                i += 1
            class_start = i
            prev_escape = False
            continue
        if ch == "(" and pattern.startswith("(?i)", i):
            flags = "(?i)"
            i += 4
            continue
        if ch == "$":
            m = _QUANT_AFTER_DOLLAR.match(pattern, i)
            if m:  # "${1,128}": a quantified assertion; the quantifier means nothing
                out.append("$")
                i = m.end()
                continue
        out.append(ch)
        i += 1
    py = flags + "".join(out)
    py = _DOUBLE_QUANT.sub(lambda m: f"(?:{m.group(1)}{m.group(2)}){m.group(3)}", py)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.compile(py), py
    except re.error as e:
        raise Unsupported(f"python re: {e}")


def _cat_match(cat, ch):
    o = ord(ch)
    if cat in (C.CATEGORY_DIGIT, C.CATEGORY_UNI_DIGIT):
        return ch.isdigit() if o > 127 else "0" <= ch <= "9"
    if cat in (C.CATEGORY_NOT_DIGIT, C.CATEGORY_UNI_NOT_DIGIT):
        return not _cat_match(C.CATEGORY_DIGIT, ch)
    if cat in (C.CATEGORY_SPACE, C.CATEGORY_UNI_SPACE):
        return ch.isspace()
    if cat in (C.CATEGORY_NOT_SPACE, C.CATEGORY_UNI_NOT_SPACE):
        return not ch.isspace()
    if cat in (C.CATEGORY_WORD, C.CATEGORY_UNI_WORD, C.CATEGORY_LOC_WORD):
        return ch.isalnum() or ch == "_"
    if cat in (C.CATEGORY_NOT_WORD, C.CATEGORY_UNI_NOT_WORD, C.CATEGORY_LOC_NOT_WORD):
        return not (ch.isalnum() or ch == "_")
    if cat in (C.CATEGORY_LINEBREAK, C.CATEGORY_UNI_LINEBREAK):
        return ch == "\n"
    if cat in (C.CATEGORY_NOT_LINEBREAK, C.CATEGORY_UNI_NOT_LINEBREAK):
        return ch != "\n"
    return False


def _class_match(items, ch):
    negate = False
    hit = False
    o = ord(ch)
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            hit |= o == av
        elif op is C.RANGE:
            hit |= av[0] <= o <= av[1]
        elif op is C.CATEGORY:
            hit |= _cat_match(av, ch)
        if hit:
            break
    return hit != negate


class _Gen:
    def __init__(self, rng, stretch, avoid):
        self.rng = rng
        self.stretch = stretch
        self.avoid = avoid  # characters not to use when there is a choice
        self.groups = {}

    def pick_char(self, match, key=None):
        """A character accepted by match(); `key` (hashable) caches the candidate pools."""
        pools = _POOLS.get((key, self.avoid)) if key is not None else None
        if pools is None:
            pool = [c for c in PRINTABLE if c not in self.avoid and match(c)]
            alnum = [c for c in pool if c in ALNUM]
            other = None
            if not pool:
                for c in "\t\n":
                    if match(c) and c not in self.avoid:
                        other = c
                        break
                else:
                    for o in list(range(0xA1, 0x250)) + list(range(0x3041, 0x3097)):
                        if match(chr(o)):
                            other = chr(o)
                            break
            pools = (pool, alnum, other)
            if key is not None:
                _POOLS[(key, self.avoid)] = pools
        pool, alnum, other = pools
        if pool:
            if alnum and self.rng.random() < 0.8:
                return self.rng.choice(alnum)
            return self.rng.choice(pool)
        if other is not None:
            return other
        raise Unsupported("no usable character in class")

    def seq(self, items):
        return "".join(self.one(op, av) for op, av in items)

    def one(self, op, av):
        rng = self.rng
        if op is C.LITERAL:
            return chr(av)
        if op is C.NOT_LITERAL:
            return self.pick_char(lambda c: ord(c) != av, ("not", av))
        if op is C.ANY:
            return self.pick_char(lambda c: c != "\n", ("any",))
        if op is C.IN:
            return self.pick_char(lambda c: _class_match(av, c), ("in", id(av)))
        if op is C.CATEGORY:
            return self.pick_char(lambda c: _cat_match(av, c), ("cat", av))
        if op is C.AT:
            return ""
        if op is C.BRANCH:
            alts = av[1]
            return self.seq(rng.choice(alts))
        if op is C.SUBPATTERN:
            group, _add, _del, p = av
            s = self.seq(p)
            if group is not None:
                self.groups[group] = s
            return s
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
            lo, hi, p = av
            top = lo + 3 + self.stretch
            if hi is not C.MAXREPEAT:
                top = min(top, hi)
            n = rng.randint(lo, top) if self.stretch >= 0 else lo  # stretch -1: shortest
            if self.stretch > 0:
                n = max(n, min(top, lo + self.stretch))
            return "".join(self.seq(p) for _ in range(n))
        if op in (C.ASSERT, C.ASSERT_NOT):
            return ""  # lookaround: the final check decides
        if op is C.GROUPREF:
            return self.groups.get(av, "")
        if op is getattr(C, "ATOMIC_GROUP", None):
            return self.seq(av)
        if op is C.GROUPREF_EXISTS:
            group, yes, no = av
            return self.seq(yes if group in self.groups else (no or []))
        raise Unsupported(f"regex op {op}")


_cache = {}
_POOLS = {}  # (class key, avoided chars) -> candidate characters; trees live in _cache forever


def compile_pattern(pattern):
    """(compiled python regex, parse tree) or raises Unsupported; cached."""
    if pattern not in _cache:
        try:
            rx, py = to_python(pattern)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = sre_parse.parse(py)
            _cache[pattern] = (rx, list(tree))
        except Unsupported as e:
            _cache[pattern] = e
        except Exception as e:  # noqa: BLE001 - any parser failure means "unsupported"
            _cache[pattern] = Unsupported(str(e))
    v = _cache[pattern]
    if isinstance(v, Exception):
        raise v
    return v


def generate(pattern, rng, min_len=0, max_len=None, accept=None, avoid=""):
    """A string matching `pattern` (search semantics) with min_len <= len <= max_len and
    accept(s) true; raises Unsupported when none is found in a bounded number of tries."""
    rx, tree = compile_pattern(pattern)
    stretch, low, high = 0, 0, None  # bisect the stretch between too short and too long
    for _ in range(80):
        try:
            s = _Gen(rng, stretch, avoid).seq(tree)
        except RecursionError:
            raise Unsupported("recursion")
        if len(s) < min_len:
            low = stretch + 1
            stretch = min(8192, low * 2) if high is None else rng.randint(low, max(low, high))
            continue
        if max_len is not None and len(s) > max_len:
            high = max(-1, stretch - 1)
            low = min(low, high)
            stretch = rng.randint(low, high)
            continue
        if accept is not None and not accept(s):
            continue
        if rx.search(s):
            return s
    raise Unsupported("no string of the right length found")


def canned(pattern, min_len=0, max_len=None, accept=None):
    """Hand-made candidates for patterns the generator cannot satisfy (lookaheads): ARNs built
    from the words in the pattern, account ids, passwords; the first that matches, or None."""
    try:
        rx, _ = compile_pattern(pattern)
    except Unsupported:
        return None
    words = [w for w in dict.fromkeys(re.findall(r"[a-z][a-z0-9-]{1,30}", pattern)) if w not in ("arn", "aws")]
    cands = []
    for w in words[:6]:
        for r in words[:6] + ["resource"]:
            cands += [f"arn:aws:{w}:us-east-1:123456789012:{r}/{w[:2]}-0123456789abcdef0",
                      f"arn:aws:{w}:us-east-1:123456789012:{r}/abc123", f"arn:aws:{w}:::{r}/abc123"]
    cands += ["123456789012", "Abcdef12!", "Abcdefgh1234!@", "abc123", "a", "0"]
    for c in cands:
        if len(c) >= min_len and (max_len is None or len(c) <= max_len) and (accept is None or accept(c)) \
                and rx.search(c):
            return c
    return None


def matches(pattern, s):
    try:
        rx, _ = compile_pattern(pattern)
    except Unsupported:
        return None
    return rx.search(s) is not None
