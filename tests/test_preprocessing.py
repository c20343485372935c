import numpy as np

import preprocessing as pp


def test_windows_hold_the_last_w_steps():
    values = np.arange(30, dtype=float).reshape(10, 3)
    w = pp.make_windows(values, 4)
    assert w.shape == (7, 4, 3) and w.dtype == np.float32
    np.testing.assert_array_equal(w[0], values[0:4])
    np.testing.assert_array_equal(w[-1], values[6:10])


def test_window_of_one_is_the_point():
    values = np.random.default_rng(0).normal(size=(5, 2))
    np.testing.assert_allclose(pp.make_windows(values, 1)[:, 0], values, rtol=1e-6)


def test_chronological_split_with_warmup():
    split = pp.split_steps(10, 3, 0.8, time_ordered=True, seed=0)
    assert list(split) == ["warmup"] * 2 + ["train"] * 6 + ["test"] * 2


def test_iid_split_is_shuffled_and_seeded():
    a = pp.split_steps(1000, 1, 0.8, time_ordered=False, seed=0)
    b = pp.split_steps(1000, 1, 0.8, time_ordered=False, seed=0)
    c = pp.split_steps(1000, 1, 0.8, time_ordered=False, seed=1)
    assert (a == "train").sum() == 800
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert (a[:800] == "test").any()  # not simply the first 80 %


def test_scaler_never_sees_test_values():
    values = np.random.default_rng(0).normal(size=(100, 2))
    split = pp.split_steps(100, 1, 0.8, True, 0)
    before = pp.fit_scaler(values, split, ("a", "b"))
    values[80:] *= 1000  # change only the test part
    after = pp.fit_scaler(values, split, ("a", "b"))
    np.testing.assert_array_equal(before.data_min_, after.data_min_)
    np.testing.assert_array_equal(before.data_max_, after.data_max_)
