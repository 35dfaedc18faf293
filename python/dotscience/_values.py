"""What a run accepts: names, annotation values and metric values, checked before anything is kept.

Every check raises at the call that gave the bad value, naming it and saying what to do, so a bad
value never reaches a run block or the hub: nothing is written for it.
"""

import math
import os
import numbers

MAX_NAME = 1024
"""The longest name the event catalogue records (characters)."""

MAX_VALUE = 64 * 1024
"""The longest parameter, summary or label value as text (characters); larger things are data: declare them as outputs."""

MAX_SAFE_INTEGER = 2**53 - 1
"""Integers beyond this lose precision as JSON numbers (the hub and the runner are JavaScript)."""


class DotscienceValueError(ValueError):
    """A name or value dotscience cannot record. Nothing was recorded for it."""


class DotscienceTypeError(TypeError):
    """A name or value of a type dotscience cannot record. Nothing was recorded for it."""


def check_name(what, name):
    """``name`` as recorded: a non-empty string of at most MAX_NAME characters."""
    if not isinstance(name, str):
        raise DotscienceTypeError(
            "%s names must be strings, not %s %s: pass str(name) if you mean its text" % (what, type(name).__name__, _short(name))
        )
    if name == "" or len(name) > MAX_NAME:
        raise DotscienceValueError("%s name %s must have 1 to %d characters" % (what, _short(name), MAX_NAME))
    return name


def check_text_value(what, name, value):
    """The text the original library records for an annotation value: ``str(value)``, finite and of sane size."""
    if isinstance(value, float) and not math.isfinite(value):
        raise DotscienceValueError("%s %r is %r: record a finite number (or a string saying what it means)" % (what, name, value))
    try:
        text = str(value)
    except ValueError as error:  # e.g. an int with more digits than Python converts
        raise DotscienceValueError("%s %r cannot be written as text (%s): record a smaller value" % (what, name, error))
    if len(text) > MAX_VALUE:
        raise DotscienceValueError(
            "%s %r is %d characters long, more than %d: record large things as data (ds.output(path)), not as a %s"
            % (what, name, len(text), MAX_VALUE, what)
        )
    return text


def check_metric_value(name, value):
    """A metric point's value: a finite real number (Python or numpy), as a JSON number that keeps its precision."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise DotscienceTypeError(
            "metric %r must be a number, not %s %s: record text with ds.summary() or ds.label()" % (name, type(value).__name__, _short(value))
        )
    if isinstance(value, numbers.Integral):
        number = int(value)
        if abs(number) > MAX_SAFE_INTEGER:
            raise DotscienceValueError(
                "metric %r is %s, beyond +/-2**53-1 where JSON numbers lose precision: record it as a float or scale it" % (name, _short(number))
            )
        return number
    number = float(value)
    if not math.isfinite(number):
        raise DotscienceValueError("metric %r is %r: only finite numbers are recorded (skip the point, or record the step's error)" % (name, number))
    return number


def check_step(name, step, last_step):
    """A metric point's step: None, or a non-negative integer not below the series' last step."""
    if step is None:
        return None
    if isinstance(step, bool) or not isinstance(step, numbers.Integral):
        raise DotscienceTypeError("the step of metric %r must be an integer, not %s %s" % (name, type(step).__name__, _short(step)))
    step = int(step)
    if step < 0 or step > MAX_SAFE_INTEGER:
        raise DotscienceValueError("the step of metric %r must be between 0 and 2**53-1, not %d" % (name, step))
    if last_step is not None and step < last_step:
        raise DotscienceValueError(
            "metric %r went back from step %d to step %d: steps of a series never go back (start a new run, or name another series)"
            % (name, last_step, step)
        )
    return step


def check_path(what, path):
    """A data path as the original library takes it: a str or os.PathLike naming a file or directory."""
    try:
        text = os.fspath(path)
    except TypeError:
        raise DotscienceTypeError("%s must be a path (str or os.PathLike), not %s %s" % (what, type(path).__name__, _short(path)))
    if isinstance(text, bytes):
        raise DotscienceTypeError("%s must be a text path, not bytes %s" % (what, _short(text)))
    if text == "" or "\0" in text:
        raise DotscienceValueError("%s %r is not a file name (empty, or with a NUL character)" % (what, text))
    return text


def pairs(what, args, kwargs):
    """Name/value pairs from ``add_parameters("a", 1, "b", 2)``, ``add_parameters({"a": 1})`` or ``add_parameters(a=1)``."""
    found = []
    if len(args) == 1 and isinstance(args[0], dict):
        found.extend(args[0].items())
    elif len(args) % 2 != 0:
        raise DotscienceTypeError("%s take name, value pairs: %d positional arguments is not pairs" % (what, len(args)))
    else:
        found.extend((args[i], args[i + 1]) for i in range(0, len(args), 2))
    found.extend(kwargs.items())
    return found


def _short(value):
    try:
        text = repr(value)
    except ValueError:  # an int too long for Python to write
        return "<%s of %d bits>" % (type(value).__name__, value.bit_length()) if isinstance(value, int) else "<%s>" % type(value).__name__
    return text if len(text) <= 80 else text[:77] + "..."
