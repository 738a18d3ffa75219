"""The usual mistakes in a hand-written RMS, RMSNorm, LayerNorm and RMSNorm backward pass (notebooks 01, 03, 04).

Part of :mod:`rmsviz.checks`. Every mistake is the right computation with one switch flipped
(:func:`variant`, :func:`backward_variant`): the mean subtracted or not, n - 1 for n, the root
missing, eps outside the root or missing, the wrong axis, the reduced axis dropped, the gain or the
bias missing or misplaced, the path through the RMS ignored in the backward pass. :func:`trial_inputs`
gives the seeded inputs every write-it-yourself checker tries.
"""

from __future__ import annotations

import math

import numpy as np

from rmsviz.checks.functions import Case, FunctionMistake
from rmsviz.i18n import N_
from rmsviz.norms import rms


def _axes(x: np.ndarray, axis) -> tuple[int, ...]:
    return tuple(range(x.ndim)) if axis == "all" else (axis % x.ndim,)


def variant(x, gain=None, bias=None, eps=0.0, *, centre=False, ddof=0, root=True, eps_at="inside",
            axis=-1, keepdims=True, gain_at="after", bias_at="after", statistic_of=None):
    """RMSNorm (``centre=False``) or LayerNorm (``centre=True``) with one usual mistake switched on.

    ``statistic_of`` ("centred" or "raw") overrides which values the RMS is taken of; the right
    formula takes it of the values it divides. Returns ``(y, x_hat, r)``: the output, the
    normalised values and the divisor (kept dims), for the backward-pass mistakes.
    """
    x = np.asarray(x, dtype=float)
    if gain is None:
        gain_at = "none"
    axes = _axes(x, axis)
    n = math.prod(x.shape[a] for a in axes)
    if gain_at == "before":
        x = x * gain
    d = x - np.mean(x, axis=axes, keepdims=True) if centre else x
    source = {"centred": x - np.mean(x, axis=axes, keepdims=True), "raw": x}.get(statistic_of, d)
    mean_square = np.sum(source * source, axis=axes, keepdims=True) / (n - ddof)
    if eps_at == "inside":
        r = np.sqrt(mean_square + eps) if root else mean_square + eps
    elif eps_at == "outside":
        r = (np.sqrt(mean_square) if root else mean_square) + eps
    else:
        r = np.sqrt(mean_square) if root else mean_square
    if not keepdims:
        r = np.squeeze(r, axis=axes)  # divides along the wrong axis, or raises ValueError
    x_hat = d / r
    if gain_at == "after":
        y = x_hat * gain
    elif gain_at == "rows":
        y = x_hat * np.reshape(gain, (-1,) + (1,) * (x.ndim - 1))
    elif gain_at == "added":
        y = x_hat + gain
    elif gain_at == "swapped":
        y = x_hat * bias + gain
    else:  # "none", or "before" (x was multiplied by gain above)
        y = x_hat
    if bias is not None and gain_at != "swapped":
        if bias_at == "after":
            y = y + bias
        elif bias_at == "before":
            y = (x_hat + bias) * gain
    return y, x_hat, r


