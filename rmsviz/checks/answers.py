"""Reading a student's answer: numbers, or a sentence saying what is wrong with the answer's form.

Part of :mod:`rmsviz.checks` (notebook 01 onwards). :func:`read_numbers` reads lists, tuples,
numbers and numpy arrays itself, so that no answer raises numpy's errors or warnings: text, None,
NaN, infinity, complex numbers, dicts, sets, ragged lists, huge integers, masked arrays and dates
each raise a :class:`FormError` whose :meth:`~FormError.sentence` says what is wrong.
This module imports nothing from rmsviz but the language catalogue.
"""

from __future__ import annotations

import math
import numbers
import warnings
from decimal import Decimal

import numpy as np

from rmsviz.i18n import N_, _

_FORM = {
    "none": N_("Your answer is None: give a number or a list of numbers."),
    "text": N_("Your answer holds text ({text}), not numbers: remove the quotes."),
    "bool": N_("Your answer holds True or False, which are yes/no values: give numbers."),
    "none_inside": N_("Your answer holds None, an empty value: replace it with a number."),
    "complex": N_("Your answer holds a complex number: give real numbers only."),
    "nan": N_("Your answer holds NaN (not a number): give finite numbers."),
    "inf": N_("Your answer holds an infinite value: give finite numbers."),
    "too_large": N_("Your answer holds a number too large for a float (above 1.8e308)."),
    "ragged": N_("Your answer is a ragged list: its rows have different lengths."),
    "empty": N_("Your answer is empty: give a number or a list of numbers."),
    "masked": N_("Your answer is a masked array with hidden values: give plain numbers."),
    "dates": N_("Your answer holds dates or times, not numbers."),
    "deep": N_("Your answer is a list nested too deeply: give a number or a list of numbers."),
    "set": N_("Your answer is a set, which has no order: give a list."),
    "type": N_("Your answer is of type {type}: give a number or a list of numbers."),
    "type_inside": N_("Your answer holds a value of type {type}: give a number or a list of numbers."),
}

#: The same problems, as the noun phrase that ends "your function returns ...".
_RESULT_FORM = {
    "none": N_("None"),
    "text": N_("text"),
    "bool": N_("True/False values"),
    "none_inside": N_("None inside a list"),
    "complex": N_("complex numbers"),
    "nan": N_("NaN values"),
    "inf": N_("infinite values"),
    "too_large": N_("numbers too large for a float"),
    "ragged": N_("a ragged list"),
    "empty": N_("an empty array"),
    "masked": N_("a masked array"),
    "dates": N_("dates or times"),
    "deep": N_("a list nested too deeply"),
    "set": N_("a set"),
    "type": N_("a value of type {type}"),
    "type_inside": N_("a value of type {type}"),
}

_MAX_DEPTH = 16


class FormError(Exception):
    """The answer's form is wrong: ``code`` names the problem (a key of ``_FORM``)."""

    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code = code
        self.values = values

    def sentence(self) -> str:
        """The problem as a sentence about "your answer"."""
        return _(_FORM[self.code]).format(**self.values)

    def phrase(self) -> str:
        """The problem as a noun phrase, for what a student's function returns."""
        return _(_RESULT_FORM[self.code]).format(**self.values)


class ShapeError(Exception):
    """The answer has numbers, but not as many as the exercise expects: ``args[0]`` is the sentence."""


