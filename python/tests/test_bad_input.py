"""Bad names and values: a clear error at the call that gave them, and nothing recorded for them."""

import math

import pytest

from dotscience import DotscienceTypeError, DotscienceValueError
from conftest import blocks


def published_block(lib):
    lib.publish()
    [(_, block)] = blocks(lib.stream.getvalue())
    return block


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, float("nan")])
def test_a_metric_that_is_not_finite_is_refused_naming_it(lib, value):
    lib.start()
    with pytest.raises(DotscienceValueError, match=r"metric 'loss' is .*only finite numbers"):
        lib.metric("loss", value, step=0)
    assert "metrics" not in published_block(lib)


@pytest.mark.parametrize("what", ["parameter", "summary", "label"])
def test_nan_as_a_parameter_summary_or_label_is_refused(lib, what):
    lib.start()
    with pytest.raises(DotscienceValueError, match="is nan: record a finite number"):
        getattr(lib, what)("x", math.nan)
    block = published_block(lib)
    assert block["parameters"] == {} and block["summary"] == {} and block["labels"] == {}


@pytest.mark.parametrize("call", ["parameter", "summary", "label", "metric"])
@pytest.mark.parametrize("name", [3, None, ("a",), b"bytes"])
def test_a_name_that_is_not_a_string_is_refused(lib, call, name):
    lib.start()
    with pytest.raises(DotscienceTypeError, match="names must be strings, not"):
        getattr(lib, call)(name, 1)
    block = published_block(lib)
    assert block["parameters"] == {} and block["summary"] == {} and block["labels"] == {} and "metrics" not in block


def test_a_batch_with_one_bad_key_records_none_of_it(lib):
    lib.start()
    with pytest.raises(DotscienceTypeError, match="parameter names must be strings, not int 7"):
        lib.add_parameters({"good": 1, 7: "bad key", "also_good": 2})
    with pytest.raises(DotscienceValueError, match="metric 'b' is nan"):
        lib.add_metrics(a=1.0, b=math.nan, step=0)
    block = published_block(lib)
    assert block["parameters"] == {}
    assert "metrics" not in block


@pytest.mark.parametrize("what", ["parameter", "summary", "label"])
def test_a_huge_value_is_refused_with_what_to_do(lib, what):
    lib.start()
    with pytest.raises(DotscienceValueError, match="more than 65536: record large things as data"):
        getattr(lib, what)("blob", "x" * (1 << 20))
    block = published_block(lib)
    assert block["parameters"] == {} and block["summary"] == {} and block["labels"] == {}


def test_an_integer_too_long_to_write_is_refused_not_crashed_on(lib):
    lib.start()
    with pytest.raises(DotscienceValueError):
        lib.parameter("n", 10**5000)
    with pytest.raises(DotscienceValueError, match="lose precision"):
        lib.metric("n", 10**5000)
    block = published_block(lib)
    assert block["parameters"] == {} and "metrics" not in block


def test_a_huge_name_is_refused(lib):
    lib.start()
    with pytest.raises(DotscienceValueError, match="must have 1 to 1024 characters"):
        lib.parameter("p" * 2000, 1)
    with pytest.raises(DotscienceValueError, match="must have 1 to 1024 characters"):
        lib.metric("", 1)
    assert published_block(lib)["parameters"] == {}


@pytest.mark.parametrize("value", [True, "0.5", None, [1.0], {"a": 1}])
def test_a_metric_must_be_a_number(lib, value):
    lib.start()
    with pytest.raises(DotscienceTypeError, match="must be a number"):
        lib.metric("loss", value)
    assert "metrics" not in published_block(lib)


def test_steps_never_go_back_and_are_non_negative_integers(lib):
    lib.start()
    lib.metric("loss", 0.5, step=3)
    with pytest.raises(DotscienceValueError, match="went back from step 3 to step 2"):
        lib.metric("loss", 0.4, step=2)
    with pytest.raises(DotscienceValueError, match="between 0 and"):
        lib.metric("acc", 0.4, step=-1)
    with pytest.raises(DotscienceTypeError, match="must be an integer"):
        lib.metric("acc", 0.4, step=1.5)
    lib.metric("loss", 0.3, step=3)  # the same step again is allowed, as the event rules allow it
    block = published_block(lib)
    assert [(p["value"], p["step"]) for p in block["metrics"]] == [(0.5, 3), (0.3, 3)]


def test_a_path_must_be_a_path(lib):
    lib.start()
    with pytest.raises(DotscienceTypeError, match="an input must be a path"):
        lib.input(42)
    with pytest.raises(DotscienceValueError, match="not a file name"):
        lib.output("")
    block = published_block(lib)
    assert block["input"] == [] and block["output"] == []