def trial_inputs(shape_1d_values, with_gain: bool, with_bias: bool, with_grad: bool) -> list[Case]:
    """The inputs every write-it-yourself checker tries, in order: simple first, then harder.

    1. a small vector (the numbers of notebook 01); 2. a vector of RMS 0.19 with eps = 0.1 (eps
    matters); 3. an integer vector; 4. a square batch (4, 4), where a dropped axis divides silently
    by the wrong RMS (before any other batch, so that this mistake gets its name); 5. a batch
    (3, 5); 6. a 3-d array (2, 3, 4). Seeded; entries rounded to one decimal to read well.
    """
    rng = np.random.default_rng(12)
    xs = [
        (np.array(shape_1d_values, dtype=float), 1e-6),
        (np.array([0.3, -0.1, 0.2, 0.05]), 0.1),
        (np.array([3, -4, 0, 5]), 1e-6),
        (np.round(rng.normal(-0.5, 1.5, (4, 4)), 1), 1e-5),
        (np.round(rng.normal(1.0, 2.0, (3, 5)), 1), 1e-5),
        (np.round(rng.normal(0.5, 1.0, (2, 3, 4)), 1), 1e-3),
    ]
    gains = [np.array([1.0, 2.0, 0.5, -1.0]), np.array([1.0, -1.0, 2.0, 0.5]), np.array([0.5, 1.0, 1.5, 2.0])]
    cases = []
    for i, (x, eps) in enumerate(xs):
        n = x.shape[-1]
        gain = gains[i] if i < 3 else np.round(rng.normal(1.0, 0.5, n), 1)
        bias = np.round(rng.normal(0.0, 1.0, n), 1)
        grad = np.round(rng.normal(0.0, 1.0, x.shape), 1) if i != 0 else np.array([1.0, 0.5, -2.0, 1.0])
        args = (x,) + ((grad,) if with_grad else ()) + ((gain,) if with_gain else ()) \
            + ((bias,) if with_bias else ()) + ((eps,) if with_gain else ())
        cases.append(Case(args))
    return cases


def rms_mistakes() -> list[FunctionMistake]:
    def stat(**switches):
        def wrong(x):
            _, _, r = variant(x, **switches)
            return np.squeeze(r, axis=_axes(np.asarray(x), switches.get("axis", -1)))
        return wrong

    return [
        FunctionMistake(N_("the standard deviation: the mean is subtracted"),
                        N_("the RMS does not subtract the mean: square the features of x itself."),
                        stat(centre=True)),
        FunctionMistake(N_("the mean of the squares: the square root is missing"),
                        N_("take the square root of the mean of the squares."), stat(root=False)),
        FunctionMistake(N_("a mean over n - 1 features"),
                        N_("divide the sum of the squares by n, not by n - 1."),
                        stat(ddof=1)),
        FunctionMistake(N_("the length: the sum of the squares is not divided by n"),
                        N_("take the mean of the squares, not their sum."),
                        lambda x: np.sqrt(np.sum(np.asarray(x, float) ** 2, axis=-1))),
        FunctionMistake(N_("the mean of the absolute values"),
                        N_("square every feature, then average the squares."),
                        lambda x: np.mean(np.abs(x), axis=-1)),
        FunctionMistake(N_("the mean"), N_("square every feature first, so that -4 counts as much as 4."),
                        lambda x: np.mean(x, axis=-1)),
        FunctionMistake(N_("one RMS per column: the mean is over the first axis"),
                        N_("take the mean over the last axis, axis=-1: one RMS per row."), stat(axis=0)),
        FunctionMistake(N_("the mean over axis 1, which is the last axis only for 2-d arrays"),
                        N_("write axis=-1: it is the last axis of an array of any shape."),
                        lambda x: rms(x, axis=1) if np.ndim(x) > 2 else None),
        FunctionMistake(N_("one RMS of the whole array"),
                        N_("take the mean over the last axis only, axis=-1: one RMS per row."),
                        lambda x: rms(np.ravel(x)) if np.ndim(x) > 1 else None),
    ]


