"""Attempt summaries say only what the beats support (`scoring.summary`)."""

from scoring.summary import summarise

PARTS = ("head", "torso", "left_arm", "right_arm", "left_leg", "right_leg")


def beat(index, overall, parts=None, fix=None):
    scores = None if overall is None else overall
    return {
        "index": index, "time_s": index * 0.5, "timing_offset_ms": 0.0, "timing": scores,
        "accuracy": scores, "smoothness": scores, "overall": overall,
        "label": "Not seen" if overall is None else "Perfect" if overall >= 90 else "Miss",
        "parts": parts if parts is not None else dict.fromkeys(PARTS, scores),
        "seen": [] if overall is None else list(PARTS), "fix": fix,
    }  # fmt: skip


def test_every_beat_at_zero_is_not_called_consistent():
    summary = summarise([beat(i, 0.0) for i in range(8)], tracking_fps=30.0)
    assert summary["overall"] == 0.0
    assert summary["consistency"] is None


def test_a_well_danced_attempt_names_no_weak_part_or_beat():
    summary = summarise([beat(i, 95.0) for i in range(8)], tracking_fps=30.0)
    assert summary["weakest_parts"] == [] and summary["weakest_beats"] == []
    assert summary["consistency"] == 100.0 and summary["reliable"] is True


def test_beats_not_seen_are_left_out_and_too_many_make_it_unreliable():
    beats = [beat(0, 80.0), beat(1, None), beat(2, None), beat(3, None)]
    summary = summarise(beats, tracking_fps=30.0)
    assert summary["beats_seen"] == 1 and summary["overall"] == 80.0
    assert summary["reliable"] is False
    assert "1 of 4 beats" in summary["unreliable_reason"]
    assert summary["labels"]["Not seen"] == 3


def test_slow_tracking_is_unreliable_and_says_why():
    summary = summarise([beat(i, 90.0) for i in range(8)], tracking_fps=4.2)
    assert summary["reliable"] is False
    assert summary["unreliable_reason"].startswith("tracking ran at 4.2 fps")


def test_legs_never_seen_give_an_upper_body_score():
    parts = {**dict.fromkeys(PARTS, 90.0), "left_leg": None, "right_leg": None}
    summary = summarise([beat(i, 90.0, parts=parts) for i in range(4)], tracking_fps=30.0)
    assert summary["scope"] == "upper body"
    assert "left_leg" not in summary["parts"] and summary["reliable"] is True
