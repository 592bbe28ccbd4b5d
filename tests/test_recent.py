"""Slow figures kept for a while in each process."""

from portal import recent


def test_an_answer_is_kept_for_the_configured_time_then_worked_out_again(app, monkeypatch):
    calls = []
    clock = [100.0]
    monkeypatch.setattr(recent.time, "monotonic", lambda: clock[0])
    app.config["COMMUNITY_FIGURES_CACHE_SECONDS"] = 60
    recent.forget()
    try:
        with app.app_context():
            compute = lambda: calls.append(1) or len(calls)  # noqa: E731
            assert recent.remember("k", compute) == 1
            clock[0] += 59
            assert recent.remember("k", compute) == 1
            clock[0] += 2
            assert recent.remember("k", compute) == 2
    finally:
        app.config["COMMUNITY_FIGURES_CACHE_SECONDS"] = 0
        recent.forget()


def test_nothing_is_kept_when_turned_off(app):
    calls = []
    with app.app_context():
        for _ in range(3):
            recent.remember("k", lambda: calls.append(1))
    assert len(calls) == 3


def test_no_more_than_a_thousand_answers_are_kept(app, monkeypatch):
    app.config["COMMUNITY_FIGURES_CACHE_SECONDS"] = 60
    recent.forget()
    try:
        with app.app_context():
            for number in range(recent.MOST_KEPT + 5):
                recent.remember(number, lambda: None)
        assert len(recent._KEPT) <= recent.MOST_KEPT
    finally:
        app.config["COMMUNITY_FIGURES_CACHE_SECONDS"] = 0
        recent.forget()