def norm_mistakes(centre: bool) -> list[FunctionMistake]:
    """The usual mistakes of my_rms_norm (centre=False) or my_layer_norm (centre=True)."""
    layer = centre

    def y(**switches):
        def wrong(x, gain, *rest):
            bias, eps = rest if layer else (None, rest[0])
            return variant(x, gain, bias, eps, **{"centre": centre, **switches})[0]
        return wrong

    mistakes = []
    if layer:
        mistakes += [
            FunctionMistake(N_("RMSNorm's output: the mean is not subtracted"),
                            N_("subtract the mean of each row first: my_rms_norm(x - mean, gain, eps) + bias."),
                            y(centre=False)),
            FunctionMistake(N_("(x - mean) / RMS(x): the RMS of x instead of the RMS of x - mean"),
                            N_("apply my_rms_norm to x - mean: the RMS of x - mean is the standard deviation."),
                            y(statistic_of="raw")),
        ]
    else:
        mistakes += [
            FunctionMistake(N_("LayerNorm's output: the mean is subtracted"),
                            N_("RMSNorm does not subtract the mean: divide x itself by sqrt(mean(x²) + eps)."),
                            y(centre=True)),
            FunctionMistake(N_("(x - mean) / RMS(x): the mean is subtracted"),
                            N_("RMSNorm does not subtract the mean: divide x itself by sqrt(mean(x²) + eps)."),
                            y(centre=True, statistic_of="raw")),
        ]
    mistakes += [
        FunctionMistake(N_("x / (mean(x²) + eps): the square root is missing"),
                        N_("divide by the square root, sqrt(mean(x²) + eps)."), y(root=False)),
        FunctionMistake(N_("x / (sqrt(mean(x²)) + eps): eps is outside the root"),
                        N_("add eps inside the square root: sqrt(mean(x²) + eps)."), y(eps_at="outside")),
        FunctionMistake(N_("x / sqrt(mean(x²)): eps is missing"),
                        N_("add eps inside the square root: sqrt(mean(x²) + eps)."), y(eps_at="none")),
        FunctionMistake(N_("computed with a mean over n - 1 features"),
                        N_("divide the sum of the squares by n, not by n - 1."), y(ddof=1)),
        FunctionMistake(N_("computed with statistics over the first axis (one per column)"),
                        N_("take the mean over the last axis: axis=-1, keepdims=True."), y(axis=0)),
        FunctionMistake(N_("computed with statistics over axis 1, which is the last axis only for 2-d arrays"),
                        N_("write axis=-1: it is the last axis of an array of any shape."),
                        lambda x, *rest: y(axis=1)(x, *rest) if np.ndim(x) > 2 else None),
        FunctionMistake(N_("computed with one statistic for the whole array"),
                        N_("take the mean over the last axis only: axis=-1, keepdims=True."), y(axis="all")),
        FunctionMistake(N_("computed with the statistic of one row for each column: the reduced axis was dropped"),
                        N_("keep the reduced axis, keepdims=True, so that each row is divided by its own value."),
                        lambda x, *rest: y(keepdims=False)(x, *rest) if np.ndim(x) > 1 else None),
        FunctionMistake(N_("computed without the gain"), N_("multiply the normalised x by gain."),
                        y(gain_at="none")),
        FunctionMistake(N_("multiplied by gain along the first axis"),
                        N_("gain has one number per feature, on the last axis: multiply by gain as it is."),
                        y(gain_at="rows")),
        FunctionMistake(N_("computed with gain added, not multiplied"), N_("gain multiplies the normalised x."),
                        y(gain_at="added")),
        FunctionMistake(N_("computed with the gain applied before the normalisation"),
                        N_("normalise x first, then multiply by gain."), y(gain_at="before")),
    ]
    if layer:
        mistakes += [
            FunctionMistake(N_("computed without the bias"), N_("add bias after multiplying by gain."),
                            y(bias_at="none")),
            FunctionMistake(N_("(x_hat + bias) * gain: the bias is added before the gain"),
                            N_("multiply by gain first, then add bias."), y(bias_at="before")),
            FunctionMistake(N_("x_hat * bias + gain: gain and bias are swapped"),
                            N_("gain multiplies, bias adds: x_hat * gain + bias."), y(gain_at="swapped")),
        ]
    return mistakes


def backward_variant(x, grad_out, gain, eps, *, path=True, sign=-1.0, reduce="mean", gain_in_d=True,
                     layer_term=False, **switches):
    """rms_norm_backward with one usual mistake switched on: returns ``(grad_x, grad_gain)``."""
    x = np.asarray(x, dtype=float)
    _, x_hat, r = variant(x, gain, None, eps, **switches)
    axes = _axes(x, switches.get("axis", -1))
    d = grad_out * gain if gain_in_d else np.asarray(grad_out, dtype=float)
    along = np.mean(d * x_hat, axis=axes, keepdims=True) if reduce == "mean" \
        else np.sum(d * x_hat, axis=axes, keepdims=True)
    grad_x = d + (sign * x_hat * along if path else 0.0)
    if layer_term:
        grad_x = grad_x - np.mean(d, axis=axes, keepdims=True)
    grad_x = grad_x / r
    grad_gain = np.sum((grad_out * x_hat).reshape(-1, x.shape[-1]), axis=0)
    return grad_x, grad_gain