def _short_text(text) -> str:
    """At most 20 characters of a string, on one line, in quotes."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    text = " ".join(str(text).split())
    return "'" + (text if len(text) <= 20 else text[:19] + "…") + "'"


def number_text(value: float) -> str:
    """A number for a message: four significant digits, no trailing zeros (1.86e-05, 3.61, 256)."""
    return f"{float(value):.4g}"


def vector_text(values) -> str:
    """A short vector for a message: ``[2, 4, 6, 8]``."""
    return "[" + ", ".join(number_text(v) for v in np.ravel(values)) + "]"


def read_numbers(value, depth: int = 0) -> np.ndarray:
    """``value`` as a float64 array of finite real numbers, or a :class:`FormError`.

    Reads lists, tuples, numbers and numpy arrays itself (``np.asarray`` only on an object that
    defines ``__array__``, such as a pandas Series), so that no answer raises numpy's errors or
    warnings, and text is text whether it comes as a string or as a numpy array of strings.
    """
    if depth > _MAX_DEPTH:
        raise FormError("deep")
    if value is None:
        raise FormError("none_inside")
    if isinstance(value, (bool, np.bool_)):
        raise FormError("bool")
    if isinstance(value, (str, bytes)):
        raise FormError("text", text=_short_text(value))
    if isinstance(value, np.ma.MaskedArray):
        if np.ma.is_masked(value):
            raise FormError("masked")
        return _read_array(np.ma.getdata(value), depth)
    if isinstance(value, (np.ndarray, np.generic)):
        return _read_array(np.asarray(value), depth)
    if isinstance(value, numbers.Number) or isinstance(value, Decimal):
        return np.array(_read_scalar(value))
    if isinstance(value, (set, frozenset)):
        raise FormError("set")
    if isinstance(value, (list, tuple, range)):
        return _read_sequence(value, depth)
    if hasattr(type(value), "__array__"):  # a pandas Series, a torch tensor...: its own conversion
        return _read_array(_converted(value), depth)
    code = "type" if depth == 0 else "type_inside"
    raise FormError(code, type=type(value).__name__)


def _converted(value) -> np.ndarray:
    """``np.asarray(value)`` for an object that says it converts (``__array__``), or a FormError."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            converted = np.asarray(value)
    except Exception:  # the object's own conversion failed: answer about its type
        raise FormError("type", type=type(value).__name__) from None
    if not isinstance(converted, np.ndarray):
        raise FormError("type", type=type(value).__name__)
    return converted


def _read_scalar(value) -> float:
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        raise FormError("complex")
    if isinstance(value, Decimal):
        if value.is_nan():
            raise FormError("nan")
        if value.is_infinite():
            raise FormError("inf")
    try:
        number = float(value)
    except OverflowError:
        raise FormError("too_large") from None
    except (TypeError, ValueError):
        raise FormError("type", type=type(value).__name__) from None
    if math.isnan(number):
        raise FormError("nan")
    if math.isinf(number):
        # a float inf was typed as such; a Decimal or Fraction beyond float64 is a finite number
        raise FormError("inf" if isinstance(value, (float, np.floating)) else "too_large")
    return number


def _read_sequence(values, depth: int) -> np.ndarray:
    if len(values) == 0:
        raise FormError("empty")
    items = [read_numbers(v, depth + 1) for v in values]
    if len({item.shape for item in items}) > 1:
        raise FormError("ragged")
    return np.stack(items)


def _read_array(arr: np.ndarray, depth: int) -> np.ndarray:
    kind = arr.dtype.kind
    if kind == "O":
        if arr.ndim == 0:
            return read_numbers(arr.item(), depth + 1)
        return _read_sequence(list(arr), depth)
    if kind == "b":
        raise FormError("bool")
    if kind in "US":
        first = arr.flat[0] if arr.size else ""
        raise FormError("text", text=_short_text(first))
    if kind == "c":
        raise FormError("complex")
    if kind in "Mm":
        raise FormError("dates")
    if kind not in "iuf":
        raise FormError("type", type=str(arr.dtype))
    if arr.size == 0:
        raise FormError("empty")
    with np.errstate(over="ignore", invalid="ignore"):
        out = arr.astype(np.float64)
    finite = np.isfinite(out)
    if not finite.all():
        if np.isnan(arr).any():
            raise FormError("nan")
        if np.isinf(arr).any():
            raise FormError("inf")
        raise FormError("too_large")  # a longdouble beyond float64
    return out


def one_number(arr: np.ndarray) -> float:
    """The single number of an answer that must be one number, or a :class:`ShapeError`."""
    if arr.shape == ():
        return float(arr)
    if arr.size == 1:
        value = number_text(arr.flat[0])
        raise ShapeError(_("This exercise expects one number, not a list: write {value} instead of "
                           "[{value}].").format(value=value))
    raise ShapeError(_("This exercise expects one number, but your answer holds {count} numbers.")
                     .format(count=arr.size))




def shape_text(shape: tuple) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
