"""CMU BVH: the parser, forward kinematics, units and true frame rates on the real files."""

import numpy as np
import pytest

from generation.data.bvh import node_positions, parse_bvh, read_bvh
from generation.data.cmu import cmu_dir, cmu_index, load_cmu
from scoring.skeleton import JOINT_INDEX as J
from scoring.skeleton import bone_lengths

TWO_JOINTS = """HIERARCHY
ROOT hip
{
  OFFSET 0 0 0
  CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
  JOINT arm
  {
    OFFSET 1 0 0
    CHANNELS 3 Zrotation Xrotation Yrotation
    End Site
    {
      OFFSET 2 0 0
    }
  }
}
MOTION
Frames: 2
Frame Time: 0.5
0 1 0 0 0 0 0 0 0
5 1 0 90 0 0 0 90 90
"""


def test_parser_reads_hierarchy_and_channel_order():
    bvh = parse_bvh(TWO_JOINTS)
    assert bvh.nodes == ("hip", "arm", "arm_end")
    assert bvh.parents == (-1, 0, 1)
    assert bvh.channels[1] == ("Zrotation", "Xrotation", "Yrotation")
    assert bvh.frame_time == 0.5
    positions = node_positions(bvh)
    np.testing.assert_allclose(positions[0], [[0, 1, 0], [1, 1, 0], [3, 1, 0]], atol=1e-9)
    # Frame 1: the root moves to (5, 1, 0) and turns Rz(90) (x -> y), so the arm sits at
    # (5, 2, 0). The arm's rotation is Rz(0) @ Rx(90) @ Ry(90) in channel order: Ry(90) takes the
    # End Site offset (2, 0, 0) to (0, 0, -2), Rx(90) to (0, 2, 0), the root's Rz(90) to
    # (-2, 0, 0). (The reverse order would give (0, 0, -2).)
    np.testing.assert_allclose(positions[1, 1], [5, 2, 0], atol=1e-9)
    np.testing.assert_allclose(positions[1, 2], [3, 2, 0], atol=1e-9)


def test_parser_rejects_truncated_motion():
    with pytest.raises(ValueError, match="motion values"):
        parse_bvh(TWO_JOINTS.rsplit("\n", 2)[0])


@pytest.mark.parametrize("trial, nodes, channels", [("60_01", 43 + 14, 132), ("05_06", 31 + 7, 96)])
def test_real_files_parse_with_the_documented_layout(trial, nodes, channels):
    entry = next(e for e in cmu_index() if e["cmu_trial"] == trial)
    bvh = read_bvh(cmu_dir() / entry["file"])
    assert len(bvh.nodes) == nodes
    assert bvh.motion.shape == (entry["frames"], channels)
    # The header claims 120 fps for both; only 05_06 really is.
    assert bvh.frame_time == pytest.approx(1 / 120, rel=1e-3)


def test_true_frame_rate_and_modern_dance_skeleton():
    entry = next(e for e in cmu_index() if e["cmu_trial"] == "05_06")
    clip = load_cmu(entry)
    assert clip.style == "modern"
    assert len(clip.frames) / clip.fps == pytest.approx(885 / 120, abs=1 / 30)
    femur = np.median(bone_lengths(clip.frames)[:, 2])
    assert 0.35 < femur < 0.45


def test_partners_share_a_world_frame():
    lead, follow = (
        load_cmu(next(e for e in cmu_index() if e["cmu_trial"] == trial))
        for trial in ("60_03", "61_03")
    )
    assert lead.split == follow.split == "train"
    assert len(lead.frames) == len(follow.frames)
    apart = np.linalg.norm(
        lead.frames[:, J["pelvis"], ::2] - follow.frames[:, J["pelvis"], ::2], axis=-1
    )
    assert 0.4 < np.median(apart) < 1.2