def backward_mistakes() -> list[FunctionMistake]:
    def gx(**switches):
        return lambda x, g, gain, eps: backward_variant(x, g, gain, eps, **switches)[0]

    def x_hat(x, eps):
        x = np.asarray(x, dtype=float)
        return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)

    last = lambda a: np.reshape(a, (-1, np.shape(a)[-1]))  # noqa: E731 - every row of the batch
    return [
        FunctionMistake(N_("grad_out * gain / r: the path through the RMS is missing"),
                        N_("r depends on x too: grad_x = (d - y * mean(d * y)) / r, with d = grad_out * gain "
                           "and y = x / r."), gx(path=False)),
        FunctionMistake(N_("(d + y * mean(d * y)) / r: the sign of the RMS term is wrong"),
                        N_("subtract the part along y: (d - y * mean(d * y)) / r."), gx(sign=+1.0)),
        FunctionMistake(N_("computed with y * sum(d * y) instead of y * mean(d * y)"),
                        N_("the 1/n of the mean stays in the gradient: (d - y * mean(d * y)) / r."),
                        gx(reduce="sum")),
        FunctionMistake(N_("computed without the gain in d"),
                        N_("grad_out reaches the normalised x through the gain: d = grad_out * gain."),
                        gx(gain_in_d=False)),
        FunctionMistake(N_("computed with an extra mean(d) term, which belongs to LayerNorm"),
                        N_("RMSNorm subtracts no mean, so its backward pass has no mean(d) term."),
                        gx(layer_term=True)),
        FunctionMistake(N_("computed with eps outside the root"),
                        N_("use the r of the forward pass: r = sqrt(mean(x²) + eps)."), gx(eps_at="outside")),
        FunctionMistake(N_("computed without eps"),
                        N_("use the r of the forward pass: r = sqrt(mean(x²) + eps)."), gx(eps_at="none")),
        FunctionMistake(N_("computed with a mean over n - 1 features"),
                        N_("divide the sum of the squares by n, not by n - 1."), gx(ddof=1)),
        FunctionMistake(N_("computed with statistics over the first axis"),
                        N_("take every mean over the last axis: axis=-1, keepdims=True."), gx(axis=0)),
        FunctionMistake(N_("computed with one statistic for the whole array"),
                        N_("take every mean over the last axis only: axis=-1, keepdims=True."), gx(axis="all")),
        FunctionMistake(N_("grad_out * y for every row: it is not summed over the batch"),
                        N_("every row uses the same gain: sum grad_out * y over every axis but the last."),
                        lambda x, g, gain, eps: g * x_hat(x, eps), output=1),
        FunctionMistake(N_("the sum of grad_out: the normalised x is missing"),
                        N_("y = gain * x / r, so dL/dgain is the sum of grad_out * x / r."),
                        lambda x, g, gain, eps: np.sum(last(g), axis=0), output=1),
        FunctionMistake(N_("the sum of grad_out * y * gain: an extra factor gain"),
                        N_("dL/dgain is the sum of grad_out * x / r; gain itself is not in it."),
                        lambda x, g, gain, eps: np.sum(last(g * x_hat(x, eps) * gain), axis=0), output=1),
        FunctionMistake(N_("a mean over the batch instead of a sum"),
                        N_("add up the contributions of every row: a sum, not a mean."),
                        lambda x, g, gain, eps: np.mean(last(g * x_hat(x, eps)), axis=0), output=1),
        FunctionMistake(N_("a sum over the features instead of over the batch"),
                        N_("sum over every axis but the last: one number per feature."),
                        lambda x, g, gain, eps: np.sum(g * x_hat(x, eps), axis=-1), output=1),
        FunctionMistake(N_("computed without eps"),
                        N_("use the r of the forward pass: r = sqrt(mean(x²) + eps)."),
                        lambda x, g, gain, eps: np.sum(last(g * x_hat(x, 0.0)), axis=0), output=1),
    ]
